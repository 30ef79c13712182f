import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildingDevices } from '../../controller/building/devices.js';
import { BuildingError, DEFAULT_BUILDING_FILE, loadBuilding, parseBuilding } from '../../controller/building/load.js';

const raw = () => JSON.parse(readFileSync(DEFAULT_BUILDING_FILE, 'utf8')) as Record<string, any>; // any: tests mutate the JSON freely

function problems(mutate: (b: Record<string, any>) => void): string[] { // any: as above
  const b = raw();
  mutate(b);
  try {
    parseBuilding(b);
    return [];
  } catch (err) {
    if (!(err instanceof BuildingError)) throw err;
    return err.problems;
  }
}

describe('the Ménil-Flin building file', () => {
  const building = loadBuilding();

  it('describes the centre as the brief does', () => {
    const zone = (id: string) => building.zones.find((z) => z.id === id);
    expect(building.site.timeZone).toBe('Europe/Paris');
    expect(zone('museum')?.capacity).toBe(80);
    expect(zone('event-hall')?.capacity).toBe(150);
    expect([zone('room-baccarat')?.seats, zone('room-luneville')?.seats, zone('room-vezouze')?.seats]).toEqual([8, 6, 4]);
    expect([zone('training-meurthe')?.seats, zone('training-mortagne')?.seats]).toEqual([16, 12]);
    expect(building.desks.filter((d) => d.kind === 'hot')).toHaveLength(32);
    expect(building.desks.filter((d) => d.kind === 'fixed')).toHaveLength(8);
    expect(building.desks.filter((d) => d.kind === 'bench')).toHaveLength(10);
    expect(building.zones.filter((z) => z.kind === 'office')).toHaveLength(4);
    expect(building.zones.filter((z) => z.kind === 'booth')).toHaveLength(2);
    expect(building.doors.find((d) => d.id === 'main-entrance')?.readers.map((r) => r.side)).toEqual(['outside', 'inside']);
    expect(building.meters.map((m) => m.deviceId)).toEqual(['net-ground', 'net-first', 'net-second', 'net-uplink']);
    const devices = buildingDevices(building);
    expect(new Set(devices.map((d) => d.deviceId)).size).toBe(devices.length);
  });

  it('names every broken reference, duplicate and impossible value together', () => {
    const found = problems((b) => {
      b.doors[2].to = 'attic';
      b.doors[3].from = b.doors[3].to;
      b.zones[4].floor = 'roof';
      b.zones[5].parent = 'nowhere';
      b.desks[1].id = b.desks[0].id;
      b.desks[2].sensor = b.desks[3].sensor;
      b.site.timeZone = 'Europe/Meurthe';
      b.meters[0].floor = 'cellar';
    });
    expect(found).toEqual(expect.arrayContaining([
      'door "room-baccarat" leads to unknown zone "attic"',
      'door "room-luneville" leads nowhere: from and to are both "room-luneville"',
      'zone "room-baccarat" is on unknown floor "roof"',
      'zone "room-luneville" has unknown parent zone "nowhere"',
      'duplicate desk id "cw-hot-01"',
      'duplicate device id "desk-cw-hot-04"',
      'unknown time zone "Europe/Meurthe"',
      'meter "net-ground" measures unknown floor "cellar"',
    ]));
  });

  it('reports schema errors with their path', () => {
    const found = problems((b) => {
      b.zones[0].capacity = 0;
      delete b.site.id;
    });
    expect(found.join('\n')).toMatch(/\/zones\/0\/capacity/);
    expect(found.join('\n')).toMatch(/site.*id|required/);
  });
});
