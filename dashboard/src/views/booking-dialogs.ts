import { locale, t, tOr } from '../i18n/index.js';
import { ApiError } from '../lib/api.js';
import { bookingsApi, durationChoices, type BookableResource, type Booking, type BusySlot, type Interval } from '../lib/bookings.js';
import { fill, h } from '../lib/dom.js';
import { formatTime } from '../lib/format.js';
import { ceilToSlot, floorToSlot, hhmm, parseHhmm, zonedDate, zonedEpoch, zonedMinutes } from '../lib/zoned.js';
import { busyLabel } from './booking-grid.js';
import { PersonPicker } from './person-picker.js';

/**
 * The two dialogs of the bookings view: booking a free slot (length, title, and for staff the
 * holder and the guests), and a booking's card (who, when, what became of it; move, cancel). The
 * server decides: its refusal (slot taken, a rule, a deadline) is shown as it words it.
 */

const MINUTE = 60_000;
const DEFAULT_MINUTES = 60; // the length offered first, when the free stretch allows it

export interface DialogContext {
  dialog: HTMLDialogElement;
  timeZone: string;
  staff: boolean;
  now: number;
  /** After a change went through: a line to show, and the day to fetch again. */
  onDone(message: string): void;
}

export function errorText(err: unknown): string {
  return err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err);
}

const time = (ms: number, tz: string): string => formatTime(ms, tz, false);

export function formatDate(date: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(), { timeZone, dateStyle: 'full' })
    .format(zonedEpoch(date, 12 * 60, timeZone));
}

export function lengthText(minutes: number): string {
  if (minutes < 60) return t('bookings.minutes', { n: minutes });
  const m = minutes % 60;
  return t('bookings.hours', { h: Math.floor(minutes / 60), m: m === 0 ? '' : String(m).padStart(2, '0') }).trim();
}

/** A start time and a length, as the new-booking and the move forms ask them. */
function whenFields(prefix: string, r: BookableResource, startMs: number, minutes: number, tz: string) {
  const slot = r.rules.slotMinutes;
  const start = h('input', { type: 'time', id: `${prefix}-start`, required: true, step: slot * 60, value: hhmm(zonedMinutes(startMs, tz)) });
  const choices = durationChoices(slot, r.rules.maxMinutes);
  const chosen = choices.filter((m) => m <= minutes).at(-1) ?? choices[0];
  const length = h('select', { id: `${prefix}-length` }, ...choices.map((m) => h('option', { value: m, selected: m === chosen }, lengthText(m))));
  const end = h('p', { class: 'hint', id: `${prefix}-end`, 'aria-live': 'polite' });
  const date = zonedDate(startMs, tz);
  const read = (): Interval | null => {
    const min = parseHhmm(start.value);
    if (min === null) return null;
    const startsAt = zonedEpoch(date, min, tz);
    return { start: startsAt, end: startsAt + Number(length.value) * MINUTE };
  };
  const showEnd = (): void => {
    const w = read();
    end.textContent = w === null ? t('bookings.invalidTime') : t('bookings.ends', { time: time(w.end, tz) });
  };
  start.addEventListener('input', showEnd);
  length.addEventListener('change', showEnd);
  showEnd();
  const fields = [h('label', { for: `${prefix}-start` }, t('bookings.start')), start, h('label', { for: `${prefix}-length` }, t('bookings.length')), length, end];
  return { fields, read };
}

function errorLine(id: string): HTMLElement {
  return h('p', { class: 'error', id, role: 'alert', hidden: true });
}

function showError(el: HTMLElement, err: unknown): void {
  el.textContent = errorText(err);
  el.hidden = false;
}

function closeButton(dialog: HTMLDialogElement): HTMLElement {
  return h('button', { type: 'button', class: 'secondary', 'data-close': '', onclick: () => dialog.close() }, t('bookings.close'));
}

/** Books `gap` of `r` (a free stretch), starting at the slot under the pointer. */
export function openBookingForm(ctx: DialogContext, r: BookableResource, gap: Interval, at: number): void {
  const { dialog, timeZone: tz } = ctx;
  const slot = r.rules.slotMinutes;
  // The slot under way may still be booked (a room needed now), as the server allows.
  const earliest = Math.max(ceilToSlot(gap.start, slot, tz), floorToSlot(ctx.now, slot, tz));
  const start = Math.max(earliest, Math.min(floorToSlot(at, slot, tz), gap.end - slot * MINUTE));
  const room = Math.max(slot, Math.floor((gap.end - start) / MINUTE));
  const when = whenFields('booking', r, start, Math.min(DEFAULT_MINUTES, room), tz);
  const title = h('input', { id: 'booking-title', maxlength: 200, autocomplete: 'off' });
  const holder = ctx.staff ? new PersonPicker({
    id: 'booking-for', label: t('bookings.for'), placeholder: t('bookings.searchPerson'), multiple: false, emptyText: t('bookings.forMe'), search: bookingsApi.people,
  }) : null;
  const guests = ctx.staff ? new PersonPicker({
    id: 'booking-guests', label: t('bookings.guests'), placeholder: t('bookings.addGuest'), multiple: true, search: bookingsApi.people,
  }) : null;
  const error = errorLine('booking-error');
  const submit = h('button', { type: 'submit', id: 'booking-submit' }, t('bookings.submit'));
  const form = h('form', { class: 'bk-form', id: 'booking-form' },
    h('h2', { id: 'booking-form-title' }, t('bookings.newTitle', { resource: r.name })),
    h('p', { class: 'hint' }, t('bookings.on', { date: formatDate(zonedDate(start, tz), tz) })),
    ...when.fields,
    h('label', { for: 'booking-title' }, t('bookings.titleField')), title,
    holder?.el, guests?.el,
    error,
    h('div', { class: 'bk-actions' }, submit, closeButton(dialog)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const w = when.read();
    if (w === null) return showError(error, t('bookings.invalidTime'));
    error.hidden = true;
    submit.disabled = true;
    const personId = holder?.chosen[0]?.id;
    const guestIds = guests?.chosen.map((p) => p.id) ?? [];
    bookingsApi.create({
      resourceId: r.id, startsAt: w.start, endsAt: w.end,
      ...(title.value.trim() === '' ? {} : { title: title.value.trim() }),
      ...(guestIds.length === 0 ? {} : { guestIds }),
      ...(personId === undefined ? {} : { personId }),
    }).then((b) => {
      dialog.close();
      ctx.onDone(t('bookings.created', { resource: r.name, from: time(b.startsAt, tz), to: time(b.endsAt, tz) }));
    }, (err: unknown) => showError(error, err)).finally(() => {
      submit.disabled = false;
    });
  });
  dialog.replaceChildren(form);
  dialog.setAttribute('aria-labelledby', 'booking-form-title');
  if (!dialog.open) dialog.showModal();
  (when.fields[1] as HTMLInputElement).focus();
}

function evidenceText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e === null || e === undefined) return '';
  return JSON.stringify(e);
}

/** A busy slot's card: its booking's details, and what the caller may do with it. */
export function openBookingDetail(ctx: DialogContext, r: BookableResource, s: BusySlot): void {
  const { dialog, timeZone: tz } = ctx;
  const details = h('div', { class: 'bk-details', id: 'booking-details' });
  const error = errorLine('detail-error');
  const mayChange = s.bookingId !== undefined && s.status === 'confirmed' && s.end > ctx.now && (ctx.staff || s.mine === true);
  const body: Array<HTMLElement | null> = [
    h('h2', { id: 'booking-detail-title' }, r.name),
    h('p', {}, t('bookings.when', { date: formatDate(zonedDate(s.start, tz), tz), from: time(s.start, tz), to: time(s.end, tz) })),
    h('p', { class: 'bk-what', 'data-status': s.status, 'data-kind': s.kind }, h('strong', {}, busyLabel(s)),
      s.kind === 'block' ? null : ` (${tOr(`bookingStatus.${s.status}`, s.status)})`),
    details,
  ];
  const act = (button: HTMLButtonElement, run: () => Promise<string>): void => {
    button.disabled = true;
    error.hidden = true;
    run().then((message) => {
      dialog.close();
      ctx.onDone(message);
    }, (err: unknown) => showError(error, err)).finally(() => {
      button.disabled = false;
    });
  };
  if (mayChange && s.bookingId !== undefined) {
    const bookingId = s.bookingId;
    if (s.kind === 'booking') {
      const when = whenFields('move', r, s.start, Math.round((s.end - s.start) / MINUTE), tz);
      const moveButton = h('button', { type: 'submit', id: 'move-submit' }, t('bookings.moveSubmit'));
      const move = h('form', { class: 'bk-form bk-move', id: 'move-form' },
        h('h3', {}, t('bookings.move')), ...when.fields, h('div', { class: 'bk-actions' }, moveButton));
      move.addEventListener('submit', (event) => {
        event.preventDefault();
        const w = when.read();
        if (w === null) return showError(error, t('bookings.invalidTime'));
        act(moveButton, async () => {
          const b = await bookingsApi.move(bookingId, w.start, w.end);
          return t('bookings.moved', { from: time(b.startsAt, tz), to: time(b.endsAt, tz) });
        });
      });
      body.push(move);
    }
    const cancel: HTMLButtonElement = h('button', {
      type: 'button', class: 'danger', id: 'booking-cancel',
      onclick: () => act(cancel, async () => {
        await bookingsApi.cancel(bookingId);
        return t('bookings.cancelled');
      }),
    }, s.kind === 'block' ? t('bookings.unblock') : t('bookings.cancel'));
    body.push(h('div', { class: 'bk-actions' }, cancel));
  }
  body.push(error, h('div', { class: 'bk-actions' }, closeButton(dialog)));
  dialog.replaceChildren(h('div', { class: 'bk-detail', id: 'booking-detail', 'data-booking': s.bookingId === undefined ? null : String(s.bookingId) }, ...body));
  dialog.setAttribute('aria-labelledby', 'booking-detail-title');
  if (!dialog.open) dialog.showModal();
  if (s.bookingId !== undefined) {
    bookingsApi.get(s.bookingId).then((b) => fill(details, ...bookingFacts(b, tz)), () => undefined); // the card stands without them
  }
}

function bookingFacts(b: Booking, tz: string): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (b.kind === 'block' && b.title !== null) out.push(h('p', {}, t('bookings.blockReason', { reason: b.title })));
  if (b.createdBy !== null && b.createdBy !== b.holder) out.push(h('p', { class: 'hint' }, t('bookings.bookedBy', { name: b.createdBy })));
  if (b.guestIds.length > 0) out.push(h('p', {}, t('bookings.guestCount', { n: b.guestIds.length })));
  if (b.checkedInAt !== null) out.push(h('p', {}, t('bookings.checkedIn', { time: time(b.checkedInAt, tz) })));
  if (b.releasedAt !== null) {
    out.push(h('p', { class: 'bk-released', 'data-released-at': b.releasedAt }, t('bookings.releasedAt', { time: time(b.releasedAt, tz) })));
    const evidence = evidenceText(b.releaseEvidence);
    if (evidence !== '') out.push(h('p', { class: 'hint' }, t('bookings.evidence', { evidence })));
  }
  return out;
}
