import { Socket } from 'node:net';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { TimerSet } from './clock.js';
import { OfflineBuffer } from './offline-buffer.js';

/**
 * A device's one MQTT connection: identity, last will and birth, subscription to its commands,
 * reconnection with backoff, and QoS 1 uplinks that survive a lost connection (kept in a bounded
 * buffer while offline, resent when a PUBACK never came). It knows topics and bytes, not payloads.
 */

export type SimTlsOptions = Pick<IClientOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;

export type LinkEvent =
  | { type: 'connected' }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { type: 'refused'; code: number; message: string }
  | { type: 'dropped'; count: number; total: number };

export interface LinkOptions {
  brokerUrl: string;
  /** Client id and username: the protocol makes them the device id. */
  clientId: string;
  password: string;
  downlinkFilter: string;
  statusTopic: string;
  /** Builds a status payload at the time it is sent (birth, will, clean stop). */
  status: (state: 'online' | 'offline') => string;
  timers: TimerSet;
  backoff: BackoffOptions;
  maxBuffered: number;
  keepaliveS: number;
  connectTimeoutMs: number;
  stopTimeoutMs: number;
  tls?: SimTlsOptions;
  onMessage: (topic: string, payload: Buffer, retained: boolean) => void;
  onEvent: (event: LinkEvent) => void;
}

export class DeviceStoppedError extends Error {
  constructor(deviceId: string) {
    super(`device ${deviceId} stopped before the uplink was acknowledged`);
    this.name = 'DeviceStoppedError';
  }
}
export class UplinkDroppedError extends Error {
  constructor(deviceId: string, capacity: number) {
    super(`device ${deviceId}: offline buffer full (${capacity} uplinks), oldest uplink dropped`);
    this.name = 'UplinkDroppedError';
  }
}
export class BrokerRefusedError extends Error {
  constructor(deviceId: string, readonly code: number, reason: string) {
    super(`broker refused device ${deviceId} (CONNACK return code ${code}: ${reason}); check its device id and secret`);
    this.name = 'BrokerRefusedError';
  }
}

/** CONNACK return codes that retrying cannot fix [MQTT-3.2.2-3]: 1 protocol, 2 client id, 4 credentials, 5 not authorized. */
const FATAL_CONNACK = new Set([1, 2, 4, 5]);

interface Pending {
  order: number; // production order: what is resent keeps its place before newer uplinks
  topic: string;
  payload: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

type Phase = 'idle' | 'starting' | 'running' | 'stopping';

export class MqttLink {
  #client: MqttClient | null = null;
  #phase: Phase = 'idle';
  #gen = 0; // bumped at every connect and close: callbacks of an older connection are ignored
  #ready = false; // connected, subscribed, birth sent and buffer flushed: new uplinks go straight out
  #order = 0;
  #lastError = '';
  #startWaiter: { resolve: () => void; reject: (err: Error) => void } | null = null;
  #stopping: Promise<void> | null = null;
  #idleWaiters: (() => void)[] = [];
  readonly #buffer: OfflineBuffer<Pending>;
  readonly #inflight = new Map<number, Pending>();
  readonly #backoff: Backoff;

  constructor(private readonly o: LinkOptions) {
    this.#buffer = new OfflineBuffer(o.maxBuffered);
    this.#backoff = new Backoff(o.backoff);
  }

  get online(): boolean {
    return this.#ready;
  }
  get buffered(): number {
    return this.#buffer.size;
  }
  get dropped(): number {
    return this.#buffer.dropped;
  }

  /** Connects; resolves once the birth is acknowledged, rejects if the broker refuses the device. */
  start(): Promise<void> {
    if (this.#phase !== 'idle') return Promise.reject(new Error(`device ${this.o.clientId} is already started`));
    this.#phase = 'starting';
    return new Promise((resolve, reject) => {
      this.#startWaiter = { resolve, reject };
      const client = connect(this.o.brokerUrl, {
        ...this.o.tls,
        clientId: this.o.clientId,
        username: this.o.clientId,
        password: this.o.password,
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: 0, // reconnection is ours: backoff with jitter instead of a fixed period
        resubscribe: false, // we subscribe at every connect, before the birth, so no command is missed
        keepalive: this.o.keepaliveS,
        connectTimeout: this.o.connectTimeoutMs,
        will: this.#will(),
      });
      this.#client = client;
      client.on('connect', () => this.#onConnect(client));
      client.on('close', () => this.#onClose(client));
      client.on('error', (err) => this.#onError(err));
      client.on('message', (topic, payload, packet) => this.o.onMessage(topic, payload, packet.retain));
    });
  }

  /** Publishes QoS 1, not retained; resolves on PUBACK. While offline the uplink waits in the buffer. */
  send(topic: string, payload: string): Promise<void> {
    if (this.#phase === 'idle' || this.#phase === 'stopping') return Promise.reject(new DeviceStoppedError(this.o.clientId));
    return new Promise((resolve, reject) => {
      const item: Pending = { order: this.#order++, topic, payload, resolve, reject };
      if (this.#ready) this.#transmit(item);
      else this.#reportDropped(this.#buffer.push(item));
    });
  }

  /** Says offline (retained) and disconnects cleanly; rejects whatever was never acknowledged. */
  stop(): Promise<void> {
    if (this.#phase === 'idle') return Promise.resolve();
    this.#stopping ??= this.#stop().finally(() => { this.#stopping = null; });
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const client = this.#client;
    const wasReady = this.#ready;
    this.#phase = 'stopping';
    this.o.timers.clear('reconnect');
    if (client !== null && wasReady) {
      // A clean DISCONNECT makes the broker discard the will [MQTT-3.1.2-10]: say offline ourselves.
      const offline = new Promise<void>((resolve) => {
        client.publish(this.o.statusTopic, this.o.status('offline'), { qos: 1, retain: true }, () => resolve());
      });
      await withDeadline(Promise.all([offline, this.#inflightDrained()]), this.o.stopTimeoutMs);
    }
    this.#gen++;
    this.#ready = false;
    const err = new DeviceStoppedError(this.o.clientId);
    for (const item of [...this.#inflight.values(), ...this.#buffer.drain()]) item.reject(err);
    this.#inflight.clear();
    this.#notifyIdle();
    this.#startWaiter?.reject(err);
    this.#startWaiter = null;
    if (client !== null) await this.#close(client, !wasReady);
    this.#client = null;
    this.#phase = 'idle';
  }

  async #close(client: MqttClient, force: boolean): Promise<void> {
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    client.removeAllListeners();
    client.on('error', () => {}); // a late socket error of a closed client must not crash the process
    // end(false) waits for the socket to close; a broker that never answers must not block stop()
    const ended = await withDeadline(client.endAsync(force), this.o.stopTimeoutMs);
    if (!ended) client.stream?.destroy();
  }

  #onConnect(client: MqttClient): void {
    // As the protocol asks of readers (section 1): a badge must not wait for the ACK of the packet before it.
    if (client.stream instanceof Socket) client.stream.setNoDelay(true); // plain TCP and TLS (TLSSocket) alike
    const gen = ++this.#gen;
    this.#backoff.reset();
    client.subscribe(this.o.downlinkFilter, { qos: 1 }, (err) => {
      if (gen !== this.#gen) return; // that connection is already gone
      if (err) {
        const message = `broker refused the subscription of ${this.o.clientId} to ${this.o.downlinkFilter}: ${err.message}`;
        if (this.#phase === 'starting') return void this.#failStart(new Error(message));
        this.o.onEvent({ type: 'refused', code: 128, message }); // still worth sending uplinks: go on without commands
      }
      client.publish(this.o.statusTopic, this.o.status('online'), { qos: 1, retain: true }, (pubErr) => {
        if (gen !== this.#gen || pubErr) return; // closed meanwhile: the next connection sends its own birth
        if (this.#phase === 'starting') this.#phase = 'running';
        this.#startWaiter?.resolve();
        this.#startWaiter = null;
      });
      // MQTT keeps the order of QoS 1 publishes on one connection [MQTT-4.6.0-2]: birth, then the backlog
      for (const item of this.#buffer.drain()) this.#transmit(item);
      this.#ready = true;
      this.o.onEvent({ type: 'connected' });
    });
  }

  #onClose(client: MqttClient): void {
    if (client !== this.#client || this.#phase === 'idle' || this.#phase === 'stopping') return;
    const wasReady = this.#ready;
    this.#ready = false;
    this.#gen++;
    // What mqtt.js still holds for the dead connection is resent by us, in order, from the buffer.
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    const unacked = [...this.#inflight.values()].sort((a, b) => a.order - b.order);
    this.#inflight.clear();
    this.#reportDropped(this.#buffer.prepend(unacked));
    this.#notifyIdle();
    if (wasReady) this.o.onEvent({ type: 'disconnected', reason: this.#lastError || 'connection closed' });
    this.#scheduleReconnect(client);
  }

  #onError(err: Error): void {
    const code = (err as Error & { code?: unknown }).code;
    this.#lastError = err.message || String(code);
    if (typeof code !== 'number') return; // socket errors: the close that follows schedules a retry
    this.o.onEvent({ type: 'refused', code, message: err.message });
    if (FATAL_CONNACK.has(code) && this.#phase === 'starting') {
      void this.#failStart(new BrokerRefusedError(this.o.clientId, code, err.message));
    }
  }

  async #failStart(err: Error): Promise<void> {
    const waiter = this.#startWaiter;
    this.#startWaiter = null;
    await this.stop();
    waiter?.reject(err);
  }

  #scheduleReconnect(client: MqttClient): void {
    if (this.o.timers.has('reconnect')) return;
    const delayMs = this.#backoff.next();
    this.o.onEvent({ type: 'reconnecting', attempt: this.#backoff.attempt, delayMs, reason: this.#lastError || 'connection closed' });
    this.o.timers.set('reconnect', () => {
      if (this.#client !== client || this.#phase === 'stopping') return;
      this.#lastError = '';
      client.options.will = this.#will(); // the will is sent in CONNECT: refresh its time
      client.reconnect(); // fresh stores: what was in flight is back in our buffer
    }, delayMs);
  }

  #transmit(item: Pending): void {
    const client = this.#client;
    if (client === null) return;
    const gen = this.#gen;
    this.#inflight.set(item.order, item);
    client.publish(item.topic, item.payload, { qos: 1, retain: false }, (err) => {
      // An error means the connection is closing: #onClose puts the uplink back in the buffer.
      if (gen !== this.#gen || err) return;
      this.#inflight.delete(item.order);
      item.resolve();
      if (this.#inflight.size === 0) this.#notifyIdle();
    });
  }

  #reportDropped(dropped: Pending[]): void {
    if (dropped.length === 0) return;
    const err = new UplinkDroppedError(this.o.clientId, this.#buffer.capacity);
    for (const item of dropped) item.reject(err);
    this.o.onEvent({ type: 'dropped', count: dropped.length, total: this.#buffer.dropped });
  }

  #inflightDrained(): Promise<void> {
    if (this.#inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #notifyIdle(): void {
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #will(): NonNullable<IClientOptions['will']> {
    return { topic: this.o.statusTopic, payload: Buffer.from(this.o.status('offline')), qos: 1, retain: true };
  }
}

/**
 * Resolves true if the promise settles in time, false otherwise. A real timer, not the device's
 * clock: a test's manual clock must not make stop() wait forever for a broker that is gone.
 */
async function withDeadline(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true, () => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
