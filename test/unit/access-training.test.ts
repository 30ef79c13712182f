import { describe, expect, it } from 'vitest';
import type { TrainingSession } from '../../controller/access/model.js';
import { trainingIntervals, trainingOpen } from '../../controller/access/training.js';

const at = (iso: string) => Date.parse(iso);
const HALF_HOUR = 30 * 60_000;
const sessions: TrainingSession[] = [
  { id: 1, zoneId: 'lab', name: 'Soudure (matin)', startsAt: at('2026-05-12T08:00:00Z'), endsAt: at('2026-05-12T12:00:00Z'), traineeIds: [7, 8] },
  { id: 2, zoneId: 'lab', name: 'Soudure (après-midi)', startsAt: at('2026-05-12T13:00:00Z'), endsAt: at('2026-05-12T17:00:00Z'), traineeIds: [7] },
  { id: 3, zoneId: 'hall', name: 'Conférence', startsAt: at('2026-05-13T08:00:00Z'), endsAt: at('2026-05-13T10:00:00Z'), traineeIds: [7] },
];

describe('trainingOpen', () => {
  it.each([
    ['2026-05-12T07:29:59.999Z', 7, 'lab', false], // just before the margin
    ['2026-05-12T07:30:00Z', 7, 'lab', true], // 30 min before the start
    ['2026-05-12T11:59:59.999Z', 7, 'lab', true],
    ['2026-05-12T12:00:00Z', 7, 'lab', false], // the end is exclusive, no margin after
    ['2026-05-12T12:15:00Z', 7, 'lab', false], // between sessions
    ['2026-05-12T12:30:00Z', 7, 'lab', true], // margin of the afternoon session
    ['2026-05-12T12:30:00Z', 8, 'lab', false], // 8 is not in the afternoon session
    ['2026-05-12T09:00:00Z', 9, 'lab', false], // not a trainee of any
    ['2026-05-12T09:00:00Z', 7, 'hall', false], // wrong room at that time
    ['2026-05-13T07:45:00Z', 7, 'hall', true],
  ] as const)('%s, person %i, %s: %s', (iso, person, zone, expected) => {
    expect(trainingOpen(sessions, person, zone, at(iso), HALF_HOUR)).toBe(expected);
  });
});

describe('trainingIntervals', () => {
  const day = [at('2026-05-12T00:00:00Z'), at('2026-05-13T00:00:00Z')] as const;

  it('gives each session from its margin to its end', () => {
    expect(trainingIntervals(sessions, 7, 'lab', ...day, HALF_HOUR)).toEqual([
      [at('2026-05-12T07:30:00Z'), at('2026-05-12T12:00:00Z')],
      [at('2026-05-12T12:30:00Z'), at('2026-05-12T17:00:00Z')],
    ]);
  });

  it('merges sessions whose margin touches the previous end', () => {
    expect(trainingIntervals(sessions, 7, 'lab', ...day, 2 * HALF_HOUR)).toEqual([
      [at('2026-05-12T07:00:00Z'), at('2026-05-12T17:00:00Z')],
    ]);
  });

  it('clips to the range and ignores other people and rooms', () => {
    expect(trainingIntervals(sessions, 7, 'lab', at('2026-05-12T10:00:00Z'), at('2026-05-12T14:00:00Z'), HALF_HOUR)).toEqual([
      [at('2026-05-12T10:00:00Z'), at('2026-05-12T12:00:00Z')],
      [at('2026-05-12T12:30:00Z'), at('2026-05-12T14:00:00Z')],
    ]);
    expect(trainingIntervals(sessions, 9, 'lab', ...day, HALF_HOUR)).toEqual([]);
    expect(trainingIntervals(sessions, 7, 'hall', ...day, HALF_HOUR)).toEqual([]);
    expect(trainingIntervals([], 7, 'lab', ...day, HALF_HOUR)).toEqual([]);
  });
});
