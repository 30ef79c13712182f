import type { DemoPerson } from './cast.js';

/** The day's bookings (the rooms, who books, who comes, what becomes of each), for scenario.ts. Pure. */

/**
 * What becomes of a booking: a meeting its people attend and leave before the end; one nobody
 * comes to (the controller releases it); one that runs past its end into the next booking of the
 * room (the controller raises a notice); that next booking; a hot desk its holder sits at.
 */
export type BookingStory = 'meeting' | 'no-show' | 'overrun' | 'next' | 'desk';

/**
 * A booking of the day. The controller keeps real time, so bookings live on its clock, not on the
 * accelerated one: `slot` counts grid slots from the one under way when the day starts (see
 * demo/bookings.ts), and what people do around a booking is timed from its real start and end.
 */
export interface DemoBooking {
  key: string;
  story: BookingStory;
  /** The room booked (its zone), or the desk. */
  place: { zoneId: string } | { deskId: string };
  /** The room's reader (rooms), whose door the booking opens to its holder and guests. */
  reader: string | null;
  /** The presence sensor of the room, or the desk's own sensor, and the desk id it reports for. */
  sensor: string;
  sensorDeskId: string;
  holder: string;
  guests: string[];
  /** Who actually comes, holder first. */
  comers: string[];
  title: string | null;
  slot: number;
  slots: number;
}

type Desk = { deviceId: string; deskId: string };

/** What the bookings need of the building's devices. */
export interface BookingPlaces {
  /** The reader outside a room's door (the door has the room's id). */
  reader(zoneId: string): string;
  /** A room's presence sensor. */
  presence(zoneId: string): Desk;
}

/** The day's bookings, among the coworkers who go to meetings; the desk is one nobody sits at in the scenario. */
export function dayBookings(p: BookingPlaces, people: readonly DemoPerson[], freeDesk: Desk): DemoBooking[] {
  const [a, b, c, d, e, f, g, h, i] = people.map((x) => x.key) as [string, string, string, string, string, string, string, string, string];
  const room = (zoneId: string) => {
    const sensor = p.presence(zoneId);
    return { place: { zoneId }, reader: p.reader(zoneId), sensor: sensor.deviceId, sensorDeskId: sensor.deskId };
  };
  return [
    { key: 'baccarat', story: 'meeting', ...room('room-baccarat'), holder: a, guests: [b, c], comers: [a, b], title: 'Comité de pilotage', slot: 0, slots: 2 },
    { key: 'vezouze', story: 'no-show', ...room('room-vezouze'), holder: d, guests: [e], comers: [], title: 'Point presse', slot: 0, slots: 2 },
    { key: 'luneville', story: 'overrun', ...room('room-luneville'), holder: f, guests: [g], comers: [f, g], title: 'Atelier design', slot: 0, slots: 1 },
    { key: 'luneville-next', story: 'next', ...room('room-luneville'), holder: h, guests: [], comers: [h], title: 'Revue de sprint', slot: 1, slots: 2 },
    {
      key: 'desk', story: 'desk', place: { deskId: freeDesk.deskId }, reader: null, sensor: freeDesk.deviceId, sensorDeskId: freeDesk.deskId,
      holder: i, guests: [], comers: [i], title: null, slot: 0, slots: 3,
    },
  ];
}
