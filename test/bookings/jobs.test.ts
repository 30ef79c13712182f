import { describe, expect, it } from 'vitest';
import { noShowVerdict, type NoShowFacts } from '../../controller/bookings/no-show.js';
import { overran } from '../../controller/bookings/overrun.js';

const MIN = 60_000;
const START = Date.parse('2026-06-10T10:00:00+02:00');
const END = START + 60 * MIN;
const facts = (over: Partial<NoShowFacts>): NoShowFacts => ({
  startsAt: START, endsAt: END, createdAt: START - 86_400_000, graceMinutes: 15, marginMinutes: 10, now: START + 16 * MIN,
  sensorId: 'occ-baccarat', sensorOnline: true, doorWatched: true, occupied: [], door: { passages: 0, grants: 0, firstAt: null }, ...over,
});

describe('the no-show decision', () => {
  it('waits before the margin and during the grace', () => {
    expect(noShowVerdict(facts({ now: START - 11 * MIN }))).toEqual({ action: 'wait' });
    expect(noShowVerdict(facts({ now: START + 14 * MIN }))).toEqual({ action: 'wait' });
  });

  it('releases at the end of the grace when neither the sensor nor the door showed anybody, with its evidence', () => {
    expect(noShowVerdict(facts({ now: START + 15 * MIN + 20_000 }))).toEqual({
      action: 'release', releasedAt: START + 15 * MIN,
      evidence: {
        sensorId: 'occ-baccarat', sensorOnline: true, sensorOccupiedSeen: false, doorPassages: 0, doorGrants: 0,
        checkedFrom: START - 10 * MIN, checkedUntil: START + 15 * MIN + 20_000, graceMinutes: 15,
      },
    });
  });

  it('checks in at the first sign: the sensor occupied (from the margin on) or a passage through the door', () => {
    expect(noShowVerdict(facts({ occupied: [[START - 30 * MIN, START - 5 * MIN]] }))).toEqual({ action: 'checked_in', at: START - 10 * MIN });
    expect(noShowVerdict(facts({ occupied: [[START + 3 * MIN, START + 16 * MIN]] }))).toEqual({ action: 'checked_in', at: START + 3 * MIN });
    expect(noShowVerdict(facts({ door: { passages: 1, grants: 1, firstAt: START + 2 * MIN } }))).toEqual({ action: 'checked_in', at: START + 2 * MIN });
    // Evidence during the grace checks in before the grace is over.
    expect(noShowVerdict(facts({ now: START + 5 * MIN, occupied: [[START + 4 * MIN, START + 5 * MIN]] }))).toEqual({ action: 'checked_in', at: START + 4 * MIN });
  });

  it('does not count what happened before the margin, nor after the end', () => {
    expect(noShowVerdict(facts({ occupied: [[START - 40 * MIN, START - 11 * MIN]] })).action).toBe('release');
    const late = facts({ now: END + 60 * MIN, door: { passages: 1, grants: 1, firstAt: END + 5 * MIN } });
    expect(noShowVerdict(late)).toMatchObject({ action: 'release', releasedAt: START + 15 * MIN, evidence: { checkedUntil: END } });
  });

  it('keeps a booking nobody could have seen: a booth without a door whose sensor is offline', () => {
    expect(noShowVerdict(facts({ doorWatched: false, sensorOnline: false, sensorId: 'occ-booth-1' }))).toEqual({ action: 'wait' });
    expect(noShowVerdict(facts({ doorWatched: false, sensorOnline: null, sensorId: null }))).toEqual({ action: 'wait' });
    expect(noShowVerdict(facts({ doorWatched: false, sensorOnline: true })).action).toBe('release');
    expect(noShowVerdict(facts({ doorWatched: true, sensorOnline: false })).action).toBe('release'); // the door alone tells
  });

  it('counts the grace from the booking for a slot booked while under way, and never releases after the end', () => {
    expect(noShowVerdict(facts({ createdAt: START + 10 * MIN, now: START + 20 * MIN }))).toEqual({ action: 'wait' });
    expect(noShowVerdict(facts({ createdAt: START + 10 * MIN, now: START + 26 * MIN }))).toMatchObject({ releasedAt: START + 25 * MIN });
    expect(noShowVerdict(facts({ endsAt: START + 15 * MIN, graceMinutes: 30, now: START + 31 * MIN }))).toMatchObject({ releasedAt: START + 15 * MIN });
  });
});

describe('the overrun decision', () => {
  const TOL = 5 * MIN;
  it('is an overrun when the room stayed occupied from before the end until past the tolerance', () => {
    expect(overran([[START + 5 * MIN, END + 7 * MIN]], END, TOL, END + 8 * MIN)).toBe(true);
    expect(overran([[START + 5 * MIN, END + 6 * MIN]], END, TOL, END + 6 * MIN)).toBe(true); // still open: runs to now
  });

  it('is not one when they left within the tolerance, when the room emptied at the end, or before the tolerance has passed', () => {
    expect(overran([[START + 5 * MIN, END + 4 * MIN]], END, TOL, END + 10 * MIN)).toBe(false);
    expect(overran([[START + 5 * MIN, END]], END, TOL, END + 10 * MIN)).toBe(false);
    expect(overran([[START + 5 * MIN, END + 60 * MIN]], END, TOL, END + 4 * MIN)).toBe(false);
  });

  it('is not one when the occupancy began after the end: that is the next party arriving', () => {
    expect(overran([[START, END - MIN], [END + MIN, END + 30 * MIN]], END, TOL, END + 10 * MIN)).toBe(false);
  });
});
