import type { AlarmLive, LiveEvent, PersonRef, StaffState } from '../../../controller/live/messages.js';
import { t, tOr } from '../i18n/index.js';
import { ackAlarm, ApiError } from '../lib/api.js';
import { doorName, resourceName, zoneName, type Building } from '../lib/building.js';
import { fill, h } from '../lib/dom.js';
import { formatTime } from '../lib/format.js';

const SHOWN_EVENTS = 100; // items in the feed

/** The live feed: open alarms first (each with its acknowledge button), then door events, decisions and device changes, newest first. */
export class LiveFeed {
  readonly el = h('section', { class: 'card feed', id: 'feed', 'aria-labelledby': 'feed-title' });
  readonly #alarms = h('ul', { class: 'alarms', id: 'alarms', 'aria-live': 'polite' });
  readonly #events = h('ol', { class: 'events', id: 'events', reversed: true });
  readonly #error = h('p', { class: 'error', role: 'alert', hidden: true });
  #alarmKey = '';
  #shown: LiveEvent[] = [];

  constructor(private readonly building: Building) {
    this.render();
  }

  render(): void {
    this.el.replaceChildren(
      h('h2', { id: 'feed-title' }, t('feed.title')),
      h('h3', {}, t('alarms.open')), this.#alarms, this.#error,
      h('h3', {}, t('feed.events')), this.#events,
    );
    this.#alarmKey = '';
    this.#renderEvents(this.#shown);
  }

  /** A snapshot: the open alarms and the recent events, replacing what was shown. */
  reset(state: StaffState, events: LiveEvent[]): void {
    this.#shown = events.slice(-SHOWN_EVENTS);
    this.#renderEvents(this.#shown);
    this.updateAlarms(state);
  }

  /** A delta's events, and the alarms as they are now. */
  add(state: StaffState, events: LiveEvent[], dropped: number): void {
    if (events.length > 0 || dropped > 0) this.#events.querySelector(':scope > .none')?.remove();
    if (dropped > 0) this.#events.prepend(h('li', { class: 'event dropped' }, t('feed.dropped', { n: dropped })));
    for (const e of events) this.#events.prepend(this.#item(e));
    this.#shown.push(...events);
    if (this.#shown.length > SHOWN_EVENTS) this.#shown.splice(0, this.#shown.length - SHOWN_EVENTS);
    while (this.#events.children.length > SHOWN_EVENTS) this.#events.lastElementChild?.remove();
    this.updateAlarms(state);
  }

  updateAlarms(state: StaffState): void {
    const alarms = Object.values(state.alarms).sort((a, b) => b.raisedAt - a.raisedAt);
    const key = alarms.map((a) => a.id).join(',');
    if (key === this.#alarmKey) return; // redrawn only when the set changes: a button never vanishes under a finger
    this.#alarmKey = key;
    if (alarms.length === 0) fill(this.#alarms, h('li', { class: 'none' }, t('alarms.none')));
    else fill(this.#alarms, ...alarms.map((a) => this.#alarm(a)));
  }

  #renderEvents(events: LiveEvent[]): void {
    if (events.length === 0) fill(this.#events, h('li', { class: 'none' }, t('feed.empty')));
    else fill(this.#events, ...[...events].reverse().map((e) => this.#item(e)));
  }

  #alarm(a: AlarmLive): HTMLElement {
    const tz = this.building.site.timeZone;
    return h('li', { class: `open-alarm kind-${a.kind}`, 'data-alarm': a.id },
      h('span', { class: 'alarm-text' },
        h('strong', {}, tOr(`alarm.${a.kind}`, a.kind)), ' — ', doorName(this.building, a.doorId),
        h('time', { datetime: new Date(a.raisedAt).toISOString() }, ` ${formatTime(a.raisedAt, tz)}`),
        a.detail === '' ? null : h('small', {}, ` ${a.detail}`)),
      h('button', { type: 'button', class: 'ack', 'data-ack': a.id, onclick: () => void this.#acknowledge(a) }, t('alarms.ack')));
  }

  async #acknowledge(a: AlarmLive): Promise<void> {
    const comment = window.prompt(t('alarms.ackPrompt', { door: doorName(this.building, a.doorId) }));
    if (comment === null || comment.trim() === '') return;
    this.#error.hidden = true;
    try {
      await ackAlarm(a.id, comment.trim());
      // The stream removes the alarm from the list (its change comes within a frame).
    } catch (err) {
      this.#error.textContent = t('alarms.ackFailed', { message: err instanceof ApiError ? err.message : String(err) });
      this.#error.hidden = false;
    }
  }

  #person(p: PersonRef | null): string {
    if (p === null) return t('feed.unknownPerson');
    return p.name ?? `#${p.id}`;
  }

  #item(e: LiveEvent): HTMLElement {
    const b = this.building;
    let text: string;
    let cls = `type-${e.type}`;
    switch (e.type) {
      case 'decision':
        cls += e.grant ? ' grant' : ' deny';
        text = t(e.grant ? 'feed.granted' : 'feed.denied', {
          door: doorName(b, e.doorId), person: this.#person(e.person), reason: tOr(`reason.${e.reason}`, e.reason),
        }) + (e.source === 'offline' ? ` ${t('feed.offlineDecision')}` : '');
        break;
      case 'passage':
        text = t('feed.passage', { person: this.#person(e.person), from: zoneName(b, e.fromZone), to: zoneName(b, e.toZone) });
        break;
      case 'door':
        cls += ` state-${e.state}`;
        text = t('feed.door', { door: doorName(b, e.doorId), state: tOr(`door.${e.state}`, e.state) });
        break;
      case 'alarm':
        text = t('feed.alarm', { kind: tOr(`alarm.${e.alarm.kind}`, e.alarm.kind), door: doorName(b, e.alarm.doorId) });
        break;
      case 'alarm_ack':
        text = t('feed.alarmAck', { id: e.id, by: e.by });
        break;
      case 'emergency':
        text = t('feed.emergency', { mode: tOr(`emergency.${e.mode}`, e.mode), by: e.by });
        break;
      case 'device':
        cls += e.online ? ' online' : ' offline';
        text = t(e.online ? 'feed.deviceOnline' : 'feed.deviceOffline', { device: e.deviceId, reason: e.reason });
        break;
      case 'booking': {
        const tz = b.site.timeZone;
        cls += ` change-${e.change}`;
        text = t('feed.booking', {
          resource: resourceName(b, e.resourceId), from: formatTime(e.start, tz, false), to: formatTime(e.end, tz, false),
          change: tOr(`bookingChange.${e.change}`, e.change),
        });
        break;
      }
      case 'booking_notice':
        text = t('feed.bookingNotice', { resource: resourceName(b, e.resourceId) });
        break;
    }
    return h('li', { class: `event ${cls}`, 'data-seq': e.seq, 'data-type': e.type },
      h('time', { datetime: new Date(e.at).toISOString() }, formatTime(e.at, b.site.timeZone)), ' ', h('span', {}, text));
  }
}
