import type { Logger } from 'pino';
import type { AccessEvent } from '../access/ports.js';
import type { BookingEvent } from '../bookings/model.js';
import type { Building } from '../building/schema.js';
import type { PresenceChange } from '../devices/presence.js';
import { LiveClient, type LiveSocket } from './client.js';
import { fromAccessEvent, fromBookingEvent, seedFromSources, type LiveSources, type NewEvent, type NewPublicEvent } from './feed.js';
import type {
  LiveAudience, LiveEvent, PublicChange, PublicDelta, PublicEvent, PublicSnapshot, StaffChange, StaffDelta, StaffSnapshot,
} from './messages.js';
import { LIVE_CLOSE, LIVE_PROTOCOL_VERSION } from './messages.js';
import { LiveModel, modelDefaults, type DeskPatch, type ModelOptions } from './model.js';
import { PendingFrame } from './pending.js';

export const hubDefaults = {
  minIntervalMs: 100, // at most one frame per client per 100 ms
  lagBytes: 256 * 1024, // 256 KiB unsent on a socket: its frames wait, merged, instead of being written
  maxBufferedBytes: 4 * 1024 * 1024, // 4 MiB unsent on a socket: the client is dropped at once
  maxFrameEvents: 500, // events in one frame: beyond, the oldest are left out (and counted in the frame)
  maxPendingEvents: 2_000, // events waiting for one client that is behind: beyond, the client is dropped
  maxLagMs: 10_000, // 10 s held back: the client is dropped
  closeGraceMs: 2_000, // 2 s for a dropped client to answer the close before its socket is destroyed
  recentEvents: 50, // events in the snapshot, for the feed's first paint
  heartbeatIntervalMs: 30_000, // 30 s between pings; a client that misses one is dropped
  revalidateIntervalMs: 60_000, // 1 minute between checks that each staff session still holds
  maxStaffClients: 2_000,
  maxPublicClients: 1_000,
};
export type HubOptions = typeof hubDefaults & ModelOptions;
export type { LiveSources } from './feed.js';

export interface LiveHubDeps {
  building: Building;
  /** milliseconds since the epoch: the time of the frames and of the changes that come without one */
  clock: () => number;
  logger: Logger;
  sources?: LiveSources;
  options?: Partial<HubOptions>;
  /** milliseconds, monotonic: paces the frames (tests with fake timers pass Date.now) */
  monotonic?: () => number;
}

type StaffClient = LiveClient<StaffChange, LiveEvent>;
type PublicClient = LiveClient<PublicChange, PublicEvent>;

/**
 * The live stream's hub: keeps the building's current state (zones, doors, devices, desks, open
 * alarms), is told of every change by the composition root, and sends each connected client a
 * snapshot then deltas, at most one frame per `minIntervalMs`, every client of an audience
 * sharing one serialized frame. A client that cannot keep up is dropped, never buffered without
 * limit (see LiveClient).
 */
export class LiveHub {
  readonly #opts: HubOptions;
  readonly #model: LiveModel;
  readonly #mono: () => number;
  readonly #staff = new Set<StaffClient>();
  readonly #public = new Set<PublicClient>();
  #pendingStaff: PendingFrame<StaffChange, LiveEvent>;
  #pendingPublic: PendingFrame<PublicChange, PublicEvent>;
  #recent: LiveEvent[] = [];
  #eventSeq = 0;
  #staffSeq = 0;
  #publicSeq = 0;
  #nextClientId = 1;
  #dropped = 0;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  #started = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #revalidateTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: LiveHubDeps) {
    this.#opts = { ...hubDefaults, ...modelDefaults, ...deps.options };
    this.#model = new LiveModel(deps.building, this.#opts);
    this.#mono = deps.monotonic ?? (() => performance.now());
    this.#pendingStaff = new PendingFrame(this.#opts.maxFrameEvents);
    this.#pendingPublic = new PendingFrame(this.#opts.maxFrameEvents);
  }

  /** Reads the starting state from the sources and starts the heartbeat. */
  start(): void {
    if (this.#started) return;
    const at = this.deps.clock();
    const changes = seedFromSources(this.#model, this.deps.sources, at);
    this.#model.publicChanges(changes);
    // No client could connect yet: what changed before now is in the state, not owed to anyone.
    this.#pendingStaff.take(0, at);
    this.#pendingPublic.take(0, at);
    this.#started = true;
    this.#heartbeatTimer = setInterval(() => this.#heartbeat(), this.#opts.heartbeatIntervalMs);
    this.#heartbeatTimer.unref();
    this.#revalidateTimer = setInterval(() => this.#revalidate(), this.#opts.revalidateIntervalMs);
    this.#revalidateTimer.unref();
  }

  /** Closes every client (1001), waits up to `closeGraceMs` for them to go, then destroys the rest. */
  async stop(): Promise<void> {
    this.#started = false;
    for (const timer of [this.#flushTimer, this.#heartbeatTimer, this.#revalidateTimer]) if (timer !== undefined) clearTimeout(timer);
    this.#flushTimer = this.#heartbeatTimer = this.#revalidateTimer = undefined;
    for (const c of [...this.#staff, ...this.#public]) c.drop(LIVE_CLOSE.goingAway, 'server stopping');
    if (this.#staff.size + this.#public.size === 0) return;
    const deadline = this.#mono() + this.#opts.closeGraceMs;
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (this.#staff.size + this.#public.size > 0 && this.#mono() < deadline) return;
        clearInterval(poll);
        resolve();
      }, 10); // 10 ms
    });
    for (const c of [...this.#staff, ...this.#public]) c.terminate();
    this.#staff.clear();
    this.#public.clear();
  }

  // ---- what the composition root feeds in ----

  accessEvent(e: AccessEvent): void {
    const { changes, event } = fromAccessEvent(this.#model, e, this.deps.sources);
    this.#update(changes, event);
  }

  /** A booking changed (both streams, anonymous on the public one) or a notice was raised (staff only). */
  bookingEvent(e: BookingEvent): void {
    const { event, publicEvent } = fromBookingEvent(e);
    this.#update([], event, publicEvent);
  }

  devicePresence(change: PresenceChange): void {
    const { deviceId, online, reason, at } = change;
    this.#update(this.#model.setDevice(deviceId, online, at), { type: 'device', at, deviceId, online, reason });
  }

  setZoneOccupancy(zoneId: string, count: number): void {
    this.#update(this.#model.setZoneOccupancy(zoneId, count));
  }

  /** Re-reads every zone's count from `sources.occupancy`: after a change that emits no passage (the nightly cut-off, a correction). */
  refreshOccupancy(): void {
    const occupancy = this.deps.sources?.occupancy;
    if (occupancy !== undefined) this.#update(this.#model.zoneIds().flatMap((z) => this.#model.setZoneOccupancy(z, occupancy(z))));
  }

  /** A meter's throughput (the building uplink's), in bits per second. */
  setThroughput(meterId: string, bitsPerS: number, at = this.deps.clock()): void {
    this.#update(this.#model.setThroughput(meterId, bitsPerS, at));
  }

  /** A desk's sensor state (desk service): occupancy, battery, online; fields left out are kept. */
  setDesk(deskId: string, patch: DeskPatch, at = this.deps.clock()): void {
    this.#update(this.#model.setDesk(deskId, patch, at));
  }

  // ---- what the routes use ----

  snapshot(): StaffSnapshot {
    return { type: 'snapshot', v: LIVE_PROTOCOL_VERSION, seq: this.#staffSeq, at: this.deps.clock(), state: { ...this.#model.staffState(), recent: [...this.#recent] } };
  }

  publicSnapshot(): PublicSnapshot {
    return { type: 'snapshot', v: LIVE_PROTOCOL_VERSION, seq: this.#publicSeq, at: this.deps.clock(), state: this.#model.publicState() };
  }

  /** Whether one more client of the audience is welcome; the route answers 503 otherwise. */
  canAccept(audience: LiveAudience): boolean {
    return this.#started && (audience === 'staff' ? this.#staff.size < this.#opts.maxStaffClients : this.#public.size < this.#opts.maxPublicClients);
  }

  /** An upgraded connection: it gets its snapshot at once, then deltas until it closes. */
  addClient(socket: LiveSocket, audience: LiveAudience, authorized?: () => boolean): void {
    if (socket.readyState !== 1) return; // already gone: its close event will not come again
    const onDrop = (c: { id: number; audience: LiveAudience }, code: number, reason: string) => {
      this.#dropped += 1;
      this.deps.logger.warn({ client: c.id, audience: c.audience, code, reason }, 'live client dropped');
    };
    const id = this.#nextClientId++;
    if (audience === 'staff') {
      this.#attach(this.#staff, new LiveClient<StaffChange, LiveEvent>(id, audience, socket, this.#opts, this.#eventSeq, onDrop, authorized), socket);
    } else {
      this.#attach(this.#public, new LiveClient<PublicChange, PublicEvent>(id, audience, socket, this.#opts, this.#eventSeq, onDrop, authorized), socket);
    }
  }

  stats(): { staff: number; public: number; dropped: number; seq: number } {
    return { staff: this.#staff.size, public: this.#public.size, dropped: this.#dropped, seq: this.#staffSeq };
  }

  // ---- inside ----

  #attach<C extends StaffClient | PublicClient>(set: Set<C>, client: C, socket: LiveSocket): void {
    set.add(client);
    socket.on('close', () => {
      set.delete(client);
      client.dispose();
    });
    socket.on('pong', () => {
      client.alive = true;
    });
    const snapshot = client.audience === 'staff' ? this.snapshot() : this.publicSnapshot();
    client.sendSnapshot(Buffer.from(JSON.stringify(snapshot)), this.#mono());
  }

  #update(changes: StaffChange[], event?: NewEvent, publicEvent?: NewPublicEvent): void {
    for (const c of changes) this.#pendingStaff.change(c);
    for (const c of this.#model.publicChanges(changes)) this.#pendingPublic.change(c);
    if (event !== undefined) {
      const e: LiveEvent = { ...event, seq: ++this.#eventSeq };
      this.#recent.push(e);
      if (this.#recent.length > this.#opts.recentEvents) this.#recent.shift();
      this.#pendingStaff.event(e);
      // The same number on both streams: one counter, so a public client's floor works as a staff one's.
      if (publicEvent !== undefined) this.#pendingPublic.event({ ...publicEvent, seq: e.seq });
    }
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#started || this.#flushTimer !== undefined) return;
    if (this.#pendingStaff.isEmpty && this.#pendingPublic.isEmpty) return;
    this.#scheduleIn(this.#lastFlushAt + this.#opts.minIntervalMs - this.#mono());
  }

  #scheduleIn(ms: number): void {
    // Clamped both ways: a clock that jumps must not stall the stream.
    const wait = Math.min(this.#opts.minIntervalMs, Math.max(0, ms));
    this.#flushTimer = setTimeout(() => this.#flush(), wait);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const now = this.#mono();
    this.#lastFlushAt = now;
    const at = this.deps.clock();
    let staff: StaffDelta | null = null;
    let pub: PublicDelta | null = null;
    if (!this.#pendingStaff.isEmpty) staff = this.#pendingStaff.take(++this.#staffSeq, at);
    if (!this.#pendingPublic.isEmpty) pub = this.#pendingPublic.take(++this.#publicSeq, at);
    const staffJson = staff === null ? null : Buffer.from(JSON.stringify(staff));
    const pubJson = pub === null ? null : Buffer.from(JSON.stringify(pub));
    let behind = false;
    for (const c of this.#staff) behind = c.offer(staff, staffJson, now) || behind;
    for (const c of this.#public) behind = c.offer(pub, pubJson, now) || behind;
    if (behind && this.#started) this.#scheduleIn(this.#opts.minIntervalMs);
  }

  #heartbeat(): void {
    for (const c of [...this.#staff, ...this.#public]) c.heartbeat();
  }

  #revalidate(): void {
    for (const c of this.#staff) {
      if (c.closing) continue;
      let ok = false;
      try {
        ok = c.authorized();
      } catch (err) {
        this.deps.logger.error({ err }, 'live session check failed');
      }
      if (!ok) c.drop(LIVE_CLOSE.sessionEnded, 'session ended');
    }
  }
}
