import { t } from '../i18n/index.js';
import { bookingsApi, type BookableResource, type BookingFeed, type BookingNotice } from '../lib/bookings.js';
import { fill, h } from '../lib/dom.js';
import { formatDateTime, formatTime } from '../lib/format.js';
import { parseHhmm, zonedEpoch } from '../lib/zoned.js';
import { errorText } from './booking-dialogs.js';

/** What only managers see under the grid: blocking a room, the overrun notices, the iCalendar feeds. */

const SHOWN_NOTICES = 20; // the latest ones

function nameOf(resources: readonly BookableResource[], id: string): string {
  return resources.find((r) => r.id === id)?.name ?? id;
}

export interface BlockFormContext {
  timeZone: string;
  resources(): readonly BookableResource[];
  /** The day the grid shows: the block is on that day. */
  date(): string;
  onDone(message: string): void;
}

/** Blocks a room (or a desk) for a stretch of the day shown: maintenance, an event, a training. */
export class BlockForm {
  readonly el = h('section', { class: 'card', id: 'block', 'aria-labelledby': 'block-title' });

  constructor(private readonly ctx: BlockFormContext) {
    this.render();
  }

  render(): void {
    const resources = this.ctx.resources();
    const resource = h('select', { id: 'block-resource', required: true },
      ...resources.map((r) => h('option', { value: r.id }, r.name)));
    const from = h('input', { type: 'time', id: 'block-from', required: true, value: '08:00' });
    const to = h('input', { type: 'time', id: 'block-to', required: true, value: '12:00' });
    const reason = h('input', { id: 'block-reason', required: true, maxlength: 200, autocomplete: 'off' });
    const error = h('p', { class: 'error', id: 'block-error', role: 'alert', hidden: true });
    const submit = h('button', { type: 'submit', id: 'block-submit' }, t('bookings.blockSubmit'));
    const form = h('form', { class: 'bk-form bk-block-form' },
      h('label', { for: 'block-resource' }, t('bookings.resource')), resource,
      h('span', { class: 'bk-pair' },
        h('label', {}, t('bookings.from'), ' ', from), h('label', {}, ' ', t('bookings.to'), ' ', to)),
      h('label', { for: 'block-reason' }, t('bookings.reason')), reason,
      error, h('div', { class: 'bk-actions' }, submit));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const tz = this.ctx.timeZone;
      const a = parseHhmm(from.value);
      const b = parseHhmm(to.value);
      if (a === null || b === null || b <= a) {
        error.textContent = t('bookings.invalidTime');
        error.hidden = false;
        return;
      }
      const date = this.ctx.date();
      const startsAt = zonedEpoch(date, a, tz);
      const endsAt = zonedEpoch(date, b, tz);
      error.hidden = true;
      submit.disabled = true;
      bookingsApi.block({ resourceId: resource.value, startsAt, endsAt, reason: reason.value.trim() }).then(() => {
        reason.value = '';
        this.ctx.onDone(t('bookings.blockDone', {
          resource: nameOf(resources, resource.value), from: formatTime(startsAt, tz, false), to: formatTime(endsAt, tz, false),
        }));
      }, (err: unknown) => {
        error.textContent = errorText(err);
        error.hidden = false;
      }).finally(() => {
        submit.disabled = false;
      });
    });
    this.el.replaceChildren(h('h2', { id: 'block-title' }, t('bookings.blockTitle')), form);
  }
}

/** The overrun notices: a room still occupied after its booking ended, with the next slot booked. */
export class NoticeList {
  readonly el = h('section', { class: 'card', id: 'booking-notices', 'aria-labelledby': 'notices-title' });
  #notices: BookingNotice[] = [];
  #error = '';

  constructor(private readonly timeZone: string, private readonly resources: () => readonly BookableResource[]) {
    this.render();
  }

  async load(): Promise<void> {
    try {
      this.#notices = await bookingsApi.notices();
      this.#error = '';
    } catch (err) {
      this.#error = errorText(err);
    }
    this.render();
  }

  render(): void {
    const notices = [...this.#notices].sort((a, b) => b.at - a.at).slice(0, SHOWN_NOTICES);
    const detail = (d: unknown): string => (typeof d === 'string' ? d : d === null || d === undefined ? '' : JSON.stringify(d));
    fill(this.el,
      h('h2', { id: 'notices-title' }, t('bookings.notices')),
      this.#error === '' ? null : h('p', { class: 'error', role: 'alert' }, this.#error),
      notices.length === 0 ? h('p', { class: 'none' }, t('bookings.noNotices')) : h('ul', { class: 'bk-notices' }, ...notices.map((n) =>
        h('li', { 'data-notice': String(n.id), 'data-booking': String(n.bookingId), 'data-kind': n.kind },
          h('time', { datetime: new Date(n.at).toISOString() }, formatDateTime(n.at, this.timeZone)), ' ',
          h('strong', {}, t('bookings.notice', { resource: nameOf(this.resources(), n.resourceId) })),
          detail(n.detail) === '' ? null : h('small', {}, ` — ${detail(n.detail)}`)))));
  }
}

/** Each room's iCalendar address (secret, read-only), with a button that copies it. */
export class FeedList {
  readonly el = h('section', { class: 'card', id: 'booking-feeds', 'aria-labelledby': 'feeds-title' });
  #feeds: BookingFeed[] = [];
  #error = '';

  constructor(private readonly resources: () => readonly BookableResource[]) {
    this.render();
  }

  async load(): Promise<void> {
    try {
      this.#feeds = await bookingsApi.feeds();
      this.#error = '';
    } catch (err) {
      this.#error = errorText(err);
    }
    this.render();
  }

  render(): void {
    const rank = new Map(this.resources().map((r, i) => [r.id, i]));
    const feeds = [...this.#feeds].sort((a, b) => (rank.get(a.resourceId) ?? 1e9) - (rank.get(b.resourceId) ?? 1e9));
    fill(this.el,
      h('h2', { id: 'feeds-title' }, t('bookings.feeds')),
      h('p', { class: 'hint' }, t('bookings.feedsHint')),
      this.#error === '' ? null : h('p', { class: 'error', role: 'alert' }, this.#error),
      feeds.length === 0 ? h('p', { class: 'none' }, t('bookings.noFeeds')) : h('ul', { class: 'bk-feeds' }, ...feeds.map((f) => this.#item(f))));
  }

  #item(f: BookingFeed): HTMLElement {
    const url = new URL(f.url, location.href).href;
    const inputId = `feed-${f.resourceId}`;
    const input = h('input', { id: inputId, class: 'bk-feed-url', readonly: true, value: url, 'aria-label': nameOf(this.resources(), f.resourceId) });
    const said = h('span', { class: 'hint bk-copied', 'aria-live': 'polite' });
    const copy = h('button', {
      type: 'button', class: 'secondary', 'data-copy': f.resourceId,
      onclick: () => {
        input.select();
        // No clipboard outside a secure context (plain http on a LAN address): the selection stays for a manual copy.
        const clipboard = (navigator as { clipboard?: Clipboard }).clipboard;
        (clipboard === undefined ? Promise.reject(new Error('no clipboard')) : clipboard.writeText(url)).then(() => {
          said.textContent = t('bookings.copied');
        }, () => {
          said.textContent = t('bookings.copyFailed'); // the text stays selected for a manual copy
        });
      },
    }, t('bookings.copy'));
    return h('li', { 'data-feed': f.resourceId },
      h('label', { for: inputId }, nameOf(this.resources(), f.resourceId)),
      h('span', { class: 'bk-feed-row' }, input, copy), said);
  }
}
