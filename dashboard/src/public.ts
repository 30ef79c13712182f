import type { PublicMessage } from '../../controller/live/messages.js';
import { languageSwitch, onLangChange, t, translateStatic } from './i18n/index.js';
import { wsUrl } from './lib/api.js';
import { bookingsApi, isBookingEvent, type BookingDay } from './lib/bookings.js';
import { loadBuilding, type Building } from './lib/building.js';
import { byId, h, setAttr, setText } from './lib/dom.js';
import { formatTime } from './lib/format.js';
import { LiveSocket, type LiveStatus } from './lib/live-socket.js';
import { PublicStore } from './lib/live-state.js';
import { zonedDate } from './lib/zoned.js';
import { renderPublic } from './views/public-view.js';

/**
 * The public page: free desks and meeting rooms now, from the public stream, and each room's
 * bookings of the day (busy until when, next free slot), fetched again at every booking event of
 * the stream. No login, no person.
 */
const store = new PublicStore();
const DEFAULT_TIME_ZONE = 'Europe/Paris';
const TICK_MS = 30_000; // "free until" and "next free slot" move with the clock: redrawn this often
let building: Building | null = null;
let bookings: BookingDay | null = null;
let status: LiveStatus = { state: 'connecting' };
let fetching: Promise<void> | null = null;
let fetchAgain = false;

function timeZone(): string {
  return building?.site.timeZone ?? DEFAULT_TIME_ZONE;
}

function draw(): void {
  const main = byId('main');
  if (store.state === null) {
    main.replaceChildren(h('p', { class: 'card none' }, t('public.waiting')));
    return;
  }
  renderPublic(main, store.state, building, bookings === null ? null : { day: bookings, now: Date.now() });
  setText(byId('updated'), t('public.updated', { time: formatTime(store.at, timeZone()) }));
}

/** Today's bookings; one fetch at a time, and one more if asked meanwhile. A failure keeps the page as it is. */
async function fetchBookings(): Promise<void> {
  if (fetching !== null) {
    fetchAgain = true;
    return fetching;
  }
  fetching = bookingsApi.publicDay(zonedDate(Date.now(), timeZone())).then((day) => {
    bookings = day;
    draw();
  }, () => undefined);
  await fetching;
  fetching = null;
  if (fetchAgain) {
    fetchAgain = false;
    await fetchBookings();
  }
}

function showStatus(s: LiveStatus): void {
  status = s;
  const el = byId('status');
  setAttr(el, 'data-state', s.state);
  setText(el, t(`status.${s.state}`));
}

function boot(): void {
  translateStatic();
  byId('lang').replaceChildren(languageSwitch());
  onLangChange(() => {
    showStatus(status);
    draw();
  });
  draw();
  // The building file only names the floors and the bookable rooms; the page works without it.
  loadBuilding().then((b) => {
    building = b;
    draw();
  }, () => undefined);
  new LiveSocket<PublicMessage>({
    url: wsUrl('/api/live/public'),
    onMessage: (m) => {
      if (store.apply(m)) draw();
      // Every (re)connection, and every booking change, fetches the day again.
      if (m.type === 'snapshot' || m.events.some(isBookingEvent)) void fetchBookings();
    },
    onStatus: showStatus,
  }).start();
  window.setInterval(() => {
    if (bookings !== null && bookings.date !== zonedDate(Date.now(), timeZone())) void fetchBookings(); // a new day
    else draw();
  }, TICK_MS);
}

boot();
