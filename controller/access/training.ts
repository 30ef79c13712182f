/**
 * Trainees follow their sessions' timetable rather than a weekly schedule: a trainee may enter
 * the session's room from `marginMs` before it starts (to settle in) until it ends, [start −
 * margin, end). No margin after the end: leaving needs no badge (egress always opens), and a
 * late arrival after the session has ended has no reason to come in.
 * Sessions are absolute instants already, so no time zone is involved.
 */
import type { Interval, TrainingSession } from './model.js';
import { clip, union } from './schedule.js';

function attends(s: TrainingSession, personId: number, zoneId: string): boolean {
  return s.zoneId === zoneId && s.traineeIds.includes(personId);
}

/** May this trainee enter this zone at this instant because of one of their sessions? */
export function trainingOpen(
  sessions: readonly TrainingSession[], personId: number, zoneId: string, epochMs: number, marginMs: number,
): boolean {
  return sessions.some((s) => attends(s, personId, zoneId) && epochMs >= s.startsAt - marginMs && epochMs < s.endsAt);
}

/** The same, as sorted merged intervals within [fromMs, toMs), for the readers' allow-lists. */
export function trainingIntervals(
  sessions: readonly TrainingSession[], personId: number, zoneId: string, fromMs: number, toMs: number, marginMs: number,
): Interval[] {
  const own: Interval[] = sessions.filter((s) => attends(s, personId, zoneId)).map((s) => [s.startsAt - marginMs, s.endsAt]);
  return clip(union(own), fromMs, toMs);
}
