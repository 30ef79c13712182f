import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildDashboard } from '../../dashboard/build.js';
import { startSkewedController, writeBookingBuilding, type RuleOverrides, type SkewedController } from './booking-fixtures.js';
import { launchBrowser, onTextFrames, recordFailedResponses, type TestBrowser } from './browser.js';
import { Sims } from './fixtures.js';

export interface StaffBookingEvent { at: number; event: { type: string; at?: number; change?: string; bookingId?: number; resourceId?: string } }

export interface BookingScene {
  ctl: SkewedController;
  sims: Sims;
  browser: TestBrowser;
  /** The dashboard's page (a manager, then a member). */
  page: Page;
  /** The public page. */
  pub: Page;
  /** The booking events of the staff stream, with when the test saw them. */
  staffEvents: StaffBookingEvent[];
  /** Every frame of the public stream. */
  publicFrames: string[];
  /** HTTP responses of 400 or more of both pages, but the dashboard's "not signed in". */
  failed: string[];
  stop(): Promise<void>;
}

/**
 * The bookings' browser tests' world: the dashboard built, a controller with a settable clock on a
 * building whose booking rules take `rules`, simulated devices, and Chromium with two pages whose
 * streams and failed requests are recorded.
 */
export async function openBookingScene(rules: RuleOverrides): Promise<BookingScene> {
  await buildDashboard();
  const dir = mkdtempSync(join(tmpdir(), 'mf-bookings-'));
  const ctl = await startSkewedController({ BUILDING_FILE: writeBookingBuilding(dir, rules) });
  const sims = new Sims(ctl);
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const pub = await browser.newPage();
  const failed: string[] = [];
  for (const p of [page, pub]) recordFailedResponses(p, failed, /\/api\/auth\/me$/);
  const staffEvents: StaffBookingEvent[] = [];
  onTextFrames(page, (text) => {
    const frame = JSON.parse(text) as { type: string; events?: Array<{ type: string }> };
    for (const e of frame.events ?? []) if (e.type.startsWith('booking')) staffEvents.push({ at: Date.now(), event: e });
  });
  const publicFrames: string[] = [];
  onTextFrames(pub, (text) => publicFrames.push(text));
  return {
    ctl, sims, browser, page, pub, staffEvents, publicFrames, failed,
    stop: async () => {
      await browser.close();
      await sims.stopAll();
      await ctl.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
