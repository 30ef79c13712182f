import { randomBytes } from 'node:crypto';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { statusTopic, uplinkTopic, type UplinkKind } from '../../gateway/protocol/index.js';

export const SITE_ID = 'menil-flin';

/** A bare MQTT client speaking as a device: tests need exact control over every packet. */
export async function connectDevice(url: string, deviceId: string, secret: string, extra: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, {
    clientId: deviceId, username: deviceId, password: secret, keepalive: 30, reconnectPeriod: 0, connectTimeout: 5_000, ...extra,
  });
}

/** Resolves with the connection's error or close, for connections that must be refused. */
export async function connectionRefused(url: string, opts: IClientOptions): Promise<string> {
  try {
    const client = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1_500, ...opts });
    await client.endAsync(true);
    return 'accepted';
  } catch (err) {
    return (err as Error).message || 'refused';
  }
}

export function newBootId(): string {
  return randomBytes(6).toString('base64url');
}

/** A valid uplink payload of the given kind. */
export function uplink(kind: UplinkKind, deviceId: string, bootId: string, seq: number, fields: Record<string, unknown> = {}): string {
  const defaults: Record<UplinkKind, Record<string, unknown>> = {
    badge: { uid: '04A1B2C3D4' },
    door: { state: 'open' },
    rex: {},
    desk: { occupied: true, battery: 87 },
    net: { uptimeS: 10, counters: [{ port: 'ge-0-1', rxBytes: '1000', txBytes: '2000', width: 64 }] },
    heartbeat: { uptimeS: 10, intervalS: 30 },
    ack: { nonce: 'abcdefghijklmnop', result: 'done' },
  };
  return JSON.stringify({ v: 1, deviceId, bootId, seq, ts: Date.now(), ...defaults[kind], ...fields });
}

export function publishUplink(client: MqttClient, deviceId: string, kind: UplinkKind, payload: string): Promise<unknown> {
  return client.publishAsync(uplinkTopic(SITE_ID, deviceId, kind), payload, { qos: 1 });
}

export function deviceStatusTopic(deviceId: string): string {
  return statusTopic(SITE_ID, deviceId);
}

/** Waits until the condition holds, polling; fails with the message after the timeout. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, message: string, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves when the client's connection closes (the broker dropped it). */
export function closed(client: MqttClient, timeoutMs = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    if (!client.connected) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
