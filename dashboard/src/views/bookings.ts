import { t } from '../i18n/index.js';
import type { Me } from '../lib/api.js';
import { bookingsApi, isBookingEvent, sortResources, type BookableResource, type BookingDay, type BusySlot } from '../lib/bookings.js';
import { fill, h } from '../lib/dom.js';
import { formatTime } from '../lib/format.js';
import { addDays, zonedDate } from '../lib/zoned.js';
import { bookingGrid, busyLabel, gridLegend } from './booking-grid.js';
import { errorText, openBookingDetail, openBookingForm, type DialogContext } from './booking-dialogs.js';
import { BlockForm, FeedList, NoticeList } from './booking-staff.js';

const REFRESH_DELAY_MS = 80; // booking events of one frame (or a few) make one fetch
const REDRAW_EVERY_MS = 30_000; // the past greys out as time goes by, without a fetch

/**
 * The bookings view: a day's grid of rooms and desks, booking a free slot, a booking's card (move,
 * cancel), the caller's own bookings of the day; for managers also blocking a room, the overrun
 * notices and the iCalendar feeds. Members use the same view for their own bookings. The day is
 * fetched again whenever a booking event arrives on the live stream, and on every reconnection.
 */
export class BookingsView {
  readonly el = h('section', { class: 'bookings', id: 'bookings', 'aria-labelledby': 'bookings-title' });
  readonly #staff: boolean;
  readonly #dialog = h('dialog', { class: 'bk-dialog', id: 'booking-dialog' });
  readonly #dateInput = h('input', { type: 'date', id: 'bookings-date', required: true });
  readonly #status = h('small', { id: 'bookings-status', class: 'hint' });
  readonly #message = h('p', { id: 'bookings-message', class: 'bk-message', role: 'status' });
  readonly #error = h('p', { id: 'bookings-error', class: 'error', role: 'alert', hidden: true });
  readonly #gridBox = h('div', { class: 'bk-grid-box' });
  readonly #mine = h('section', { class: 'card', id: 'my-bookings', 'aria-labelledby': 'my-bookings-title' });
  readonly #block: BlockForm | null = null;
  readonly #notices: NoticeList | null = null;
  readonly #feeds: FeedList | null = null;
  #date: string;
  #resources: BookableResource[] = [];
  #day: BookingDay | null = null;
  #loadedOnce = false;
  #visible = false;
  #stale = true;
  #inflight: Promise<void> | null = null;
  #again = false;
  #refreshTimer: number | undefined;
  #redrawTimer: number | undefined;
  #updatedAt = 0;
  #scrolledDate = '';

  constructor(private readonly timeZone: string, me: Me) {
    this.#staff = me.role === 'admin' || me.role === 'manager';
    this.#date = zonedDate(Date.now(), timeZone);
    this.#dateInput.value = this.#date;
    this.#dateInput.addEventListener('change', () => {
      if (/^\d{4}-\d{2}-\d{2}$/.test(this.#dateInput.value)) this.showDate(this.#dateInput.value);
    });
    if (this.#staff) {
      const resources = () => this.#resources;
      this.#block = new BlockForm({ timeZone, resources, date: () => this.#date, onDone: (m) => this.#done(m) });
      this.#notices = new NoticeList(timeZone, resources);
      this.#feeds = new FeedList(resources);
    }
    this.render();
  }

  get date(): string {
    return this.#date;
  }

  /** Draws everything again (a language change); the data stays. */
  render(): void {
    if (this.#dialog.open) this.#dialog.close();
    const nav = (key: 'bookings.prev' | 'bookings.next', days: number, label: string) => h('button', {
      type: 'button', class: 'secondary', id: days < 0 ? 'bookings-prev' : 'bookings-next', title: t(key), 'aria-label': t(key),
      onclick: () => this.showDate(addDays(this.#date, days)),
    }, label);
    const head = h('div', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', { id: 'bookings-title' }, t('bookings.title')), this.#status),
      h('div', { class: 'bk-day' },
        nav('bookings.prev', -1, '‹'),
        h('label', { class: 'bk-date' }, h('span', { class: 'visually-hidden' }, t('bookings.day')), this.#dateInput),
        nav('bookings.next', 1, '›'),
        h('button', { type: 'button', class: 'secondary', id: 'bookings-today', onclick: () => this.showDate(zonedDate(Date.now(), this.timeZone)) }, t('bookings.today'))),
      h('p', { class: 'hint' }, this.#staff ? t('bookings.hint') : t('bookings.memberHint')),
      this.#message, this.#error);
    const grid = h('div', { class: 'card bk-grid-card' }, this.#gridBox, gridLegend());
    const staff = this.#staff ? h('div', { class: 'bk-staff' }, this.#block?.el, this.#notices?.el, this.#feeds?.el) : null;
    this.#block?.render();
    this.#notices?.render();
    this.#feeds?.render();
    this.el.replaceChildren(head, grid, this.#mine, staff ?? '', this.#dialog);
    this.#draw();
  }

  /** The view is on screen: fetch what is missing or stale, and keep the grid's "now" moving. */
  show(): void {
    this.#visible = true;
    window.clearInterval(this.#redrawTimer);
    this.#redrawTimer = window.setInterval(() => this.#draw(), REDRAW_EVERY_MS);
    if (!this.#loadedOnce) void this.#loadAll();
    else if (this.#stale) this.refresh();
  }

  hide(): void {
    this.#visible = false;
    window.clearInterval(this.#redrawTimer);
    if (this.#dialog.open) this.#dialog.close();
  }

  stop(): void {
    this.hide();
    window.clearTimeout(this.#refreshTimer);
  }

  showDate(date: string): void {
    this.#date = date;
    this.#dateInput.value = date;
    this.#day = null;
    this.#draw();
    this.refresh(0);
  }

  /** Live events: a booking change fetches the day again; a notice, the notices. */
  onLiveEvents(events: readonly unknown[]): void {
    const booking = events.filter(isBookingEvent);
    if (booking.length === 0) return;
    this.refresh();
    if (booking.some((e) => (e as { type: string }).type === 'booking_notice')) void this.#notices?.load();
  }

  /** Fetches the day again soon (at once when visible; when next shown otherwise). */
  refresh(delayMs = REFRESH_DELAY_MS): void {
    if (!this.#visible || !this.#loadedOnce) {
      this.#stale = true;
      return;
    }
    window.clearTimeout(this.#refreshTimer);
    this.#refreshTimer = window.setTimeout(() => void this.#loadDay(), delayMs);
  }

  async #loadAll(): Promise<void> {
    this.#loadedOnce = true;
    this.#status.textContent = t('bookings.loading');
    try {
      this.#resources = sortResources(await bookingsApi.resources());
      this.#block?.render();
    } catch (err) {
      this.#fail(err);
      this.#loadedOnce = false; // try again next time the view is shown
      return;
    }
    await Promise.all([this.#loadDay(), this.#notices?.load(), this.#feeds?.load()]);
  }

  /** One fetch at a time; a refresh asked meanwhile runs once after it. */
  async #loadDay(): Promise<void> {
    if (this.#inflight !== null) {
      this.#again = true;
      return this.#inflight;
    }
    this.#stale = false;
    const date = this.#date;
    this.#inflight = (async () => {
      try {
        const day = await bookingsApi.day(date);
        if (date !== this.#date) return; // another day was chosen meanwhile: its own fetch follows
        this.#day = day;
        this.#updatedAt = Date.now();
        this.#error.hidden = true;
        this.#draw();
      } catch (err) {
        this.#fail(err);
      }
    })();
    await this.#inflight;
    this.#inflight = null;
    if (this.#again || date !== this.#date) {
      this.#again = false;
      await this.#loadDay();
    }
  }

  #fail(err: unknown): void {
    this.#error.textContent = t('bookings.failed', { message: errorText(err) });
    this.#error.hidden = false;
    this.#status.textContent = '';
  }

  #tz(): string {
    return this.#day?.timeZone ?? this.timeZone;
  }

  #context(): DialogContext {
    return { dialog: this.#dialog, timeZone: this.#tz(), staff: this.#staff, now: Date.now(), onDone: (m) => this.#done(m) };
  }

  #done(message: string): void {
    this.#message.textContent = message;
    this.refresh(0);
  }

  #draw(): void {
    const tz = this.#tz();
    const day = this.#day;
    if (this.#updatedAt > 0 && day !== null) this.#status.textContent = t('bookings.updated', { time: formatTime(this.#updatedAt, tz) });
    if (day === null || day.date !== this.#date) {
      fill(this.#gridBox, h('p', { class: 'none' }, t('bookings.loading')));
      fill(this.#mine);
      this.#mine.hidden = true;
      return;
    }
    const now = Date.now();
    // A refresh keeps where the grid was scrolled; the first drawing of a day shows the time now.
    const before = this.#gridBox.querySelector('.bk-scroll');
    const scrolled = before === null || this.#scrolledDate !== day.date ? null : before.scrollLeft;
    fill(this.#gridBox, bookingGrid({ date: this.#date, timeZone: tz, now, resources: this.#resources, day }, {
      onFree: (r, gap, at) => openBookingForm(this.#context(), r, gap, at),
      onBusy: (r, slot) => openBookingDetail(this.#context(), r, slot),
    }));
    const after = this.#gridBox.querySelector<HTMLElement>('.bk-scroll');
    if (after !== null && this.#visible) {
      if (scrolled !== null) after.scrollLeft = scrolled;
      else {
        const line = after.querySelector<HTMLElement>('.bk-now');
        const track = after.querySelector<HTMLElement>('.bk-row:not(.bk-axis) .bk-track');
        if (line !== null && track !== null) {
          const box = after.getBoundingClientRect();
          const lane = track.getBoundingClientRect();
          const x = lane.left - box.left + after.scrollLeft + (parseFloat(line.style.left) / 100) * lane.width;
          after.scrollLeft = Math.max(0, x - after.clientWidth / 3);
        }
      }
      this.#scrolledDate = day.date;
    }
    this.#drawMine(day, tz);
  }

  #drawMine(day: BookingDay, tz: string): void {
    const byId = new Map(this.#resources.map((r) => [r.id, r]));
    const mine: Array<{ r: BookableResource; s: BusySlot }> = [];
    for (const d of day.resources) {
      const r = byId.get(d.resourceId);
      if (r !== undefined) for (const s of d.busy) if (s.mine === true) mine.push({ r, s });
    }
    mine.sort((a, b) => a.s.start - b.s.start);
    this.#mine.hidden = false;
    fill(this.#mine, h('h2', { id: 'my-bookings-title' }, t('bookings.mine')),
      mine.length === 0 ? h('p', { class: 'none' }, t('bookings.noMine')) : h('ul', { class: 'bk-mine' }, ...mine.map(({ r, s }) =>
        h('li', { 'data-booking': s.bookingId === undefined ? null : String(s.bookingId), 'data-status': s.status },
          h('button', { type: 'button', class: 'link', onclick: () => openBookingDetail(this.#context(), r, s) },
            `${formatTime(s.start, tz, false)}–${formatTime(s.end, tz, false)} · ${r.name} · ${busyLabel(s)}`)))));
  }
}
