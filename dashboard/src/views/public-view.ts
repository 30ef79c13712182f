import type { PublicState, PublicZone } from '../../../controller/live/messages.js';
import { t, tn, tOr } from '../i18n/index.js';
import { floorsByLevel, type Building } from '../lib/building.js';
import { fill, h } from '../lib/dom.js';
import { floorLabel } from './floor-plan.js';

/**
 * The public page's body: the meeting rooms free now, then the free shared desks and the
 * occupancy of each public zone, floor by floor. Only aggregates: the stream carries no person.
 */
export function renderPublic(root: HTMLElement, state: PublicState, building: Building | null): void {
  const rooms = Object.entries(state.rooms)
    .map(([id, r]) => ({ id, free: r.free, zone: state.zones[r.zoneId] }))
    .sort((a, b) => (a.zone?.name ?? a.id).localeCompare(b.zone?.name ?? b.id));
  const roomIds = new Set(rooms.map((r) => r.id));
  const zones = Object.entries(state.zones).filter(([id]) => !roomIds.has(id));
  const floors = building === null ? [] : floorsByLevel(building);
  const floorIds = [...new Set([...floors.map((f) => f.id), ...zones.map(([, z]) => z.floor)])];

  fill(root,
    h('section', { class: 'card', id: 'rooms', 'aria-labelledby': 'rooms-title' },
      h('h2', { id: 'rooms-title' }, t('public.rooms')),
      rooms.length === 0 ? h('p', { class: 'none' }, t('public.noRooms')) : h('ul', { class: 'rooms' }, ...rooms.map((r) =>
        h('li', { 'data-room': r.id, 'data-free': String(r.free) },
          h('span', { class: 'room-name' }, r.zone?.name ?? r.id),
          r.zone === undefined ? null : h('small', {}, ` ${tn('public.seats', r.zone.capacity)}`),
          h('strong', { class: 'room-state' }, r.free ? t('public.free') : t('public.taken')))))),
    ...floorIds.map((floorId) => {
      const here = zones.filter(([, z]) => z.floor === floorId);
      if (here.length === 0) return null;
      const floor = floors.find((f) => f.id === floorId);
      return h('section', { class: 'card', 'data-floor': floorId },
        h('h2', {}, floor === undefined ? floorId : floorLabel(floor)),
        h('div', { class: 'public-zones' }, ...here.map(([id, z]) => zoneCard(id, z))));
    }));
}

function zoneCard(id: string, z: PublicZone): HTMLElement {
  return h('article', { class: `zone kind-${z.kind}`, 'data-zone': id },
    h('header', { class: 'zone-head' }, h('h3', { class: 'zone-name' }, z.name), h('span', { class: 'zone-kind' }, tOr(`kind.${z.kind}`, z.kind))),
    z.desksTotal === 0 ? null : h('p', { class: 'desks-free big', 'data-free': z.desksFree, 'data-total': z.desksTotal },
      t('public.desksFree', { free: z.desksFree, total: z.desksTotal })),
    h('p', { class: 'zone-count', 'data-occupancy': z.occupancy }, t('public.occupancy', { n: z.occupancy, capacity: z.capacity })));
}
