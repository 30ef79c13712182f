import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  deviceDownlinkFilter, downlinkTopic, isDeviceId, isSiteId, parseUplink, statusTopic, uplinkTopic, PROTOCOL_VERSION,
  type AckUplink, type DeviceStatus, type DownlinkKind, type HeartbeatUplink, type UplinkKind,
  type UplinkPayloads,
} from '../gateway/protocol/index.js';
import { backoffDefaults, type BackoffOptions } from './backoff.js';
import { systemClock, TimerSet, type Clock } from './clock.js';
import { describeEvent, silentLogger, type IgnoreReason, type SimEvent, type SimEventMap, type SimLogger } from './events.js';
import { MqttLink, type SimTlsOptions } from './link.js';
import { CommandGuard, type IncomingCommand } from './command-guard.js';

export type { IncomingCommand } from './command-guard.js';
export { BrokerRefusedError, DeviceStoppedError, UplinkDroppedError, type SimTlsOptions } from './link.js';

export interface SimDeviceOptions {
  brokerUrl: string;
  site: string;
  deviceId: string;
  secret: string;
  clock?: Clock;
  logger?: SimLogger;
  tls?: SimTlsOptions;
  heartbeatIntervalS?: number;
  maxBufferedUplinks?: number;
  /** Reconnection delays; a test shortens them. */
  reconnect?: Partial<BackoffOptions>;
  keepaliveS?: number;
  connectTimeoutMs?: number;
  stopTimeoutMs?: number;
  firmware?: string;
  /** Check each uplink against its schema before sending; a load generator may turn it off. */
  validateUplinks?: boolean;
}

export const deviceDefaults = {
  heartbeatIntervalS: 30, // 30 s between heartbeats
  maxBufferedUplinks: 10_000, // uplinks kept while offline; the oldest go first
  keepaliveS: 60, // 1 minute MQTT keepalive
  connectTimeoutMs: 10_000, // 10 s for a CONNACK
  stopTimeoutMs: 2_000, // 2 s for the last PUBACKs and the socket close at stop()
  firmware: 'firmware-sim/1',
  validateUplinks: true,
};

/** An uplink as the device code writes it: the envelope is filled in by publishUplink. */
export type UplinkFields<K extends UplinkKind> = Omit<UplinkPayloads[K], 'v' | 'deviceId' | 'bootId' | 'seq' | 'ts'>;

/** What a subclass did with a command; `ignored` counts a refusal (the ack still says 'rejected'). */
export type CommandOutcome = { result: 'done' | 'rejected'; detail?: string; ignored?: IgnoreReason };

/** Commands the device answers with an `ack` uplink; `access` is answered by the door itself. */
const ACKED_KINDS: ReadonlySet<DownlinkKind> = new Set(['door_cmd', 'allowlist']);
const MAX_SEQ = 2 ** 31 - 1; // the Seq schema's upper bound

/**
 * A simulated device: an MQTT identity, a boot (bootId, seq from 0), heartbeats, uplinks with
 * their envelope, and commands checked for retain, expiry and replay before a subclass sees them.
 * The constructor only stores options (start() and stop() do the work, as zigbee2mqtt extensions).
 */
export class SimDevice extends EventEmitter<SimEventMap> {
  readonly deviceId: string;
  readonly site: string;
  readonly stats = { uplinks: 0, heartbeats: 0, ignored: {} as Partial<Record<IgnoreReason, number>> };
  protected readonly clock: Clock;
  protected readonly timers: TimerSet;
  protected readonly logger: SimLogger;
  protected readonly options: Readonly<Required<Omit<SimDeviceOptions, 'clock' | 'logger' | 'tls' | 'reconnect'>>>;
  readonly #tls: SimTlsOptions | undefined;
  readonly #backoff: BackoffOptions;
  readonly #guard: CommandGuard;
  #link: MqttLink | null = null;
  #stopping: Promise<void> | null = null;
  #bootId: string | null = null;
  #seq = 0;
  #bootAt = 0;

  constructor(options: SimDeviceOptions) {
    super();
    if (!isDeviceId(options.deviceId)) throw new TypeError(`"${options.deviceId}" is not a device id`);
    if (!isSiteId(options.site)) throw new TypeError(`"${options.site}" is not a site id`);
    this.deviceId = options.deviceId;
    this.site = options.site;
    this.clock = options.clock ?? systemClock;
    this.timers = new TimerSet(this.clock);
    this.logger = options.logger ?? silentLogger;
    this.#tls = options.tls;
    this.#backoff = { ...backoffDefaults, ...options.reconnect };
    this.#guard = new CommandGuard(this.site, this.deviceId, this.clock);
    this.options = {
      brokerUrl: options.brokerUrl,
      site: options.site,
      deviceId: options.deviceId,
      secret: options.secret,
      heartbeatIntervalS: options.heartbeatIntervalS ?? deviceDefaults.heartbeatIntervalS,
      maxBufferedUplinks: options.maxBufferedUplinks ?? deviceDefaults.maxBufferedUplinks,
      keepaliveS: options.keepaliveS ?? deviceDefaults.keepaliveS,
      connectTimeoutMs: options.connectTimeoutMs ?? deviceDefaults.connectTimeoutMs,
      stopTimeoutMs: options.stopTimeoutMs ?? deviceDefaults.stopTimeoutMs,
      firmware: options.firmware ?? deviceDefaults.firmware,
      validateUplinks: options.validateUplinks ?? deviceDefaults.validateUplinks,
    };
    const { heartbeatIntervalS: hb, maxBufferedUplinks: max } = this.options;
    if (!Number.isInteger(hb) || hb < 1 || hb > 3600) throw new RangeError(`heartbeatIntervalS must be 1 to 3600 s (the heartbeat schema), got ${hb}`);
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxBufferedUplinks must be a positive integer, got ${max}`);
  }

  /** The id of the current boot; null while stopped. */
  get bootId(): string | null {
    return this.#bootId;
  }
  /** The sequence number the next uplink will carry. */
  get nextSeq(): number {
    return this.#seq;
  }
  get online(): boolean {
    return this.#link?.online ?? false;
  }
  get started(): boolean {
    return this.#link !== null;
  }
  get buffered(): number {
    return this.#link?.buffered ?? 0;
  }
  get droppedUplinks(): number {
    return this.#link?.dropped ?? 0;
  }
  get uptimeS(): number {
    return this.#bootId === null ? 0 : Math.max(0, Math.floor((this.clock.now() - this.#bootAt) / 1000));
  }

  /** Boots (new bootId, seq 0) and connects; resolves once online, rejects if the broker refuses the device. */
  async start(): Promise<void> {
    if (this.#link !== null) throw new Error(`device ${this.deviceId} is already started`);
    this.#bootId = randomBytes(12).toString('base64url'); // 16 characters of [A-Za-z0-9_-]
    this.#seq = 0;
    this.#bootAt = this.clock.now();
    this.#guard.reset();
    const o = this.options;
    const link = new MqttLink({
      brokerUrl: o.brokerUrl, clientId: this.deviceId, password: o.secret,
      downlinkFilter: deviceDownlinkFilter(this.site, this.deviceId), statusTopic: statusTopic(this.site, this.deviceId),
      status: (state) => JSON.stringify(this.#status(state)),
      timers: this.timers, backoff: this.#backoff, maxBuffered: o.maxBufferedUplinks, keepaliveS: o.keepaliveS,
      connectTimeoutMs: o.connectTimeoutMs, stopTimeoutMs: o.stopTimeoutMs, ...(this.#tls ? { tls: this.#tls } : {}),
      onMessage: (topic, payload, retained) => this.#onMessage(topic, payload, retained),
      onEvent: (e) => {
        this.emitEvent(e.type === 'connected' ? { type: 'connected', bootId: this.#bootId ?? '' } : e);
        if (e.type === 'connected' || e.type === 'disconnected') this.onLinkChange(e.type === 'connected');
      },
    });
    this.#link = link;
    this.emitEvent({ type: 'booted', bootId: this.#bootId });
    this.onBoot();
    this.#scheduleHeartbeat();
    try {
      await link.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Publishes an offline status, disconnects, and clears every timer. Safe to call twice. */
  stop(): Promise<void> {
    if (this.#link === null) return Promise.resolve();
    this.#stopping ??= this.#stop().finally(() => { this.#stopping = null; });
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const link = this.#link;
    this.timers.clearAll();
    this.onStop();
    await link?.stop();
    this.timers.clearAll(); // a command that arrived during the disconnection may have set one
    this.#link = null;
    this.#bootId = null;
    this.emitEvent({ type: 'stopped' });
  }

  /** Publishes an uplink (QoS 1, not retained); resolves with what was sent once the broker acknowledged it. */
  publishUplink<K extends UplinkKind>(kind: K, fields: UplinkFields<K>): Promise<UplinkPayloads[K]> {
    try {
      return this.sendUplink(kind, fields).acked;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Like publishUplink, but gives the stamped payload at once; `ts` is when the event happened, if not now. */
  protected sendUplink<K extends UplinkKind>(kind: K, fields: UplinkFields<K>, ts = this.clock.now()): { payload: UplinkPayloads[K]; acked: Promise<UplinkPayloads[K]> } {
    const link = this.#link;
    if (link === null || this.#bootId === null) throw new Error(`device ${this.deviceId} is not started`);
    if (this.#seq > MAX_SEQ) throw new RangeError(`device ${this.deviceId} used every sequence number of this boot; reboot it`);
    const envelope = { v: PROTOCOL_VERSION, deviceId: this.deviceId, bootId: this.#bootId, seq: this.#seq, ts };
    // The envelope is spread last: a caller cannot overwrite it. The cast is the one the generic spread needs.
    const payload = { ...fields, ...envelope } as unknown as UplinkPayloads[K];
    const json = JSON.stringify(payload);
    if (this.options.validateUplinks) {
      const checked = parseUplink(kind, json);
      if (!checked.ok) throw new TypeError(`device ${this.deviceId}: invalid ${kind} uplink: ${checked.reason}`);
    }
    this.#seq++;
    this.stats.uplinks++;
    return { payload, acked: link.send(uplinkTopic(this.site, this.deviceId, kind), json).then(() => payload) };
  }

  /** Sends a heartbeat now (the timer sends one every heartbeatIntervalS while online). */
  heartbeat(): Promise<HeartbeatUplink> {
    this.stats.heartbeats++;
    return this.publishUplink('heartbeat', {
      uptimeS: this.uptimeS, intervalS: this.options.heartbeatIntervalS, fw: this.options.firmware, ...this.heartbeatFields(),
    });
  }

  /** What a subclass adds to its heartbeats (a battery level, a signal strength, an allow-list version). */
  protected heartbeatFields(): Partial<Pick<HeartbeatUplink, 'battery' | 'rssi' | 'allowlistVersion'>> {
    return {};
  }
  /** Called when the link comes up (connected and subscribed) or goes down (not at stop()). */
  protected onLinkChange(_online: boolean): void {}
  /** Called at each start(), before connecting: reset what a real device loses at power-up. */
  protected onBoot(): void {}
  /** Called at stop(), after the timers are cleared: settle what is pending. */
  protected onStop(): void {}
  /** Applies a valid, fresh, first-seen command; undefined means this device does not handle that kind. */
  protected handleCommand(_command: IncomingCommand): CommandOutcome | undefined {
    return undefined;
  }

  protected emitEvent(event: SimEvent): void {
    if (event.type === 'ignored' || event.type === 'dropped' || event.type === 'refused') {
      this.logger.warn(`${this.deviceId} ${describeEvent(event)}`);
    } else {
      this.logger.info(`${this.deviceId} ${describeEvent(event)}`);
    }
    this.emit('event', event);
  }

  protected ignore(kind: DownlinkKind | 'unknown', reason: IgnoreReason, detail?: string): void {
    this.stats.ignored[reason] = (this.stats.ignored[reason] ?? 0) + 1;
    this.emitEvent(detail === undefined ? { type: 'ignored', kind, reason } : { type: 'ignored', kind, reason, detail });
  }

  #scheduleHeartbeat(): void {
    this.timers.set('heartbeat', () => {
      this.#scheduleHeartbeat();
      // A sign of life that cannot be delivered now would say nothing when it arrives later.
      if (this.online) this.heartbeat().catch(() => {});
    }, this.options.heartbeatIntervalS * 1000);
  }

  #onMessage(topic: string, payload: Buffer, retained: boolean): void {
    const verdict = this.#guard.check(topic, payload, retained);
    if (!verdict.ok) {
      this.ignore(verdict.kind, verdict.reason, verdict.detail);
      // An expired or replayed command is answered, so the controller knows it did nothing.
      if (verdict.kind !== 'unknown' && verdict.nonce !== undefined && (verdict.reason === 'expired' || verdict.reason === 'replayed')) {
        this.#ack(verdict.kind, verdict.nonce, { result: verdict.reason });
      }
      return;
    }
    const { kind, msg: { nonce } } = verdict.command;
    let outcome: CommandOutcome | undefined;
    try {
      outcome = this.handleCommand(verdict.command);
    } catch (err) {
      outcome = { result: 'rejected', detail: (err as Error).message };
    }
    if (outcome === undefined) {
      this.ignore(kind, 'unsupported');
      return this.#ack(kind, nonce, { result: 'rejected', detail: `${kind} is not supported by this device` });
    }
    if (outcome.ignored !== undefined) this.ignore(kind, outcome.ignored, outcome.detail);
    else this.emitEvent({ type: 'downlink', kind, nonce });
    this.#ack(kind, nonce, outcome);
  }

  #ack(kind: DownlinkKind, nonce: string, outcome: Pick<AckUplink, 'result' | 'detail'>): void {
    if (!ACKED_KINDS.has(kind)) return;
    const detail = outcome.detail?.slice(0, 200); // the ack schema's limit
    const fields = detail === undefined ? { nonce, result: outcome.result } : { nonce, result: outcome.result, detail };
    this.publishUplink('ack', fields).catch((err: Error) => this.logger.warn(`${this.deviceId} ack not sent: ${err.message}`));
  }

  #status(state: 'online' | 'offline'): DeviceStatus {
    return { v: PROTOCOL_VERSION, deviceId: this.deviceId, bootId: this.#bootId ?? 'none', state, ts: this.clock.now(), fw: this.options.firmware };
  }
}

/** Topic of a command to this device, for tests and scenarios that play the controller. */
export function commandTopic(device: SimDevice, kind: DownlinkKind): string {
  return downlinkTopic(device.site, device.deviceId, kind);
}
