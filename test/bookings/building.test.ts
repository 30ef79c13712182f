import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildingDevices } from '../../controller/building/devices.js';
import { DEFAULT_BUILDING_FILE, loadBuilding, parseBuilding } from '../../controller/building/load.js';
import { ResourceCatalog } from '../../controller/bookings/resources.js';

const raw = () => JSON.parse(readFileSync(DEFAULT_BUILDING_FILE, 'utf8')) as any; // any: the test edits the file freely
const problems = (edit: (b: any) => void): string[] => {
  const b = raw();
  edit(b);
  try {
    parseBuilding(b);
    return [];
  } catch (err) {
    return (err as { problems: string[] }).problems;
  }
};

describe('the booking section of the building file', () => {
  it('places a presence sensor in each meeting room and booth: 89 devices', () => {
    const building = loadBuilding();
    expect(buildingDevices(building)).toHaveLength(89);
    expect(building.desks.filter((d) => d.kind === 'room').map((d) => [d.zone, d.sensor])).toEqual([
      ['room-baccarat', 'occ-baccarat'], ['room-luneville', 'occ-luneville'], ['room-vezouze', 'occ-vezouze'],
      ['booth-1', 'occ-booth-1'], ['booth-2', 'occ-booth-2'],
    ]);
  });

  it('resolves the rooms, the booths, the hot desks and the lab benches with their rules and sensors', () => {
    const catalog = new ResourceCatalog(loadBuilding());
    expect(catalog.rooms().map((r) => r.id)).toEqual(['room-baccarat', 'room-luneville', 'room-vezouze', 'booth-1', 'booth-2', 'event-hall', 'training-meurthe', 'training-mortagne']);
    expect(catalog.get('room-baccarat')).toMatchObject({
      name: 'Baccarat', kind: 'room', zoneId: 'room-baccarat', deskId: null, seats: 8, sensorDeskId: 'room-baccarat-presence',
      sensorId: 'occ-baccarat', doorIds: ['room-baccarat'], rules: { slotMinutes: 15, graceMinutes: 15, marginMinutes: 10, groups: null },
    });
    expect(catalog.get('booth-1')).toMatchObject({ doorIds: [], seats: 1, sensorId: 'occ-booth-1' });
    expect(catalog.get('cw-hot-01')).toMatchObject({ kind: 'desk', deskId: 'cw-hot-01', zoneId: 'coworking', sensorId: 'desk-cw-hot-01', doorIds: ['coworking'] });
    expect(catalog.get('lab-bench-01')?.rules.groups).toEqual(['Lab members', 'Staff']);
    expect(catalog.get('event-hall')?.rules.groups).toEqual(['Staff']); // managers block it for events
    expect(catalog.all()).toHaveLength(8 + 32 + 10);
  });

  it('reports every wrong reference, duplicate and grid, each clearly', () => {
    expect(problems((b) => {
      b.booking.resources.push(
        { id: 'room-baccarat', zone: 'room-baccarat', rules: 'meeting' },
        { id: 'attic', zone: 'attic', rules: 'meeting' },
        { id: 'ghost-desk', desk: 'cw-hot-99', rules: 'desk' },
        { id: 'sensor-desk', desk: 'room-vezouze-presence', rules: 'desk' },
        { id: 'both', zone: 'lab', desk: 'cw-hot-02', rules: 'desk' },
        { id: 'no-rules', zone: 'museum', rules: 'party' },
      );
      b.booking.rules.odd = { openingHours: [{ days: ['mon'], from: '08:10', to: '12:00' }], slotMinutes: 25, maxMinutes: 60, maxAheadDays: 1, cancelBeforeMinutes: 0 };
    })).toEqual([
      'booking rule set "odd": slotMinutes 25 does not divide a day (1440 minutes)',
      'booking rule set "odd": maxMinutes 60 is not a whole number of 25-minute slots',
      'booking rule set "odd": opening hours 08:10–12:00 are not on the 25-minute grid',
      'duplicate bookable resource id "room-baccarat"',
      'bookable resource "attic" is in unknown zone "attic"',
      'bookable resource "ghost-desk" is unknown desk "cw-hot-99"',
      'bookable resource "sensor-desk": "room-vezouze-presence" is a room\'s presence sensor, not a desk: book the room by its zone',
      'bookable resource "both" must name either a zone (a room) or a desk, not both',
      'bookable resource "no-rules" uses unknown rule set "party"',
      'zone "room-baccarat" is bookable twice (two resources name it)',
      'desk "cw-hot-02" is bookable twice (two resources name it)',
    ]);
  });

  it('accepts a bookable room without a presence sensor: its no-show release then relies on the door', () => {
    expect(problems((b) => {
      b.desks = b.desks.filter((d: { id: string }) => d.id !== 'room-luneville-presence');
    })).toEqual([]);
    expect(problems((b) => {
      b.booking.resources.push({ id: 'lab', zone: 'lab', rules: 'meeting' });
    })).toEqual([]);
  });

  it('is optional, and its rules are checked by the schema too', () => {
    expect(problems((b) => { delete b.booking; })).toEqual([]);
    expect(problems((b) => { b.booking.rules.meeting.slotMinutes = 0; }).join('\n')).toMatch(/slotMinutes/);
  });
});
