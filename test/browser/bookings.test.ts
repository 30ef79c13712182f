import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHhMm as hhmm, localParts } from '../../controller/access/local-time.js';
import { slotFloor, type SkewedController } from './booking-fixtures.js';
import { openBookingScene, type BookingScene } from './booking-scene.js';
import { horizontalOverflow, watchDom } from './browser.js';
import { loginThroughForm } from './fixtures.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const TZ = 'Europe/Paris';
const MIN = 60_000;
const SLOT = 5; // minutes: the test building's grid
const LIVE_WITHIN_MS = 1_500; // from the controller's booking event to the page showing it: "about a second"
// Distinctive names, to be sure none of their parts shows up anywhere public.
const HOLDER = 'Zéphyrine Quillard-Ostrowski';
const GUEST = 'Barnabé Vandermeersch-Oyelaran';
const MEMBER = { username: 'ombeline', name: 'Ombeline Tchakaloff-Ruiz', password: 'member-password-1234' };
const NAME_PARTS = [HOLDER, GUEST, MEMBER.name].flatMap((n) => n.split(/[\s-]+/));

const wall = (ms: number): { date: string; minutes: number } => localParts(ms, TZ);

/**
 * The bookings view and the public page's rooms, in Debian's Chromium, against the whole
 * controller: its real rules, database, no-show and overrun jobs and live stream. The controller's
 * clock can be set back (startSkewedController) so that a booking is made "a minute ago", or a
 * meeting ended "ten minutes ago", and the real jobs then find it due at their next look.
 */
describe('bookings in the dashboard and on the public page', () => {
  let scene: BookingScene;
  let ctl: SkewedController;
  let page: Page;
  let pub: Page;
  let base: string;
  const holderId = { id: 0 };
  /** The UI books tomorrow, whose slots are all to come whatever the hour of the run. */
  const target = { date: '', minutes: 10 * 60 };
  /** The day of the released Vezouze booking, for the member to look at (Paris midnight may pass in between). */
  const vezouze = { date: '' };

  beforeAll(async () => {
    scene = await openBookingScene({ slotMinutes: SLOT, graceMinutes: 1, marginMinutes: 1, cancelBeforeMinutes: 0 });
    ({ ctl, page, pub } = scene);
    base = ctl.system.httpUrl;
    holderId.id = (await ctl.api('POST', '/api/people', { kind: 'member', name: HOLDER })).json.id;
    await ctl.api('POST', '/api/people', { kind: 'member', name: GUEST });
  });
  afterAll(() => scene?.stop());

  const row = (resourceId: string) => page.locator(`#booking-grid [data-resource="${resourceId}"]`);
  const pickPerson = async (picker: string, query: string) => {
    await page.locator(`#${picker}-search`).fill(query);
    await page.locator(`#${picker}-results [data-person]`).first().click();
  };

  it('shows the day of every room and desk to a manager, rooms first', async () => {
    await page.goto(`${base}/`);
    await loginThroughForm(page);
    await page.locator('#nav-bookings').click();
    await page.locator('#booking-grid').waitFor();
    const ids = await page.locator('#booking-grid [data-resource]').evaluateAll((els) => els.map((e) => e.getAttribute('data-resource')));
    const resources = (await ctl.api('GET', '/api/bookings/resources')).json.resources as Array<{ id: string; kind: string }>;
    expect(ids).toHaveLength(resources.length);
    const rooms = resources.filter((r) => r.kind === 'room').map((r) => r.id).sort();
    expect(rooms).toEqual(expect.arrayContaining(['booth-1', 'booth-2', 'room-baccarat', 'room-luneville', 'room-vezouze']));
    expect(ids.slice(0, rooms.length).sort()).toEqual(rooms);
    expect(await page.locator('#booking-grid [data-group]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')))).toEqual(['room', 'desk']);
    expect(await page.locator('#nav-bookings').textContent()).toBe('Réservations');
    const today = await page.locator('#bookings-date').inputValue();
    expect(today).toBe(wall(Date.now()).date);
    await page.locator('#bookings-next').click();
    target.date = await page.locator('#bookings-date').inputValue();
    expect(new Date(`${target.date}T12:00:00Z`).getTime() - new Date(`${today}T12:00:00Z`).getTime()).toBe(86_400_000);
    await row('room-baccarat').locator('button.bk-free').waitFor();
    expect(await row('room-baccarat').locator('.bk-past').count()).toBe(0);
  });

  it('books a room from a free slot of the grid, for a member with a guest, and shows it busy at once', async () => {
    await row('room-baccarat').locator('button.bk-free').first().click();
    await page.locator('#booking-form').waitFor();
    expect(await page.locator('#booking-form-title').textContent()).toBe('Réserver Baccarat');
    await page.locator('#booking-start').fill(hhmm(target.minutes));
    await page.locator('#booking-length').selectOption('30');
    expect(await page.locator('#booking-end').textContent()).toBe(`Fin à ${hhmm(target.minutes + 30)}`);
    await page.locator('#booking-title').fill('Point d’équipe');
    await pickPerson('booking-for', 'Zéphyrine');
    await pickPerson('booking-guests', 'Barnabé');
    expect(await page.locator('#booking-guests-chosen .chip').textContent()).toContain(GUEST);
    await page.locator('#booking-submit').click();
    await expect.poll(() => page.locator('#bookings-message').textContent()).toContain('Réservé : Baccarat');
    expect(await page.locator('#booking-dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    const busy = row('room-baccarat').locator('.bk-busy[data-status="confirmed"]');
    await busy.waitFor();
    expect(await busy.textContent()).toBe(`${HOLDER} · Point d’équipe`);
    const { bookings } = (await ctl.api('GET', '/api/bookings?resourceId=room-baccarat')).json as { bookings: Array<Record<string, unknown>> };
    expect(bookings).toHaveLength(1);
    expect(bookings[0]).toMatchObject({ personId: holderId.id, holder: HOLDER, title: 'Point d’équipe', createdBy: 'admin', status: 'confirmed' });
    expect(bookings[0]?.guestIds).toHaveLength(1);
    expect(Number(bookings[0]?.endsAt) - Number(bookings[0]?.startsAt)).toBe(30 * MIN);
  });

  it('shows the server’s own words when the slot is taken', async () => {
    await row('room-baccarat').locator('button.bk-free').first().click();
    await page.locator('#booking-start').fill(hhmm(target.minutes + 15));
    await page.locator('#booking-length').selectOption('15');
    await pickPerson('booking-for', 'Barnabé');
    await page.locator('#booking-submit').click();
    const error = page.locator('#booking-error');
    await error.waitFor();
    const text = await error.textContent();
    expect(text).toMatch(/^Baccarat is already booked .*, so .* is not free: choose another slot\.$/);
    expect(await page.locator('#booking-dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await page.locator('#booking-dialog [data-close]').click();
  });

  it('moves a booking, then cancels it', async () => {
    const busy = row('room-baccarat').locator('.bk-busy');
    await busy.click();
    await page.locator('#booking-detail').waitFor();
    await expect.poll(() => page.locator('#booking-details').textContent()).toContain('Invités : 1');
    await page.locator('#move-start').fill(hhmm(target.minutes + 30));
    await page.locator('#move-submit').click();
    await expect.poll(() => page.locator('#bookings-message').textContent()).toContain(`Réservation déplacée : ${hhmm(target.minutes + 30)}–${hhmm(target.minutes + 60)}`);
    await expect.poll(async () => wall(Number(await busy.getAttribute('data-start'))).minutes).toBe(target.minutes + 30);

    await busy.click();
    await page.locator('#booking-cancel').click();
    await expect.poll(() => page.locator('#bookings-message').textContent()).toBe('Réservation annulée.');
    await expect.poll(() => busy.count()).toBe(0);
    const { bookings } = (await ctl.api('GET', '/api/bookings?resourceId=room-baccarat')).json as { bookings: Array<{ status: string }> };
    expect(bookings.map((b) => b.status)).toEqual(['cancelled']);
  });

  it('blocks a room with a reason', async () => {
    await page.locator('#block-resource').selectOption('booth-1');
    await page.locator('#block-from').fill('09:00');
    await page.locator('#block-to').fill('09:20');
    await page.locator('#block-reason').fill('Nettoyage de la cabine');
    await page.locator('#block-submit').click();
    await expect.poll(() => page.locator('#bookings-message').textContent()).toBe('Bloqué : Phone booth 1, 09:00–09:20.');
    const block = row('booth-1').locator('.bk-busy[data-kind="block"]');
    await block.waitFor();
    expect(await block.textContent()).toBe('Bloqué · Nettoyage de la cabine');
    await page.locator('#bookings-today').click(); // the next tests are about now
    await expect.poll(() => page.locator('#bookings-date').inputValue()).toBe(wall(Date.now()).date);
  });

  it('frees the slot of a no-show on the dashboard and the public page within about a second, without a reload', async () => {
    await pub.goto(`${base}/public.html`);
    await pub.locator('#status[data-state="live"]').waitFor();
    // The room's presence sensor is online and sees nobody.
    const sensor = await scene.sims.desk('occ-vezouze');
    await sensor.setOccupied(false);
    // Booked "50 s ago" by the controller's clock: the one-minute grace ends ~10 s after the POST, so the
    // no-show job (every 30 s) releases it at one of its next looks, never before the page has shown it booked.
    ctl.setOffset(-50_000);
    const start = slotFloor(ctl.now(), SLOT);
    const res = await ctl.api('POST', '/api/bookings', { resourceId: 'room-vezouze', startsAt: start, endsAt: start + 6 * SLOT * MIN, personId: holderId.id, title: 'Revue de projet' });
    expect(res.status).toBe(201);
    ctl.setOffset(0);
    const id = res.json.booking.id as number;
    const busy = `#booking-grid [data-resource="room-vezouze"] .bk-busy[data-booking="${id}"]`;
    await page.locator(`${busy}[data-status="confirmed"]`).waitFor();
    const room = '#rooms [data-room="room-vezouze"] .room-booking';
    await expect.poll(() => pub.locator(room).getAttribute('data-booked')).toBe('true');
    expect(await pub.locator(room).textContent()).toMatch(/^Réservée jusqu’à \d\d:\d\d/);

    const seen = await Promise.all([
      watchDom(page, busy, 'data-status', 'released', 55_000), // due in ~10 s, then up to 30 s to the job's next look
      watchDom(pub, room, 'data-booked', 'false', 55_000),
    ]);
    const [onDashboard, onPublic] = await Promise.all(seen.map((s) => s()));
    const released = scene.staffEvents.find((e) => e.event.bookingId === id && e.event.change === 'released');
    expect(released, 'the staff stream told of the release').toBeDefined();
    const booking = (await ctl.api('GET', `/api/bookings/${id}`)).json.booking;
    vezouze.date = wall(booking.startsAt).date;
    expect(booking).toMatchObject({ status: 'released', releaseEvidence: { sensorId: 'occ-vezouze', sensorOnline: true, sensorOccupiedSeen: false, graceMinutes: 1 } });
    const eventAt = released?.event.at ?? Number.NaN;
    for (const at of [onDashboard ?? -1, onPublic ?? -1]) {
      expect(at).toBeGreaterThan(0);
      expect(at - eventAt).toBeLessThan(LIVE_WITHIN_MS);
    }
    expect(await page.locator(busy).textContent()).toBe(`Libérée · ${HOLDER} · Revue de projet`);
    expect(await pub.locator(room).textContent()).toMatch(/^Libre/);
    // The rest of the slot is bookable again (from the grid step after the release), unless the day ends first.
    if (booking.endsAt - slotFloor(booking.releasedAt, SLOT) > SLOT * MIN && wall(booking.endsAt).date === wall(booking.startsAt).date) {
      const free = await page.locator('#booking-grid [data-resource="room-vezouze"] button.bk-free').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-start'))));
      expect(free.some((s) => s >= booking.releasedAt && s < booking.endsAt)).toBe(true);
    }
    // The release is in the feed of the live view too.
    expect(await page.locator('#events [data-type="booking"].change-released').count()).toBeGreaterThan(0);
  }, 75_000);

  it('lists an overrun notice for managers when the room stays occupied into the next booking', async () => {
    const sensor = await scene.sims.desk('occ-luneville');
    // A meeting of "20 minutes ago", whose room is still occupied, and the next booking right after it.
    ctl.setOffset(-20 * MIN);
    const start = slotFloor(ctl.now(), SLOT);
    const first = await ctl.api('POST', '/api/bookings', { resourceId: 'room-luneville', startsAt: start, endsAt: start + 2 * SLOT * MIN, personId: holderId.id });
    const next = await ctl.api('POST', '/api/bookings', { resourceId: 'room-luneville', startsAt: start + 2 * SLOT * MIN, endsAt: start + 4 * SLOT * MIN, personId: holderId.id });
    expect([first.status, next.status]).toEqual([201, 201]);
    await sensor.setOccupied(true);
    ctl.setOffset(0);
    const notice = `#booking-notices [data-booking="${first.json.booking.id}"]`;
    const seen = await watchDom(page, notice, null, [], 45_000);
    expect(await seen()).toBeGreaterThan(0);
    expect(await page.locator(notice).textContent()).toContain('Lunéville toujours occupée après la fin de la réservation');
    const { notices } = (await ctl.api('GET', '/api/bookings/notices')).json as { notices: Array<{ bookingId: number; kind: string }> };
    expect(notices).toEqual([expect.objectContaining({ bookingId: first.json.booking.id, kind: 'overrun' })]);
  }, 60_000);

  it('gives each room’s iCalendar feed to copy', async () => {
    const feeds = page.locator('#booking-feeds [data-feed]');
    const rooms = ((await ctl.api('GET', '/api/bookings/resources')).json.resources as Array<{ kind: string }>).filter((r) => r.kind === 'room');
    expect(await feeds.count()).toBe(rooms.length); // one per bookable room
    const url = await page.locator('#feed-room-baccarat').inputValue();
    expect(url).toMatch(new RegExp(`^${base}/ical/[^/]+\\.ics$`));
    const ics = await fetch(url);
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    await scene.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.locator('#booking-feeds [data-copy="room-baccarat"]').click();
    await expect.poll(() => page.locator('#booking-feeds [data-feed="room-baccarat"] .bk-copied').textContent()).toBe('Copié');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  });

  it('keeps a screenshot of the bookings view', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = await page.screenshot({ path: `${ARTIFACTS}bookings.png`, fullPage: true });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // The managers' view fits a phone too: the grid scrolls sideways inside its card, not the page.
    await page.setViewportSize({ width: 390, height: 844 });
    const { scrollWidth, clientWidth } = await horizontalOverflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('never shows a name on the public page, nor in its stream, nor in its bookings', async () => {
    await pub.reload();
    await pub.locator('#rooms .room-booking').first().waitFor();
    expect(await pub.locator('#rooms [data-room]').count()).toBe(5); // the three meeting rooms and the two booths
    // The other bookable rooms tell it in their zone's card.
    expect(await pub.locator('[data-zone="training-meurthe"] .room-booking').textContent()).toMatch(/^Libre/);
    const day = await (await fetch(`${base}/api/public/bookings/day`)).text();
    expect(day).not.toMatch(/holder|title|bookingId|mine/);
    const text = await pub.locator('body').innerText();
    const html = await pub.content();
    const stream = scene.publicFrames.join('\n');
    expect(stream).toContain('"type":"booking"');
    for (const part of [...NAME_PARTS, 'Revue', 'Nettoyage']) {
      for (const [where, what] of [['page', text], ['markup', html], ['stream', stream], ['bookings', day]] as const) {
        expect(what, `"${part}" in the public ${where}`).not.toContain(part);
      }
    }
  });

  it('lets a member book for themself, shows others’ bookings without names, and fits a phone', async () => {
    const user = await ctl.api('POST', '/api/users', { username: MEMBER.username, displayName: MEMBER.name, role: 'member', password: MEMBER.password });
    expect(user.status).toBe(201);
    await ctl.api('POST', '/api/people', { kind: 'member', name: MEMBER.name, userId: user.json.id });
    await page.locator('#logout').click();
    await page.locator('#login').waitFor();
    await page.locator('#login-username').fill(MEMBER.username);
    await page.locator('#login-password').fill(MEMBER.password);
    await page.locator('#login-submit').click();
    await page.locator('#booking-grid').waitFor();
    expect(await page.locator('#nav-live').isHidden()).toBe(true);
    expect(await page.locator('#booking-notices').count()).toBe(0);
    // The released booking of Vezouze is someone else's: busy, never named. On its own day, which is
    // no longer today if Paris midnight has passed since.
    await page.locator('#bookings-date').fill(vezouze.date);
    expect(await row('room-vezouze').locator('.bk-busy').first().textContent()).toBe('Libérée');

    await page.locator('#bookings-next').click();
    await row('cw-hot-05').locator('button.bk-free').first().click();
    expect(await page.locator('#booking-for-search').count()).toBe(0); // a member books for themself
    await page.locator('#booking-start').fill('10:00');
    await page.locator('#booking-length').selectOption('60');
    await page.locator('#booking-submit').click();
    const mine = row('cw-hot-05').locator('.bk-busy[data-mine="true"]');
    await mine.waitFor();
    expect(await mine.textContent()).toBe(MEMBER.name);
    expect(await page.locator('#my-bookings li').count()).toBe(1);

    await page.setViewportSize({ width: 390, height: 844 });
    const { scrollWidth, clientWidth } = await horizontalOverflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.locator('.lang-switch [data-lang="en"]').click();
    expect(await page.locator('#bookings-title').textContent()).toBe('Bookings');
    expect(await page.locator('#my-bookings-title').textContent()).toBe('My bookings that day');
    await page.locator('.lang-switch [data-lang="fr"]').click();
  });

  it('raised no error in the pages', () => {
    // Expected and logged by Chromium: the session checks before each login (401), and the refused booking (409).
    expect(scene.browser.errors.filter((e) => !/status of (401|409)/.test(e))).toEqual([]);
    expect(scene.failed.filter((f) => !/^409 .*\/api\/bookings$/.test(f))).toEqual([]);
  });
});
