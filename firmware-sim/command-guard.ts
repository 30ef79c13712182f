import { parseDownlink, parseTopic, type DownlinkKind, type DownlinkPayloads } from '../gateway/protocol/index.js';
import type { Clock } from './clock.js';
import type { IgnoreReason } from './events.js';
import { NonceCache } from './nonce-cache.js';

/** A validated command, its kind telling the type of its payload. */
export type IncomingCommand = { [K in DownlinkKind]: { kind: K; msg: DownlinkPayloads[K] } }[DownlinkKind];

export type CommandVerdict =
  | { ok: true; command: IncomingCommand }
  | { ok: false; kind: DownlinkKind | 'unknown'; reason: IgnoreReason; detail?: string; /** set when the refusal is acknowledged */ nonce?: string };

/**
 * What stands between a downlink and a door: a command is applied only if it is for this device,
 * live (not retained), valid, not expired and not seen before. That is the protocol's promise that
 * a stale, replayed or retained command never opens a door.
 */
export class CommandGuard {
  readonly #nonces = new NonceCache();

  constructor(private readonly site: string, private readonly deviceId: string, private readonly clock: Clock) {}

  /** Forgets the nonces: at a new boot, as a device with them in RAM would. */
  reset(): void {
    this.#nonces.clear();
  }

  check(topic: string, payload: Buffer, retained: boolean): CommandVerdict {
    const parsed = parseTopic(topic);
    if (parsed?.direction !== 'down' || parsed.deviceId !== this.deviceId || parsed.site !== this.site) {
      return { ok: false, kind: 'unknown', reason: 'invalid', detail: `unexpected topic ${topic}` };
    }
    const kind = parsed.kind;
    // The retain flag set on delivery means a stored message, not a live one [MQTT-3.3.1-8]; commands are never retained.
    if (retained) return { ok: false, kind, reason: 'retained' };
    const result = parseDownlink(kind, payload);
    if (!result.ok) return { ok: false, kind, reason: 'invalid', detail: result.reason };
    // The cast pairs the kind from the topic with the payload that parseDownlink(kind) checked.
    const command = { kind, msg: result.value } as IncomingCommand;
    const { nonce, expiresAt } = command.msg;
    const now = this.clock.now();
    if (expiresAt < now) return { ok: false, kind, reason: 'expired', detail: `expired ${now - expiresAt} ms ago`, nonce };
    if (this.#nonces.seen(nonce, now)) return { ok: false, kind, reason: 'replayed', nonce };
    this.#nonces.remember(nonce, expiresAt, now);
    return { ok: true, command };
  }
}
