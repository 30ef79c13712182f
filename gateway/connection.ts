import { Socket } from 'node:net';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { IngestResult } from '../controller/events/event-store.js';
import { allStatusFilter, allUplinksFilter, parseStatus, parseTopic, type DeviceStatus } from './protocol/index.js';
import type { RawUplink } from './ingest.js';

export const connectionDefaults = {
  keepaliveS: 30, // 30 s
  sessionExpiryS: 7 * 24 * 3600, // 7 days: uplinks queued by an external broker while the controller is down
  reconnectPeriodMs: 1_000, // 1 s
  connectTimeoutMs: 10_000, // 10 s
};

export interface GatewayConnectionOptions {
  url: string;
  site: string;
  username: string;
  password: string;
  clientId: string;
  /**
   * external: the uplinks come through this connection, on a persistent MQTT 5 session that
   * acknowledges each one only after commit. embedded: the broker hands uplinks over before its
   * PUBACK, so this connection carries status and commands only.
   */
  mode: 'embedded' | 'external';
  ingest: (uplink: RawUplink) => Promise<IngestResult>;
  onStatus: (status: DeviceStatus, receivedAt: number) => void;
  logger: Logger;
  clock?: () => number;
  tls?: Pick<IClientOptions, 'ca' | 'rejectUnauthorized'>;
}

/** The controller's own MQTT connection, with its own identity and ACL. */
export class GatewayConnection {
  #client: MqttClient | undefined;

  constructor(private readonly opts: GatewayConnectionOptions) {}

  async start(): Promise<void> {
    const { opts } = this;
    const external = opts.mode === 'external';
    const client = connect(opts.url, {
      clientId: opts.clientId,
      username: opts.username,
      password: opts.password,
      keepalive: connectionDefaults.keepaliveS,
      reconnectPeriod: connectionDefaults.reconnectPeriodMs,
      connectTimeout: connectionDefaults.connectTimeoutMs,
      // mqtt.js lets a client hold its PUBACK (customHandleAcks) only on MQTT 5.
      protocolVersion: external ? 5 : 4,
      clean: !external,
      ...(external ? { properties: { sessionExpiryInterval: connectionDefaults.sessionExpiryS } } : {}),
      customHandleAcks: (topic, payload, packet, done) => {
        this.#handle(topic, payload, packet.retain).then(() => done(0), (err: unknown) => {
          opts.logger.error({ err, topic }, 'uplink not committed; leaving it unacknowledged for redelivery');
          done(err instanceof Error ? err : new Error(String(err)));
          // No PUBACK went out: reconnecting makes the broker deliver it again [MQTT-4.4.0-1].
          this.#client?.stream.destroy();
        });
      },
      ...opts.tls,
    });
    this.#client = client;
    client.on('message', (topic, payload, packet) => {
      // On MQTT 5, QoS 1 messages were handled in customHandleAcks already; QoS 0 never go there.
      if (!external || packet.qos === 0) {
        this.#handle(topic, payload, packet.retain).catch((err: unknown) => opts.logger.error({ err, topic }, 'message not handled'));
      }
    });
    client.on('error', (err) => opts.logger.warn({ err: err.message }, 'gateway mqtt error'));
    client.on('offline', () => opts.logger.warn('gateway mqtt connection lost; reconnecting'));
    client.on('connect', () => {
      // A new socket on every (re)connection. Without TCP_NODELAY a small write (a door's access
      // answer) waits for the ACK of the previous one, which the broker delays up to 40 ms.
      if (client.stream instanceof Socket) client.stream.setNoDelay(true); // TLS too (TLSSocket); WebSocket URLs are not accepted (config)
      opts.logger.info({ url: opts.url, mode: opts.mode }, 'gateway connected to the broker');
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        client.end(true);
        reject(new Error(`cannot connect to the MQTT broker at ${opts.url}: ${err.message}`));
      };
      client.once('error', onError);
      client.once('connect', () => {
        client.off('error', onError);
        resolve();
      });
    });
    const filters = [allStatusFilter(opts.site), ...(external ? [allUplinksFilter(opts.site)] : [])];
    const granted = await client.subscribeAsync(filters, { qos: 1 });
    const refused = granted.filter((g) => g.qos !== 0 && g.qos !== 1 && g.qos !== 2);
    if (refused.length > 0) throw new Error(`the broker refused the gateway's subscriptions: ${refused.map((g) => g.topic).join(', ')}`);
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  async publish(topic: string, payload: string): Promise<void> {
    const client = this.#client;
    if (client === undefined) throw new Error('gateway connection not started');
    await client.publishAsync(topic, payload, { qos: 1, retain: false });
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.endAsync();
  }

  async #handle(topic: string, payload: Buffer, retained: boolean): Promise<void> {
    const now = (this.opts.clock ?? Date.now)();
    const parsed = parseTopic(topic);
    if (parsed?.direction === 'status') {
      const status = parseStatus(payload);
      if (!status.ok || status.value.deviceId !== parsed.deviceId) {
        this.opts.logger.warn({ topic, reason: status.ok ? 'deviceId mismatch' : status.reason }, 'device status ignored');
        return;
      }
      this.opts.onStatus(status.value, now);
      return;
    }
    if (parsed?.direction === 'up' && this.opts.mode === 'external') {
      if (retained) this.opts.logger.warn({ topic }, 'retained uplink from the external broker; storing it once by its seq');
      await this.opts.ingest({ deviceId: parsed.deviceId, topic, payload, receivedAt: now });
    }
  }
}
