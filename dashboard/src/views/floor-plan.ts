import type { DeskLive, DoorLive, StaffState, ZoneLive } from '../../../controller/live/messages.js';
import { t, tOr } from '../i18n/index.js';
import { childZones, desksIn, doorsInto, floorsByLevel, topZones, type Building, type Floor, type Zone } from '../lib/building.js';
import { h, setAttr, setText } from '../lib/dom.js';

const WIDE_DESKS = 12; // a zone with more desks than this spans two columns on a wide screen

export function floorLabel(f: Floor): string {
  return f.level === 0 ? t('floor.ground') : t('floor.level', { n: f.level });
}

/**
 * The floor plan: one tab per floor, each zone a box laid out by the grid (no drawn
 * coordinates), the rooms inside a zone nested in its box, desks as small squares coloured by
 * their state, counts against capacity, and the doors into each zone with their state.
 * Built once per language; `update` then only touches attributes and texts.
 */
export class FloorPlan {
  readonly el = h('section', { class: 'card plan', id: 'plan', 'aria-labelledby': 'plan-title' });
  #floor: string;
  #state: StaffState | null = null;

  constructor(private readonly building: Building) {
    const floors = floorsByLevel(building);
    // Open on the floor with the most desks: the one managers watch.
    const busiest = [...floors].sort((a, b) => this.#deskCount(b) - this.#deskCount(a))[0];
    this.#floor = busiest?.id ?? '';
    this.render();
  }

  render(): void {
    const floors = floorsByLevel(this.building);
    const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('plan.floors') }, ...floors.map((f) => h('button', {
      type: 'button', role: 'tab', id: `tab-${f.id}`, 'data-floor': f.id, 'aria-controls': `floor-${f.id}`,
      'aria-selected': String(f.id === this.#floor), onclick: () => this.show(f.id),
    }, floorLabel(f))));
    const panels = floors.map((f) => h('div', {
      class: 'floor', id: `floor-${f.id}`, role: 'tabpanel', 'aria-labelledby': `tab-${f.id}`, 'data-floor': f.id, hidden: f.id !== this.#floor,
    }, ...topZones(this.building, f.id).map((z) => this.#zoneBox(z, false))));
    this.el.replaceChildren(
      h('div', { class: 'card-head' }, h('h2', { id: 'plan-title' }, t('plan.title')), this.#legend()),
      tabs,
      ...panels,
    );
    if (this.#state !== null) this.update(this.#state);
  }

  show(floorId: string): void {
    this.#floor = floorId;
    for (const tab of this.el.querySelectorAll<HTMLElement>('[role=tab]')) tab.setAttribute('aria-selected', String(tab.dataset.floor === floorId));
    for (const panel of this.el.querySelectorAll<HTMLElement>('.floor')) panel.hidden = panel.dataset.floor !== floorId;
  }

  update(state: StaffState): void {
    this.#state = state;
    for (const el of this.el.querySelectorAll<HTMLElement>('[data-zone]')) {
      const z = state.zones[el.dataset.zone ?? ''];
      if (z !== undefined) this.#updateZone(el, z);
    }
    for (const el of this.el.querySelectorAll<HTMLElement>('[data-desk]')) {
      const d = state.desks[el.dataset.desk ?? ''];
      if (d !== undefined) this.#updateDesk(el, d);
    }
    for (const el of this.el.querySelectorAll<HTMLElement>('[data-door]')) {
      const d = state.doors[el.dataset.door ?? ''];
      if (d !== undefined) this.#updateDoor(el, d);
    }
  }

  #deskCount(f: Floor): number {
    return this.building.desks.filter((d) => this.building.zones.find((z) => z.id === d.zone)?.floor === f.id).length;
  }

  #legend(): HTMLElement {
    const item = (cls: string, key: Parameters<typeof t>[0]) => h('li', {}, h('span', { class: `desk ${cls}`, 'aria-hidden': 'true' }), t(key));
    return h('ul', { class: 'legend' },
      item('legend-free', 'desk.free'), item('legend-occupied', 'desk.occupied'), item('legend-offline', 'desk.offline'),
      item('legend-unknown', 'desk.unknown'), item('legend-low', 'desk.lowBattery'), item('legend-fixed', 'desk.fixed'));
  }

  #zoneBox(z: Zone, nested: boolean): HTMLElement {
    const desks = desksIn(this.building, z.id);
    const children = childZones(this.building, z.id);
    return h('article', {
      class: `zone kind-${z.kind}${nested ? ' nested' : ''}${desks.length > WIDE_DESKS ? ' wide' : ''}`, 'data-zone': z.id,
    },
    h('header', { class: 'zone-head' },
      h('h3', { class: 'zone-name' }, z.name),
      h('span', { class: 'zone-kind' }, tOr(`kind.${z.kind}`, z.kind))),
    h('div', { class: 'zone-count' },
      h('span', { class: 'count', 'data-count': '' }, `0 / ${z.capacity}`),
      h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill' }))),
    ...doorsInto(this.building, z.id).map((d) => h('p', { class: 'door', 'data-door': d.id, 'data-state': 'unknown' },
      h('span', { class: 'door-icon', 'aria-hidden': 'true' }),
      h('span', { class: 'door-name' }, t('plan.door', { door: d.name })), ' — ',
      h('span', { class: 'door-state' }, t('door.unknown')))),
    desks.length === 0 ? null : h('div', { class: 'desks', role: 'list', 'aria-label': t('plan.desksOf', { zone: z.name }) },
      ...desks.map((d) => h('span', {
        class: 'desk', role: 'listitem', 'data-desk': d.id, 'data-kind': d.kind, 'data-status': 'unknown', title: d.id,
      }))),
    children.length === 0 ? null : h('div', { class: 'zone-children' }, ...children.map((c) => this.#zoneBox(c, true))));
  }

  #updateZone(el: HTMLElement, z: ZoneLive): void {
    const count = el.querySelector<HTMLElement>(':scope > .zone-count');
    if (count === null) return;
    setText(count.querySelector('[data-count]') as HTMLElement, `${z.occupancy} / ${z.capacity}`);
    const ratio = z.capacity > 0 ? Math.min(1, z.occupancy / z.capacity) : 0;
    (count.querySelector('.bar-fill') as HTMLElement).style.width = `${Math.round(ratio * 100)}%`;
    setAttr(el, 'data-load', z.occupancy >= z.capacity && z.capacity > 0 ? 'full' : ratio >= 0.8 ? 'high' : z.occupancy > 0 ? 'some' : 'empty');
    setAttr(el, 'data-occupancy', String(z.occupancy));
  }

  #updateDesk(el: HTMLElement, d: DeskLive): void {
    setAttr(el, 'data-status', d.status);
    setAttr(el, 'data-low-battery', d.lowBattery ? 'true' : null);
    const battery = d.battery === null ? '' : ` · ${t('desk.battery', { pct: d.battery })}`;
    const kind = tOr(`deskKind.${d.kind}`, d.kind);
    setAttr(el, 'title', `${el.dataset.desk ?? ''} (${kind}) · ${tOr(`desk.${d.status}`, d.status)}${battery}${d.lowBattery ? ` · ${t('desk.lowBattery')}` : ''}`);
    setAttr(el, 'aria-label', el.getAttribute('title'));
  }

  #updateDoor(el: HTMLElement, d: DoorLive): void {
    setAttr(el, 'data-state', d.state);
    setText(el.querySelector('.door-state') as HTMLElement, tOr(`door.${d.state}`, d.state));
  }
}
