import { randomBytes } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import { deviceDownlinkFilter, PROTOCOL_VERSION, statusTopic, uplinkTopic } from '../gateway/protocol/index.js';

/**
 * One device of the load generator: a bare mqtt.js client (client id = username = device id), its
 * boot (bootId, seq from 0), and the protocol's telemetry payloads. No timer, no event emitter,
 * no offline buffer: what 10,000 of them in one process can afford.
 */

export type LoadKind = 'heartbeat' | 'desk' | 'net';
export const LOAD_KINDS: readonly LoadKind[] = ['heartbeat', 'desk', 'net'];

export const loadDeviceDefaults = {
  connectTimeoutMs: 10_000, // 10 s for one device's CONNACK
  keepaliveS: 60, // 1 minute, as a real device
};

export interface ConnectOptions {
  brokerUrl: string;
  site: string;
  /** Subscribe to the device's commands and publish a retained birth, with a last will. */
  birth: boolean;
  keepaliveS: number;
  /** The broker closed the connection after it was ready. */
  onLost: (device: LoadClient) => void;
}

export class LoadClient {
  readonly bootId = randomBytes(9).toString('base64url');
  seq = 0;
  inflight = 0;
  up = false;
  client: MqttClient | null = null;
  /** The last uplink sent, to repeat it as a QoS 1 redelivery would. */
  last: { topic: string; payload: string } | null = null;
  readonly #topics: Record<LoadKind, string>;

  constructor(readonly id: string, readonly secret: string, site: string) {
    this.#topics = { heartbeat: uplinkTopic(site, id, 'heartbeat'), desk: uplinkTopic(site, id, 'desk'), net: uplinkTopic(site, id, 'net') };
  }

  /** Connects (then subscribes and says online, with birth); resolves once ready, rejects on refusal or timeout. */
  connect(o: ConnectOptions): Promise<void> {
    const status = (state: 'online' | 'offline') =>
      JSON.stringify({ v: PROTOCOL_VERSION, deviceId: this.id, bootId: this.bootId, state, ts: Date.now(), fw: 'load/1' });
    return new Promise((resolve, reject) => {
      let settled = false;
      const client = connect(o.brokerUrl, {
        clientId: this.id, username: this.id, password: this.secret, protocolVersion: 4, clean: true, reconnectPeriod: 0,
        keepalive: o.keepaliveS, connectTimeout: loadDeviceDefaults.connectTimeoutMs,
        ...(o.birth ? { will: { topic: statusTopic(o.site, this.id), payload: Buffer.from(status('offline')), qos: 1 as const, retain: true } } : {}),
      });
      this.client = client;
      const done = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err === undefined) {
          this.up = true;
          resolve();
        } else {
          client.end(true);
          reject(err);
        }
      };
      client.on('error', (err) => done(err));
      client.on('close', () => {
        if (!settled) return done(new Error('connection closed before it was ready'));
        if (this.up) {
          this.up = false;
          o.onLost(this);
        }
      });
      client.once('connect', () => {
        if (!o.birth) return done();
        client.subscribe(deviceDownlinkFilter(o.site, this.id), { qos: 1 }, (err) => {
          if (err) return done(err);
          client.publish(statusTopic(o.site, this.id), status('online'), { qos: 1, retain: true }, (pubErr) => done(pubErr ?? undefined));
        });
      });
    });
  }

  /** The next uplink: the kinds in turn, each a valid payload of the protocol. */
  next(kinds: readonly LoadKind[], uptimeS: number): { topic: string; payload: string } {
    const seq = this.seq++;
    const kind = kinds[seq % kinds.length] as LoadKind;
    const envelope = { v: PROTOCOL_VERSION, deviceId: this.id, bootId: this.bootId, seq, ts: Date.now() };
    let body: Record<string, unknown>;
    if (kind === 'heartbeat') body = { uptimeS, intervalS: 30, rssi: -60 - (seq % 20) };
    else if (kind === 'desk') body = { occupied: seq % 4 < 2, battery: 90 - (seq % 10) };
    else body = { uptimeS, counters: [{ port: 'total', rxBytes: String(seq * 1_500), txBytes: String(seq * 400), width: 64 }] };
    return { topic: this.#topics[kind], payload: JSON.stringify({ ...envelope, ...body }) };
  }

  /** A clean DISCONNECT (the broker then drops the will); resolves when the socket is closed. */
  end(): Promise<void> {
    const client = this.client;
    this.up = false;
    if (client === null) return Promise.resolve();
    client.removeAllListeners('close');
    client.on('error', () => {}); // a late socket error of a closing client must not crash the process
    return new Promise((resolve) => { client.end(false, {}, () => resolve()); });
  }

  /** Closes the socket at once (a client that did not end in time). */
  destroy(): void {
    if (this.client !== null && !this.client.disconnected) this.client.end(true);
    this.client = null;
    this.up = false;
  }
}
