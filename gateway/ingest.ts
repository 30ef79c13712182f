import type { Logger } from 'pino';
import type { EventStore, IngestRecord, IngestResult } from '../controller/events/event-store.js';
import { parseTopic, parseUplink, type UplinkKind, type UplinkPayloads } from './protocol/index.js';
import { GroupCommitter } from '../controller/db/group-commit.js';
import type { DeferredDurability } from '../controller/db/wal-fsync.js';

/** A valid uplink as it arrives, not yet stored. */
export type ArrivingUplink = {
  [K in UplinkKind]: { deviceId: string; kind: K; payload: UplinkPayloads[K]; receivedAt: number };
}[UplinkKind];

/** A valid uplink once stored, with its event id. */
export type AcceptedUplink = ArrivingUplink & { id: number };

/** The controller services that act on uplinks once they are durable. */
export interface UplinkConsumer {
  onUplink(uplink: AcceptedUplink): void;
  /**
   * A valid uplink as it arrives, before it is stored (it may yet prove a duplicate): for the
   * answers that must not wait for the disk, such as a door's access decision. The uplink's
   * PUBACK still waits for the commit.
   */
  beforeCommit?(uplink: ArrivingUplink): void;
}

export interface RawUplink {
  /** The identity the broker authenticated (embedded) or the topic names (external broker, whose ACL vouches for it). */
  deviceId: string;
  topic: string;
  payload: Buffer;
  receivedAt: number;
}

type Queued = { record: IngestRecord; accepted?: ArrivingUplink };

/**
 * Validates every uplink, stores it once per (device, boot, seq) in a group commit, and only then
 * resolves, so the broker's PUBACK means "in SQLite". Anything malformed is stored as a dead
 * letter and acknowledged too: refusing it would make a QoS 1 device resend the poison forever.
 */
export class UplinkIngest {
  readonly #committer: GroupCommitter<Queued, IngestResult>;
  #counts = { stored: 0, duplicate: 0, deadLettered: 0 };

  constructor(private readonly deps: {
    store: EventStore; consumer: UplinkConsumer; logger: Logger; maxBatch?: number;
    /** Commits synced off the event loop (WalFsync); without it each commit syncs as the connection says. */
    durability?: DeferredDurability;
  }) {
    const { maxBatch, durability } = deps;
    this.#committer = new GroupCommitter((items) => this.#commit(items), {
      ...(maxBatch === undefined ? {} : { maxBatch }),
      ...(durability === undefined ? {} : { durable: () => durability.durable(), heldUntil: () => durability.heldUntil() }),
    });
  }

  accept(raw: RawUplink): Promise<IngestResult> {
    const queued = this.#classify(raw);
    if (queued.accepted !== undefined && this.deps.consumer.beforeCommit !== undefined) {
      try {
        this.deps.consumer.beforeCommit(queued.accepted);
      } catch (err) {
        this.deps.logger.error({ err, deviceId: raw.deviceId, kind: queued.accepted.kind }, 'uplink early consumer failed');
      }
    }
    return this.#committer.submit(queued);
  }

  get counts(): Readonly<{ stored: number; duplicate: number; deadLettered: number }> {
    return this.#counts;
  }

  /** Commits whatever is queued; called on stop so nothing accepted is left in memory. */
  flush(): void {
    this.#committer.flush();
  }

  #classify(raw: RawUplink): Queued {
    const dead = (reason: string): Queued => ({
      record: { type: 'dead', deviceId: raw.deviceId, topic: raw.topic, reason, payload: raw.payload, receivedAt: raw.receivedAt },
    });
    const topic = parseTopic(raw.topic);
    if (topic === null || topic.direction !== 'up') return dead('not an uplink topic of protocol v1');
    if (topic.deviceId !== raw.deviceId) return dead(`topic belongs to device ${topic.deviceId}`);
    const parsed = parseUplink(topic.kind, raw.payload);
    if (!parsed.ok) return dead(parsed.reason);
    const payload = parsed.value;
    if (payload.deviceId !== raw.deviceId) return dead(`payload deviceId ${payload.deviceId} does not match the sender`);
    return {
      record: {
        type: 'event', deviceId: raw.deviceId, bootId: payload.bootId, seq: payload.seq, kind: topic.kind,
        deviceTs: payload.ts, receivedAt: raw.receivedAt, payload: raw.payload.toString('utf8'),
      },
      accepted: { deviceId: raw.deviceId, kind: topic.kind, payload, receivedAt: raw.receivedAt } as ArrivingUplink,
    };
  }

  #commit(items: Queued[]): IngestResult[] {
    const commit = (): IngestResult[] => this.deps.store.inTransaction(() => this.#storeAndHandOver(items));
    return this.deps.durability === undefined ? commit() : this.deps.durability.commitDeferred(commit);
  }

  #storeAndHandOver(items: Queued[]): IngestResult[] {
    const results = this.deps.store.storeBatch(items.map((q) => q.record));
    // Hand the new uplinks to the controller services, in arrival order, inside the same commit:
    // what they write is durable with the uplinks, and a service error is contained below.
    results.forEach((result, i) => {
      const item = items[i] as Queued;
      if (result.status === 'duplicate') {
        this.#counts.duplicate++;
      } else if (result.status === 'dead-lettered') {
        this.#counts.deadLettered++;
        const r = item.record as Extract<IngestRecord, { type: 'dead' }>;
        this.deps.logger.warn({ deviceId: r.deviceId, topic: r.topic, reason: r.reason }, 'uplink dead-lettered');
      } else {
        this.#counts.stored++;
        if (item.accepted === undefined) return;
        try {
          this.deps.consumer.onUplink({ ...item.accepted, id: result.id } as AcceptedUplink);
        } catch (err) {
          this.deps.logger.error({ err, deviceId: item.accepted.deviceId, kind: item.accepted.kind }, 'uplink consumer failed');
        }
      }
    });
    return results;
  }
}
