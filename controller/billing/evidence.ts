import type Database from 'better-sqlite3';
import { addDays, dayToDate, localToEpoch } from '../access/local-time.js';
import type { StoredInvoice } from './ledger/index.js';
import { HOUR_MS } from './run/usage.js';

/** What one usage record behind an invoice line was, and the device events behind it. */
export type EvidenceItem =
  | { kind: 'presence_session'; id: number; personId: number; startedAt: number; endedAt: number | null; endReason: string | null;
    passages: Array<{ id: number; at: number; doorId: string; fromZone: string; toZone: string; decisionId: number; eventId: number | null }>;
    deskCheckins: Array<{ deskId: string; at: number }> }
  | { kind: 'booking'; id: number; resourceId: string; startsAt: number; endsAt: number; status: string; releasedAt: number | null; releaseEvidence: unknown }
  | { kind: 'net_hourly'; id: number; personId: number | null; hour: number; rxBytes: number; txBytes: number }
  | { kind: 'net_daily'; id: number; personId: number | null; date: string; hours: Array<{ hour: number; rxBytes: number; txBytes: number }> }
  | { kind: 'subscription'; id: number; planId: string; startsAt: number; endsAt: number | null }
  | { kind: 'missing'; id: number; of: string };

export interface LineEvidence { position: number; description: string; personId: number | null; records: EvidenceItem[] }

const MAX_RECORDS_PER_LINE = 500; // a month of sessions fits; more would be a page nobody reads

/**
 * The trail behind an invoice: each line's usage records (sessions, bookings, network hours,
 * subscriptions) and, behind a session, the door passages (with their access decision and the
 * badge event) and desk check-ins that made it.
 */
export function invoiceEvidence(sqlite: Database.Database, invoice: StoredInvoice, timeZone: string): LineEvidence[] {
  const q = {
    session: sqlite.prepare('SELECT id, person_id AS personId, started_at AS startedAt, ended_at AS endedAt, end_reason AS endReason FROM presence_sessions WHERE id = ?'),
    passages: sqlite.prepare(`SELECT p.id, p.at, p.door_id AS doorId, p.from_zone AS fromZone, p.to_zone AS toZone, p.decision_id AS decisionId, d.event_id AS eventId
      FROM passages p LEFT JOIN access_decisions d ON d.id = p.decision_id WHERE p.person_id = ? AND p.at >= ? AND p.at <= ? ORDER BY p.at LIMIT 50`),
    checkins: sqlite.prepare('SELECT desk_id AS deskId, at FROM desk_checkins WHERE person_id = ? AND at >= ? AND at <= ? ORDER BY at LIMIT 20'),
    booking: sqlite.prepare(`SELECT id, resource_id AS resourceId, starts_at AS startsAt, ends_at AS endsAt, status, released_at AS releasedAt,
      release_evidence AS releaseEvidence FROM bookings WHERE id = ?`),
    net: sqlite.prepare(`SELECT rx_bytes AS rxBytes, tx_bytes AS txBytes FROM net_usage_hourly WHERE subject_type = 'person' AND subject_id = ? AND hour = ?`),
    netDay: sqlite.prepare(`SELECT hour, rx_bytes AS rxBytes, tx_bytes AS txBytes FROM net_usage_hourly
      WHERE subject_type = 'person' AND subject_id = ? AND hour >= ? AND hour < ? ORDER BY hour`),
    subscription: sqlite.prepare('SELECT id, plan_id AS planId, starts_at AS startsAt, ends_at AS endsAt FROM subscriptions WHERE id = ?'),
  };
  return invoice.lines.map((line) => ({
    position: line.position, description: line.description, personId: line.personId,
    records: line.evidence.slice(0, MAX_RECORDS_PER_LINE).map((e): EvidenceItem => {
      const missing: EvidenceItem = { kind: 'missing', id: e.id, of: e.kind };
      if (e.kind === 'presence_session') {
        const s = q.session.get(e.id) as Omit<Extract<EvidenceItem, { kind: 'presence_session' }>, 'kind' | 'passages' | 'deskCheckins'> | undefined;
        if (s === undefined) return missing;
        const until = s.endedAt ?? s.startedAt;
        return {
          kind: 'presence_session', ...s,
          passages: q.passages.all(s.personId, s.startedAt - 60_000, until + 60_000) as Extract<EvidenceItem, { kind: 'presence_session' }>['passages'],
          deskCheckins: q.checkins.all(s.personId, s.startedAt, until) as Array<{ deskId: string; at: number }>,
        };
      }
      if (e.kind === 'booking') {
        const b = q.booking.get(e.id) as (Omit<Extract<EvidenceItem, { kind: 'booking' }>, 'kind' | 'releaseEvidence'> & { releaseEvidence: string | null }) | undefined;
        return b === undefined ? missing : { kind: 'booking', ...b, releaseEvidence: b.releaseEvidence === null ? null : JSON.parse(b.releaseEvidence) as unknown };
      }
      if (e.kind === 'net_hourly') {
        const hour = e.id * HOUR_MS;
        const n = line.personId === null ? undefined : q.net.get(String(line.personId), hour) as { rxBytes: number; txBytes: number } | undefined;
        return n === undefined ? missing : { kind: 'net_hourly', id: e.id, personId: line.personId, hour, ...n };
      }
      if (e.kind === 'net_daily') {
        if (line.personId === null) return missing;
        const date = dayToDate(e.id);
        const hours = q.netDay.all(String(line.personId), localToEpoch(date, 0, timeZone), localToEpoch(addDays(date, 1), 0, timeZone)) as
          Array<{ hour: number; rxBytes: number; txBytes: number }>;
        return { kind: 'net_daily', id: e.id, personId: line.personId, date, hours };
      }
      const s = q.subscription.get(e.id) as Omit<Extract<EvidenceItem, { kind: 'subscription' }>, 'kind'> | undefined;
      return s === undefined ? missing : { kind: 'subscription', ...s };
    }),
  }));
}
