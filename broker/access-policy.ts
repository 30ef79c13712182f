import { timingSafeEqual } from 'node:crypto';
import {
  isDeviceId, mayPublish, mayRetain, maySubscribe, parseTopic, statusTopic, type MqttPrincipal,
} from '../gateway/protocol/index.js';

/** Answers the broker's questions about one connection; pure, so the ACL matrix is unit-tested. */
export interface CredentialCheck {
  /** True when the device exists, is provisioned and enabled, and the secret matches. */
  checkDevice(deviceId: string, secret: string): Promise<boolean> | boolean;
}

export interface ControllerIdentity {
  username: string;
  password: string;
}

export type AuthResult = { ok: true; principal: MqttPrincipal } | { ok: false; code: 2 | 4 | 5; reason: string };

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function authenticateClient(args: {
  site: string;
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  controller: ControllerIdentity;
  credentials: CredentialCheck;
}): Promise<AuthResult> {
  const { site, clientId, username, password } = args;
  if (username === undefined || password === undefined) {
    return { ok: false, code: 4, reason: 'anonymous clients are refused' };
  }
  const secret = password.toString('utf8');
  if (username === args.controller.username) {
    // The controller may hold several connections (gateway, tools), each named after its identity.
    if (!clientId.startsWith(`${args.controller.username}-`)) return { ok: false, code: 2, reason: 'controller client id must start with its username' };
    if (!sameSecret(secret, args.controller.password)) return { ok: false, code: 4, reason: 'bad controller password' };
    return { ok: true, principal: { role: 'controller', site } };
  }
  if (!isDeviceId(username)) return { ok: false, code: 4, reason: 'username is not a device id' };
  // The client id must be the device id: another device's credentials can never take over this session.
  if (clientId !== username) return { ok: false, code: 2, reason: 'client id must equal the device id' };
  if (!(await args.credentials.checkDevice(username, secret))) {
    return { ok: false, code: 4, reason: 'unknown, disabled or wrong device credentials' };
  }
  return { ok: true, principal: { role: 'device', deviceId: username, site } };
}

export type PublishVerdict = { ok: true } | { ok: false; reason: string };

export function checkPublish(principal: MqttPrincipal, topic: string, retain: boolean): PublishVerdict {
  if (topic.startsWith('$SYS')) return { ok: false, reason: '$SYS topics are reserved' };
  if (!mayPublish(principal, topic)) return { ok: false, reason: `not allowed to publish on ${topic}` };
  if (retain && !mayRetain(topic)) return { ok: false, reason: `retained message refused on ${topic}` };
  return { ok: true };
}

export function checkSubscribe(principal: MqttPrincipal, filter: string): boolean {
  return maySubscribe(principal, filter);
}

/** A device's last will may only announce its own status. */
export function checkWill(principal: MqttPrincipal, willTopic: string | undefined): boolean {
  if (willTopic === undefined) return true;
  if (principal.role === 'controller') return false;
  return willTopic === statusTopic(principal.site, principal.deviceId) && parseTopic(willTopic) !== null;
}
