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
}): LiveBuilding {
  const { building, sqlite, access, clock, logger } = deps;
  const sessions = new PresenceSessions({ sqlite });
  const desks = new DeskService({ sqlite, building, isOnline: deps.isOnline });
  const network = new NetworkUsage({ sqlite, building, logger, onSignal: (personId, at) => sessions.signal(personId, at) });

  // Today's desk check-ins: a person whose checked-in desk is occupied is still here.
  const checkedInDesks = sqlite.prepare('SELECT DISTINCT desk_id AS d FROM desk_checkins WHERE person_id = ? AND at >= ?');
  const stillActive = (personId: number, at: number): boolean => {
    if (network.active(personId, at)) return true;
    const rows = checkedInDesks.all(personId, at - 24 * 3_600_000) as Array<{ d: string }>;
    return rows.some((r) => desks.occupied(r.d));
  };
  const runCutoff = (at: number): number[] => {
    const out = sessions.cutoff((p) => stillActive(p, at));
    for (const personId of out) {
      access.state.moveTo(personId, 'outside');
      access.state.setPassback(personId, { side: 'outside', at });
    }
    if (out.length > 0) logger.info({ checkedOut: out.length }, 'people checked out at the cut-off');
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
  desks.onChange((d) => {
    if (!d.occupied) return;
    const people = sqlite.prepare('SELECT DISTINCT person_id AS p FROM desk_checkins WHERE desk_id = ? AND at >= ?')
      .all(d.deskId, clock() - 24 * 3_600_000) as Array<{ p: number }>;
    for (const { p } of people) sessions.signal(p, d.changedAt ?? clock());
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
