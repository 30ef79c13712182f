import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AccessModule } from '../access/module.js';
import type { Building } from '../building/schema.js';
import { DeskService } from '../desks/service.js';
import { NetworkUsage } from '../network/usage.js';
import { CutoffJob } from './cutoff-job.js';
import { PresenceSessions } from './sessions.js';

export interface LiveBuilding {
  sessions: PresenceSessions;
  desks: DeskService;
  network: NetworkUsage;
  cutoff: CutoffJob;
  /** Runs the cut-off now: those without signals are checked out and leave the zone counts. */
  runCutoff(at: number): number[];
  start(): void;
  stop(): void;
}

/**
 * Who is in the building and what they use: presence sessions from the main entrance's badges,
 * fused with desk and network signals at the nightly cut-off; desk states; network usage.
 */
export function createLiveBuilding(deps: {
  building: Building; sqlite: Database.Database; access: AccessModule; clock: () => number; logger: Logger;
  isOnline: (deviceId: string) => boolean; cutoffAt: string;
  onThroughput?: (meterId: string, bitsPerS: number, at: number) => void;
  /** after the cut-off moved people out of the zones, so live counts follow */
  onCheckedOut?: () => void;
}): LiveBuilding {
  const { building, sqlite, access, clock, logger } = deps;
  const sessions = new PresenceSessions({ sqlite });
  const desks = new DeskService({ sqlite, building, isOnline: deps.isOnline });
  const network = new NetworkUsage({
    sqlite, building, logger, onSignal: (personId, at) => sessions.signal(personId, at),
    ...(deps.onThroughput === undefined ? {} : { onThroughput: deps.onThroughput }),
  });

  // The person of a desk is the latest to check in at it (within a day): their desk's occupancy,
  // while its sensor is online, is a sign of them.
  const holder = sqlite.prepare('SELECT person_id AS p, at FROM desk_checkins WHERE desk_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT 1');
  const deskOf = sqlite.prepare('SELECT desk_id AS d FROM desk_checkins WHERE person_id = ? AND at >= ? ORDER BY at DESC, id DESC');
  const stillActive = (personId: number, at: number): boolean => {
    if (network.active(personId, at)) return true;
    const session = sessions.openSessions().find((s) => s.personId === personId);
    const since = session?.startedAt ?? at;
    return (deskOf.all(personId, since) as Array<{ d: string }>).some(({ d }) => {
      const h = holder.get(d, since) as { p: number } | undefined;
      return h?.p === personId && desks.view(d)?.status === 'occupied';
    });
  };
  const runCutoff = (at: number): number[] => {
    const out = sessions.cutoff((p) => stillActive(p, at));
    if (out.length > 0) logger.info({ checkedOut: out.length }, 'people checked out at the cut-off');
    deps.onCheckedOut?.();
    return out;
  };
  const cutoff = new CutoffJob({ sqlite, timeZone: building.site.timeZone, at: deps.cutoffAt, clock, logger, run: runCutoff });

  // Entries and exits through the building's outer doors open and close sessions; inner doors are signs of life.
  access.service.onEvent((e) => {
    if (e.type !== 'passage' || e.personId === null) return;
    if (e.fromZone === 'outside') sessions.entered(e.personId, e.at);
    else if (e.toZone === 'outside') sessions.left(e.personId, e.at);
    else sessions.signal(e.personId, e.at);
  });
  // Anyone checked out other than by badging out (cut-off, correction) leaves the zone counts for good.
  sessions.onChange((c) => {
    if (c.present || c.reason === 'exit') return;
    access.service.checkOut(c.personId, c.at);
    deps.onCheckedOut?.();
  });
  desks.onChange((d) => {
    if (d.changedAt === null) return;
    const h = holder.get(d.deskId, d.changedAt - 24 * 3_600_000) as { p: number } | undefined;
    if (h !== undefined) sessions.signal(h.p, d.changedAt); // sitting down and getting up are both signs of them
  });

  return {
    sessions, desks, network, cutoff, runCutoff,
    start: () => {
      sessions.start();
      desks.start();
      network.start();
      cutoff.start();
    },
    stop: () => cutoff.stop(),
  };
}
