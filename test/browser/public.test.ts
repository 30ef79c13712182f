import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../dashboard/build.js';
import type { SimReader } from '../../firmware-sim/reader.js';
import { startTestController, type TestController } from '../support/controller.js';
import { eventually } from '../support/mqtt-device.js';
import { horizontalOverflow, launchBrowser, onTextFrames, recordFailedResponses, watchDom, type TestBrowser } from './browser.js';
import { peopleWithBadges, Sims, walkThrough } from './fixtures.js';

// Distinctive names, to be sure none of their parts shows up anywhere public.
const PEOPLE = [
  { name: 'Zéphyrine Quillard-Ostrowski', uid: '04C0FFEE01' },
  { name: 'Barnabé Vandermeersch-Oyelaran', uid: '04C0FFEE02' },
];
const NAME_PARTS = PEOPLE.flatMap((p) => p.name.split(/[\s-]+/));
const UIDS = PEOPLE.map((p) => p.uid);

/** The public page, without any login: free desks and rooms now, live, and never a person. */
describe('the public page', () => {
  let ctl: TestController;
  let sims: Sims;
  let browser: TestBrowser;
  let page: Page;
  let coworking: SimReader;
  let baccarat: SimReader;
  const frames: string[] = [];
  const failed: string[] = [];

  beforeAll(async () => {
    await buildDashboard();
    ctl = await startTestController();
    peopleWithBadges(ctl, ['hall', 'coworking', 'room-baccarat'], PEOPLE);
    sims = new Sims(ctl);
    coworking = await sims.reader('rdr-coworking');
    baccarat = await sims.reader('rdr-baccarat');
    await eventually(() => coworking.allowlist !== null && baccarat.allowlist !== null, 'the readers have their allow-lists');
    browser = await launchBrowser(); // a fresh profile: no session cookie
    page = await browser.newPage();
    onTextFrames(page, (text) => frames.push(text));
    recordFailedResponses(page, failed);
  });
  afterAll(async () => {
    await browser?.close();
    await sims?.stopAll();
    await ctl?.stop();
  });

  it('shows the meeting rooms and the free desks of each public zone, without logging in', async () => {
    await page.goto(`${ctl.system.httpUrl}/public.html`);
    await page.locator('#status[data-state="live"]').waitFor();
    // The three meeting rooms and, once the day's bookings are in, the two bookable phone booths.
    await page.locator('#rooms [data-room="booth-1"] .room-booking').waitFor();
    expect(await page.locator('#rooms [data-room]').count()).toBe(5);
    expect(await page.locator('#rooms [data-room="room-baccarat"]').getAttribute('data-free')).toBe('true');
    expect(await page.locator('[data-zone="coworking"] .desks-free').getAttribute('data-total')).toBe('32'); // hot desks only
    // Private offices and the server room are not public.
    for (const zone of ['office-1', 'server-room']) expect(await page.locator(`[data-zone="${zone}"]`).count()).toBe(0);
    expect(failed).toEqual([]);
  });

  it('counts a free hot desk within 1 s of its sensor', async () => {
    const free = '[data-zone="coworking"] .desks-free';
    const seen = await watchDom(page, free, 'data-free', '1');
    const desk = await sims.desk('desk-cw-hot-07');
    await desk.setOccupied(false);
    const acked = Date.now();
    const at = await seen();
    expect(at).toBeGreaterThan(0);
    expect(at - acked).toBeLessThan(1_000);
    expect(await page.locator(free).textContent()).toBe('Postes libres : 1 / 32');
  });

  it('shows people coming in and a meeting room taken within 1 s, never who they are', async () => {
    const count = '[data-zone="coworking"] .zone-count';
    for (const [i, person] of PEOPLE.entries()) {
      const seen = await watchDom(page, count, 'data-occupancy', String(i + 1));
      const acked = await walkThrough(coworking, person.uid);
      const at = await seen();
      expect(at).toBeGreaterThan(0);
      expect(at - acked).toBeLessThan(1_000);
    }
    const room = '#rooms [data-room="room-baccarat"]';
    const seen = await watchDom(page, room, 'data-free', 'false');
    const acked = await walkThrough(baccarat, PEOPLE[1]?.uid ?? '');
    const at = await seen();
    expect(at).toBeGreaterThan(0);
    expect(at - acked).toBeLessThan(1_000);
    expect(await page.locator(`${room} .room-state`).textContent()).toBe('Occupée');
    expect(await page.locator(count).textContent()).toBe('Présents : 2 / 50');

    // The staff stream knows them (so the names were there to leak)...
    const staff = JSON.stringify((await ctl.api('GET', '/api/live/snapshot')).json);
    for (const p of PEOPLE) expect(staff).toContain(p.name);
    // ...the public page and its stream never do.
    const text = await page.locator('body').innerText();
    const html = await page.content();
    expect(frames.length).toBeGreaterThanOrEqual(4); // the snapshot and a delta per change at least
    const stream = frames.join('\n');
    for (const part of [...NAME_PARTS, ...UIDS]) {
      expect(text, `"${part}" on the page`).not.toContain(part);
      expect(html, `"${part}" in the markup`).not.toContain(part);
      expect(stream, `"${part}" in the stream`).not.toContain(part);
    }
    expect(stream).not.toMatch(/"(person|name)"\s*:\s*\{/);
  });

  it('switches language, and fits a 390-px-wide screen', async () => {
    expect(await page.locator('#rooms-title').textContent()).toBe('Salles de réunion');
    await page.locator('.lang-switch [data-lang="en"]').click();
    expect(await page.locator('#rooms-title').textContent()).toBe('Meeting rooms');
    expect(await page.locator('[data-zone="coworking"] .zone-count').textContent()).toBe('People in: 2 / 50');
    await page.setViewportSize({ width: 390, height: 844 });
    const { scrollWidth, clientWidth } = await horizontalOverflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.locator('.lang-switch [data-lang="fr"]').click();
  });

  it('raised no error and made no refused request', () => {
    expect(browser.errors).toEqual([]);
    expect(failed).toEqual([]);
  });
});
