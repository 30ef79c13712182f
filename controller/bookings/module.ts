import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AuditFn } from '../auth/audit.js';
import type { Building } from '../building/schema.js';
import { EvidenceReader } from './evidence.js';
import { FeedTokens } from './feeds.js';
import { icalDefaults } from './ical-defaults.js';
import type { BookingEvent } from './model.js';
import { NoShowJob } from './no-show.js';
import { OverrunJob } from './overrun.js';
import { BookingPeople } from './people.js';
import { ResourceCatalog } from './resources.js';
import { BookingService } from './service.js';
import { BookingStore } from './store.js';

export interface BookingNotice { id: number; bookingId: number; resourceId: string; kind: 'overrun'; at: number; detail: string }

export interface BookingModule {
  catalog: ResourceCatalog;
  store: BookingStore;
  people: BookingPeople;
  service: BookingService;
  feeds: FeedTokens;
  noShow: NoShowJob;
  overrun: OverrunJob;
  timeZone: string;
  onEvent(listener: (e: BookingEvent) => void): void;
  notices(limit: number): BookingNotice[];
  /** The iCalendar text of a feed, or undefined for a token that opens none. */
  feed(token: string): Promise<string | undefined>;
  /** Runs both jobs now (tests, and the start). */
  runJobs(now?: number): void;
  start(): void;
  stop(): void;
}

/**
 * Bookings of rooms and desks: the rules of the building file, the service behind the API, the
 * no-show and overrun jobs, and the iCalendar feeds. Access control is told of every change
 * through `changed` (its state reload and allow-list deltas); the live stream through onEvent.
 */
export function createBookingModule(deps: {
  building: Building; sqlite: Database.Database; audit: AuditFn; clock: () => number; logger: Logger;
  /** The access module's change path: reloads its state and sends the readers their deltas. */
  changed: () => void;
  isOnline: (deviceId: string) => boolean;
}): BookingModule {
  const { building, sqlite, audit, clock } = deps;
  const logger = deps.logger.child({ module: 'bookings' });
  const timeZone = building.site.timeZone;
  const listeners: Array<(e: BookingEvent) => void> = [];
  const emit = (e: BookingEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        logger.error({ err }, 'booking event listener failed');
      }
    }
  };
  const catalog = new ResourceCatalog(building);
  const store = new BookingStore(sqlite);
  const people = new BookingPeople(sqlite);
  const evidence = new EvidenceReader(sqlite);
  const service = new BookingService({ sqlite, catalog, people, store, timeZone, audit, clock, changed: deps.changed, emit });
  const noShow = new NoShowJob({ sqlite, catalog, store, evidence, audit, clock, logger, isOnline: deps.isOnline, changed: deps.changed, emit });
  const overrun = new OverrunJob({ sqlite, catalog, evidence, timeZone, clock, logger, emit });
  const feeds = new FeedTokens({ sqlite, audit, clock });
  const noticeList = sqlite.prepare(`SELECT id, booking_id AS bookingId, resource_id AS resourceId, kind, at, detail
    FROM booking_notices ORDER BY at DESC, id DESC LIMIT ?`);
  const runJobs = (now = clock()) => {
    noShow.run(now);
    overrun.run(now);
  };
  return {
    catalog, store, people, service, feeds, noShow, overrun, timeZone, runJobs,
    onEvent: (listener) => {
      listeners.push(listener);
    },
    notices: (limit) => noticeList.all(limit) as BookingNotice[],
    feed: async (token) => {
      const resource = catalog.get(feeds.resourceOf(token) ?? '');
      if (resource === undefined) return undefined;
      // ical-generator is loaded on the first feed asked for: about 2 MB the idle controller does without.
      const { renderFeed } = await import('./ical.js');
      const now = clock();
      const bookings = store.list({ resourceId: resource.id, from: now - icalDefaults.pastDays * 86_400_000, limit: 5_000 });
      return renderFeed(resource, bookings, { siteId: building.site.id, siteName: building.site.name, now });
    },
    start: () => {
      feeds.ensure(catalog.rooms().map((r) => r.id));
      noShow.start();
      overrun.start();
    },
    stop: () => {
      noShow.stop();
      overrun.stop();
    },
  };
}
