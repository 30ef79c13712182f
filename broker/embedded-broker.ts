import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { parseTopic, statusTopic, type MqttPrincipal } from '../gateway/protocol/index.js';
import {
  authenticateClient, checkPublish, checkSubscribe, type ControllerIdentity, type CredentialCheck,
} from './access-policy.js';
import { FrameLimitError, MqttFrameGuard } from './frame-guard.js';

export const brokerDefaults = {
  connectTimeout: 10_000, // 10 s to send CONNECT after the TCP handshake
  drainTimeout: 3_000, // 3 s: a frozen subscriber is dropped instead of stalling everyone's delivery
  keepaliveMinS: 10, // 10 s
  keepaliveMaxS: 300, // 5 minutes
  maxPacketBytes: 70_000, // 64 KiB payload + topic and header room
  maxTopicLevels: 8, // mf/v1/site/device/up/kind is 6
  concurrency: 1_000, // messages in flight inside the broker's emitter
};

/** Called for a device's uplink before the broker acknowledges it: resolve once it is committed. */
export type UplinkHook = (uplink: { deviceId: string; topic: string; payload: Buffer; receivedAt: number }) => Promise<void>;

export interface EmbeddedBrokerOptions {
  site: string;
  host: string;
  port: number;
  tls?: { port: number; certFile: string; keyFile: string; caFile?: string };
  controller: ControllerIdentity;
  credentials: CredentialCheck;
  onUplink: UplinkHook;
  logger: Logger;
  clock?: () => number;
  limits?: Partial<typeof brokerDefaults>;
}

/**
 * The embedded MQTT broker (aedes): refuses anonymous clients, binds each device to its own
 * branch of the topic tree, and holds each uplink's PUBACK until the gateway has committed it.
 */
export class EmbeddedBroker {
  #aedes: Aedes | undefined;
  #servers: Server[] = [];
  #principals = new WeakMap<Client, MqttPrincipal>();
  #devices = new Map<string, Client>();
  readonly limits: typeof brokerDefaults;

  constructor(private readonly opts: EmbeddedBrokerOptions) {
    this.limits = { ...brokerDefaults, ...opts.limits };
  }

  async start(): Promise<{ port: number; tlsPort?: number }> {
    const { opts, limits } = this;
    const log = opts.logger;
    const now = opts.clock ?? Date.now;
    const aedes = await Aedes.createBroker({
      id: `embedded-${opts.site}`,
      concurrency: limits.concurrency,
      connectTimeout: limits.connectTimeout,
      drainTimeout: limits.drainTimeout,
      keepaliveLimit: limits.keepaliveMaxS,
      maxTopicLevels: limits.maxTopicLevels,
      maxClientsIdLength: 23, // [MQTT-3.1.3-5]
      preConnect: (client, packet, done) => {
        const keepalive = packet.keepalive ?? 0;
        if (keepalive < limits.keepaliveMinS) {
          log.warn({ clientId: packet.clientId, keepalive }, 'mqtt connect refused: keepalive below %d s', limits.keepaliveMinS);
          return done(null, false);
        }
        // A will may only announce the connecting device's own status.
        if (packet.will && packet.will.topic !== statusTopic(opts.site, packet.username ?? '')) {
          log.warn({ clientId: packet.clientId, willTopic: packet.will.topic }, 'mqtt connect refused: will topic not allowed');
          return done(null, false);
        }
        done(null, true);
      },
      authenticate: (client, username, password, done) => {
        authenticateClient({ site: opts.site, clientId: client.id, username, password, controller: opts.controller, credentials: opts.credentials })
          .then((result) => {
            if (result.ok) {
              this.#principals.set(client, result.principal);
              return done(null, true);
            }
            log.warn({ clientId: client.id, username, reason: result.reason }, 'mqtt connect refused');
            const err = new Error(result.reason) as AuthenticateError;
            err.returnCode = result.code;
            done(err, false);
          })
          .catch((err: unknown) => {
            log.error({ err, clientId: client.id }, 'mqtt authentication failed');
            const e = new Error('server unavailable') as AuthenticateError;
            e.returnCode = 3;
            done(e, false);
          });
      },
      authorizePublish: (client, packet, done) => {
        if (client === null) return done(null); // an old will replayed by aedes itself
        const principal = this.#principals.get(client);
        if (principal === undefined) return done(new Error('unauthenticated client'));
        const verdict = checkPublish(principal, packet.topic, packet.retain);
        if (!verdict.ok) {
          // MQTT 3.1.1 cannot refuse one PUBLISH: the connection is closed [MQTT-3.3.5-2].
          log.warn({ clientId: client.id, topic: packet.topic, reason: verdict.reason }, 'mqtt publish refused');
          return done(new Error(verdict.reason));
        }
        if (principal.role !== 'device' || parseTopic(packet.topic)?.direction !== 'up') return done(null);
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
        opts.onUplink({ deviceId: principal.deviceId, topic: packet.topic, payload, receivedAt: now() })
          .then(() => done(null), (err: unknown) => {
            // Not stored, so not acknowledged: the device keeps it and sends it again.
            log.error({ err, clientId: client.id, topic: packet.topic }, 'uplink not committed; closing the connection');
            done(err instanceof Error ? err : new Error(String(err)));
          });
      },
      authorizeSubscribe: (client, sub, done) => {
        const principal = this.#principals.get(client);
        if (principal !== undefined && checkSubscribe(principal, sub.topic)) return done(null, sub);
        log.warn({ clientId: client.id, filter: sub.topic }, 'mqtt subscription refused');
        done(null, null); // SUBACK 0x80 for this filter [MQTT-3.9.3-2]
      },
    });
    this.#aedes = aedes;
    aedes.on('clientReady', (client) => {
      const p = this.#principals.get(client);
      if (p?.role === 'device') this.#devices.set(p.deviceId, client);
    });
    aedes.on('clientDisconnect', (client) => {
      const p = this.#principals.get(client);
      if (p?.role === 'device' && this.#devices.get(p.deviceId) === client) this.#devices.delete(p.deviceId);
    });
    aedes.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt client error'));
    aedes.on('connectionError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'mqtt connection error'));

    const port = await this.#listen(createServer((socket) => this.#accept(socket)), opts.port, opts.host);
    if (opts.tls === undefined) return { port };
    const tlsServer = createTlsServer({
      cert: readFileSync(opts.tls.certFile),
      key: readFileSync(opts.tls.keyFile),
      ...(opts.tls.caFile === undefined ? {} : { ca: readFileSync(opts.tls.caFile) }),
    }, (socket) => this.#accept(socket));
    const tlsPort = await this.#listen(tlsServer, opts.tls.port, opts.host);
    return { port, tlsPort };
  }

  #accept(socket: Socket | TLSSocket): void {
    // Without TCP_NODELAY every request/reply exchange waits ~40 ms for Nagle's algorithm.
    socket.setNoDelay(true);
    const guard = new MqttFrameGuard(this.limits.maxPacketBytes);
    guard.on('error', (err) => {
      if (err instanceof FrameLimitError) this.opts.logger.warn({ remote: socket.remoteAddress, err: err.message }, 'mqtt connection dropped');
      socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.pipe(guard);
    const conn = Duplex.from({ readable: guard, writable: socket });
    socket.on('close', () => conn.destroy());
    this.#aedes?.handle(conn);
  }

  #listen(server: Server, port: number, host: string): Promise<number> {
    this.#servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /**
   * Publishes a downlink from inside the process, as the controller: the same delivery to the
   * device's subscription as through the gateway's own connection, without two socket hops.
   */
  publish(topic: string, payload: string): Promise<void> {
    const aedes = this.#aedes;
    if (aedes === undefined) return Promise.reject(new Error('embedded broker not started'));
    if (parseTopic(topic)?.direction !== 'down') return Promise.reject(new Error(`not a downlink topic: ${topic}`));
    return new Promise((resolve, reject) => {
      aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /** Closes a device's connection at once (disabled device, rotated secret). */
  disconnect(deviceId: string): boolean {
    const client = this.#devices.get(deviceId);
    if (client === undefined) return false;
    client.close();
    this.#devices.delete(deviceId);
    return true;
  }

  get connectedDevices(): number {
    return this.#devices.size;
  }

  async stop(): Promise<void> {
    const servers = this.#servers;
    this.#servers = [];
    // Stop accepting first; a server's close only completes once its sockets are gone, which
    // closing aedes (every client) brings about.
    const closed = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    const aedes = this.#aedes;
    this.#aedes = undefined;
    if (aedes !== undefined) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await closed;
  }
}
