import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestController, type TestController } from '../support/controller.js';

/**
 * What the bookings' browser tests need beyond the shared controller helper: a building file whose
 * booking rules fit a test run at any hour (open all week round the clock, a one-minute no-show
 * grace), and a controller whose clock can be set back, so that a booking can be made "a minute
 * ago" and its grace be over when the real no-show job next looks.
 */

export const DEFAULT_BUILDING = new URL('../../controller/building/menil-flin.json', import.meta.url);
const ALL_WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface RuleOverrides { slotMinutes?: number; graceMinutes?: number; marginMinutes?: number; cancelBeforeMinutes?: number }

/** The Ménil-Flin building with every booking rule set open at all hours and the overrides applied, written to `dir`. */
export function writeBookingBuilding(dir: string, overrides: RuleOverrides = {}): string {
  const building = JSON.parse(readFileSync(DEFAULT_BUILDING, 'utf8')) as { booking?: { rules: Record<string, Record<string, unknown>> } };
  if (building.booking === undefined) throw new Error('the building file has no booking section');
  for (const rules of Object.values(building.booking.rules)) {
    rules.openingHours = [{ days: ALL_WEEK, from: '00:00', to: '24:00' }];
    rules.maxAheadDays = Math.max(Number(rules.maxAheadDays), 7);
    Object.assign(rules, overrides);
  }
  const file = join(dir, 'building.json');
  writeFileSync(file, JSON.stringify(building, null, 2));
  return file;
}

export interface SkewedController extends TestController {
  /** Milliseconds added to the real clock for the controller (negative: it lives in the past). */
  setOffset(ms: number): void;
  /** The controller's now. */
  now(): number;
}

/** startTestController with the controller's clock the real one plus a settable offset. */
export async function startSkewedController(env: Record<string, string> = {}): Promise<SkewedController> {
  let offset = 0;
  const clock = (): number => Date.now() + offset;
  const ctl = await startTestController(env, { clock });
  return {
    ...ctl,
    setOffset: (ms) => {
      offset = ms;
    },
    now: clock,
  };
}

/** The start of the `slotMinutes` grid slot `ms` is in (Europe/Paris is a whole number of hours from UTC). */
export function slotFloor(ms: number, slotMinutes: number): number {
  const step = slotMinutes * 60_000;
  return ms - (ms % step);
}
