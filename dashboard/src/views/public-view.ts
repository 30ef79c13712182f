import type { PublicState, PublicZone } from '../../../controller/live/messages.js';
import { t, tn, tOr } from '../i18n/index.js';
import { stateAt, type BookingDay, type DayResource } from '../lib/bookings.js';
import { floorsByLevel, resourceZone, type Building } from '../lib/building.js';
import { fill, h } from '../lib/dom.js';
import { formatTime } from '../lib/format.js';
import { floorLabel } from './floor-plan.js';

/** The bookings of the day as the public page knows them: when each room is busy, never by whom. */
export interface PublicBookings { day: BookingDay; now: number }

/**
 * The public page's body: the meeting rooms free now (and, when they can be booked, until when,
 * or their next free slot), then the free shared desks and the occupancy of each public zone,
 * floor by floor. Only aggregates: neither the stream nor the bookings carry a person.
 */
export function renderPublic(root: HTMLElement, state: PublicState, building: Building | null, bookings: PublicBookings | null = null): void {
  const days = roomDays(state, building, bookings);
  const rooms = Object.entries(state.rooms).map(([id, r]) => ({ id, free: r.free, zone: state.zones[r.zoneId] }));
  // Bookable booths, which the stream does not list as rooms: free while nobody is counted in. (The
  // other bookable rooms, the event hall and the training rooms, say when they are booked in their zone's card.)
  for (const zoneId of days.keys()) {
    const zone = state.zones[zoneId];
    if (!(zoneId in state.rooms) && zone?.kind === 'booth') rooms.push({ id: zoneId, free: zone.occupancy === 0, zone });
  }
  rooms.sort((a, b) => (a.zone?.name ?? a.id).localeCompare(b.zone?.name ?? b.id));
  const roomIds = new Set(rooms.map((r) => r.id));
  const zones = Object.entries(state.zones).filter(([id]) => !roomIds.has(id));
  const floors = building === null ? [] : floorsByLevel(building);
  const floorIds = [...new Set([...floors.map((f) => f.id), ...zones.map(([, z]) => z.floor)])];
  const tz = bookings?.day.timeZone ?? building?.site.timeZone ?? 'Europe/Paris';

  fill(root,
    h('section', { class: 'card', id: 'rooms', 'aria-labelledby': 'rooms-title' },
      h('h2', { id: 'rooms-title' }, t('public.rooms')),
      rooms.length === 0 ? h('p', { class: 'none' }, t('public.noRooms')) : h('ul', { class: 'rooms' }, ...rooms.map((r) => {
        const day = days.get(r.id);
        return h('li', { 'data-room': r.id, 'data-free': String(r.free) },
          h('span', { class: 'room-name' }, r.zone?.name ?? r.id),
          r.zone === undefined ? null : h('small', {}, ` ${tn('public.seats', r.zone.capacity)}`),
          h('strong', { class: 'room-state' }, r.free ? t('public.free') : t('public.taken')),
          day === undefined || bookings === null ? null : bookingLine(day, bookings.now, tz));
      }))),
    ...floorIds.map((floorId) => {
      const here = zones.filter(([, z]) => z.floor === floorId);
      if (here.length === 0) return null;
      const floor = floors.find((f) => f.id === floorId);
      return h('section', { class: 'card', 'data-floor': floorId },
        h('h2', {}, floor === undefined ? floorId : floorLabel(floor)),
        h('div', { class: 'public-zones' }, ...here.map(([id, z]) => {
          const day = days.get(id);
          return zoneCard(id, z, day === undefined || bookings === null ? null : bookingLine(day, bookings.now, tz));
        })));
    }));
}

/** The day of each bookable room, by the zone it is (rooms only: a desk is one of the free desks counted below). */
function roomDays(state: PublicState, building: Building | null, bookings: PublicBookings | null): Map<string, DayResource> {
  const out = new Map<string, DayResource>();
  if (bookings === null) return out;
  for (const r of bookings.day.resources) {
    const zoneId = building === null ? r.resourceId : resourceZone(building, r.resourceId);
    const isDesk = building?.booking?.resources.some((x) => x.id === r.resourceId && x.desk !== undefined) ?? false;
    if (zoneId !== null && !isDesk && zoneId in state.zones) out.set(zoneId, r);
  }
  return out;
}

/** "Booked until 15:00 · next free slot at 15:30", "Free until 16:00", "Free for the rest of the day". */
function bookingLine(day: DayResource, now: number, tz: string): HTMLElement {
  const s = stateAt(day, now);
  const time = (ms: number): string => formatTime(ms, tz, false);
  const next = s.nextFree === null ? t('public.noFreeLeft') : t('public.nextFree', { time: time(s.nextFree) });
  let text: string;
  if (s.busy !== null) {
    const until = t(s.busy.kind === 'block' ? 'public.blockedUntil' : 'public.bookedUntil', { time: time(s.busy.end) });
    text = s.nextFree === s.busy.end ? until : `${until} · ${next}`;
  } else if (s.freeUntil !== null) {
    const lastClose = Math.max(...day.open.map((o) => o.end));
    text = s.freeUntil >= lastClose ? t('public.freeRestOfDay') : t('public.freeUntil', { time: time(s.freeUntil) });
  } else {
    text = `${t('public.closedNow')} · ${next}`;
  }
  return h('span', {
    class: 'room-booking', 'data-booked': String(s.busy !== null), 'data-busy-kind': s.busy?.kind ?? null,
    'data-free-until': s.freeUntil ?? null, 'data-next-free': s.nextFree ?? null,
  }, text);
}

function zoneCard(id: string, z: PublicZone, booking: HTMLElement | null): HTMLElement {
  return h('article', { class: `zone kind-${z.kind}`, 'data-zone': id },
    h('header', { class: 'zone-head' }, h('h3', { class: 'zone-name' }, z.name), h('span', { class: 'zone-kind' }, tOr(`kind.${z.kind}`, z.kind))),
    z.desksTotal === 0 ? null : h('p', { class: 'desks-free big', 'data-free': z.desksFree, 'data-total': z.desksTotal },
      t('public.desksFree', { free: z.desksFree, total: z.desksTotal })),
    h('p', { class: 'zone-count', 'data-occupancy': z.occupancy }, t('public.occupancy', { n: z.occupancy, capacity: z.capacity })),
    booking === null ? null : h('p', { class: 'zone-booking' }, booking));
}
