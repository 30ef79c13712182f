import type { DeviceKind, StaffState } from '../../../controller/live/messages.js';
import { t, tOr } from '../i18n/index.js';
import type { Building } from '../lib/building.js';
import { fill, h } from '../lib/dom.js';
import { formatTime } from '../lib/format.js';

const KINDS: readonly DeviceKind[] = ['reader', 'desk', 'meter', 'other'];
const LISTED = 60; // offline devices listed by name; the count covers the rest

/** Device health: how many devices of each kind are online, which are offline, and which desk sensors are low on battery. */
export class DeviceHealth {
  readonly el = h('section', { class: 'card health', id: 'health', 'aria-labelledby': 'health-title' });
  #key = '';
  #state: StaffState | null = null;

  constructor(private readonly building: Building) {
    this.render();
  }

  render(): void {
    this.#key = '';
    this.el.replaceChildren(h('h2', { id: 'health-title' }, t('health.title')), h('div', { class: 'health-body' }));
    if (this.#state !== null) this.update(this.#state);
  }

  update(state: StaffState): void {
    this.#state = state;
    const devices = Object.entries(state.devices);
    const offline = devices.filter(([, d]) => !d.online).sort(([a], [b]) => a.localeCompare(b));
    const low = Object.entries(state.desks).filter(([, d]) => d.lowBattery).sort(([a], [b]) => a.localeCompare(b));
    const key = JSON.stringify([devices.map(([id, d]) => `${id}:${d.online ? 1 : 0}`), low.map(([id, d]) => `${id}:${d.battery}`)]);
    if (key === this.#key) return;
    this.#key = key;
    const tz = this.building.site.timeZone;
    const body = this.el.querySelector('.health-body') as HTMLElement;
    const open = body.querySelector('details')?.open === true; // kept across redraws
    fill(body,
      h('ul', { class: 'kinds' }, ...KINDS.map((kind) => {
        const all = devices.filter(([, d]) => d.kind === kind);
        if (all.length === 0) return null;
        const on = all.filter(([, d]) => d.online).length;
        return h('li', { 'data-kind': kind, 'data-online': on, 'data-total': all.length },
          h('strong', {}, tOr(`deviceKind.${kind}`, kind)), ' ', t('health.online', { on, total: all.length }));
      })),
      h('h3', {}, t('health.lowBattery'), ' ', h('span', { class: 'badge', 'data-count': low.length }, low.length)),
      low.length === 0
        ? h('p', { class: 'none' }, t('health.noLowBattery'))
        : h('ul', { class: 'low-battery', id: 'low-battery' }, ...low.map(([id, d]) => h('li', { 'data-desk': id },
          id, ' — ', d.battery === null ? '?' : t('desk.battery', { pct: d.battery })))),
      h('details', { class: 'offline', open },
        h('summary', {}, t('health.offline'), ' ', h('span', { class: 'badge', 'data-count': offline.length, id: 'offline-count' }, offline.length)),
        offline.length === 0 ? h('p', { class: 'none' }, t('health.allOnline')) : h('ul', { id: 'offline-devices' },
          ...offline.slice(0, LISTED).map(([id, d]) => h('li', { 'data-device': id },
            id, ' ', h('small', {}, d.at === null ? t('health.neverSeen') : t('health.since', { time: formatTime(d.at, tz, false) })))),
          offline.length > LISTED ? h('li', {}, t('health.more', { n: offline.length - LISTED })) : null)),
    );
  }
}
