import { describe, expect, it } from 'vitest';
import { LiveModel } from '../../controller/live/model.js';
import { building } from './fakes.js';

describe('public aggregates', () => {
  it('shows shared zones and meeting rooms only: no office, no technical or staff-only room', () => {
    const { zones, rooms } = new LiveModel(building).publicState();
    expect(Object.keys(zones)).toEqual(expect.arrayContaining(['hall', 'coworking', 'room-baccarat', 'lab', 'museum']));
    for (const hidden of ['office-1', 'office-4', 'server-room']) expect(zones).not.toHaveProperty(hidden);
    expect(Object.keys(rooms).sort()).toEqual(['room-baccarat', 'room-luneville', 'room-vezouze']);
    expect(zones.coworking).toEqual({
      name: 'Coworking open space', floor: 'first', kind: 'coworking', occupancy: 0, capacity: 50, desksFree: 0, desksTotal: 32,
    });
  });

  it('counts free shared desks, and never a fixed desk: its state would tell when its holder is in', () => {
    const model = new LiveModel(building);
    const changes = [
      ...model.setDesk('cw-hot-01', { online: true, occupied: false }, 1),
      ...model.setDesk('cw-hot-02', { online: true, occupied: true }, 1),
      ...model.setDesk('cw-hot-03', { online: false, occupied: false }, 1),
    ];
    expect(model.publicChanges(changes)).toEqual([{ kind: 'zone', id: 'coworking', value: expect.objectContaining({ desksFree: 1, desksTotal: 32 }) }]);
    const fixed = model.setDesk('cw-fixed-01', { online: true, occupied: true }, 2);
    expect(fixed).toHaveLength(1);
    expect(model.publicChanges(fixed)).toEqual([]);
  });

  it('shows a meeting room free while nobody is in it', () => {
    const model = new LiveModel(building);
    const taken = model.setZoneOccupancy('room-luneville', 2);
    expect(model.publicChanges(taken)).toEqual([
      { kind: 'zone', id: 'room-luneville', value: expect.objectContaining({ occupancy: 2, capacity: 6 }) },
      { kind: 'room', id: 'room-luneville', value: { zoneId: 'room-luneville', free: false } },
    ]);
    expect(model.publicChanges(model.setZoneOccupancy('office-2', 3))).toEqual([]);
  });

  it('derives a desk status and a low battery flag from the sensor state', () => {
    const model = new LiveModel(building);
    const [low] = model.setDesk(building.desks[0]!.id, { online: true, occupied: false, battery: 12 }, 5);
    expect(low).toMatchObject({ kind: 'desk', value: { status: 'free', battery: 12, lowBattery: true, at: 5 } });
    expect(model.setDesk(building.desks[0]!.id, { battery: 12 }, 6)).toEqual([]);
  });
});
