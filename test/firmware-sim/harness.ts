import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import { connect, type MqttClient } from 'mqtt';
import { allStatusFilter, allUplinksFilter } from '../../gateway/protocol/index.js';
import type { SimDevice } from '../../firmware-sim/device.js';
import type { SimEvent } from '../../firmware-sim/events.js';

/**
 * A plain aedes broker on an ephemeral port of 127.0.0.1 for the firmware-sim tests: it checks
 * that the username is the client id and the password matches, and records every publish.
 */

export const SITE = 'menil-flin';
export const CONTROLLER = { id: 'controller', secret: 'controller-secret' };

export interface Published {
  topic: string;
  payload: string;
  retain: boolean;
  clientId: string | null;
}

export interface TestBroker {
  url: string;
  port: number;
  aedes: Aedes;
  /** Every publish the broker accepted (including wills), in order. */
  published: Published[];
  /** Connected clients by id, to cut one's socket. */
  clients: Map<string, Client>;
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  passwords: Record<string, string>;
  port?: number;
  authorizePublish?: AedesOptions['authorizePublish'];
  authorizeSubscribe?: AedesOptions['authorizeSubscribe'];
}

export async function startTestBroker(options: TestBrokerOptions): Promise<TestBroker> {
  const passwords = new Map(Object.entries({ ...options.passwords, [CONTROLLER.id]: CONTROLLER.secret }));
  const aedes = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      done(null, username === client.id && password !== undefined && passwords.get(username) === password.toString());
    },
    ...(options.authorizePublish ? { authorizePublish: options.authorizePublish } : {}),
    ...(options.authorizeSubscribe ? { authorizeSubscribe: options.authorizeSubscribe } : {}),
  });
  const published: Published[] = [];
  const clients = new Map<string, Client>();
  aedes.on('publish', (packet, client) => {
    if (packet.topic.startsWith('$SYS')) return;
    published.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain, clientId: client?.id ?? null });
  });
  aedes.on('clientReady', (c) => clients.set(c.id, c));
  aedes.on('clientDisconnect', (c) => { if (clients.get(c.id) === c) clients.delete(c.id); });
  const sockets = new Set<Socket>();
  const server: Server = createServer(aedes.handle);
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  let closed = false;
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    port: address.port,
    aedes,
    published,
    clients,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Received {
  topic: string;
  json: Record<string, unknown>;
  retain: boolean;
}

/** An MQTT client playing the controller: it sees every uplink and status, and sends commands. */
export async function connectController(broker: TestBroker): Promise<{ client: MqttClient; inbox: Received[] }> {
  const client = connect(broker.url, { clientId: CONTROLLER.id, username: CONTROLLER.id, password: CONTROLLER.secret, reconnectPeriod: 0, protocolVersion: 4 });
  const inbox: Received[] = [];
  client.on('message', (topic, payload, packet) => inbox.push({ topic, json: JSON.parse(payload.toString()) as Record<string, unknown>, retain: packet.retain }));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync([allUplinksFilter(SITE), allStatusFilter(SITE)], { qos: 1 });
  return { client, inbox };
}

/** A command envelope valid for `ttlMs` from `now`. */
export function command(now: number, ttlMs = 10_000): { v: 1; nonce: string; issuedAt: number; expiresAt: number } {
  return { v: 1, nonce: randomBytes(12).toString('base64url'), issuedAt: now, expiresAt: now + ttlMs };
}


export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolves with the first event of the device that matches (listening starts now). */
export function nextEvent<T extends SimEvent['type']>(device: SimDevice, type: T, timeoutMs = 5_000): Promise<Extract<SimEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      device.off('event', listener);
      reject(new Error(`timed out waiting for ${device.deviceId} event ${type}`));
    }, timeoutMs);
    const listener = (e: SimEvent): void => {
      if (e.type !== type) return;
      clearTimeout(timer);
      device.off('event', listener);
      resolve(e as Extract<SimEvent, { type: T }>);
    };
    device.on('event', listener);
  });
}

/** Lets pending socket traffic happen (a message that must NOT arrive has had its chance). */
export const settle = (ms = 100): Promise<void> => new Promise((r) => setTimeout(r, ms));
