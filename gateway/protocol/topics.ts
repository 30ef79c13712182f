import { PROTOCOL_VERSION, TOPIC_ROOT } from './version.js';

/**
 * Topic tree, one branch per site and device:
 *   mf/v1/{site}/{deviceId}/up/{kind}     device → controller (uplinks)
 *   mf/v1/{site}/{deviceId}/status        birth and last will, the only retained topic
 *   mf/v1/{site}/{deviceId}/down/{kind}   controller → device (commands)
 * The device's MQTT client id and username are its device id.
 */
export const UPLINK_KINDS = ['badge', 'door', 'rex', 'desk', 'net', 'heartbeat', 'ack'] as const;
export const DOWNLINK_KINDS = ['access', 'allowlist', 'door_cmd'] as const;
export type UplinkKind = (typeof UPLINK_KINDS)[number];
export type DownlinkKind = (typeof DOWNLINK_KINDS)[number];

// ≤ 23 chars: MQTT 3.1.1 client id limit [MQTT-3.1.3-5]. Ids starting with "controller" are the
// controller's own identities: an external broker's %u ACL patterns must never grant them a device branch.
export const DEVICE_ID_PATTERN = '^(?!controller)[a-z0-9][a-z0-9-]{1,22}$';
export const SITE_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,31}$';
const deviceIdRe = new RegExp(DEVICE_ID_PATTERN);
const siteIdRe = new RegExp(SITE_ID_PATTERN);

export function isDeviceId(value: string): boolean {
  return deviceIdRe.test(value);
}
export function isSiteId(value: string): boolean {
  return siteIdRe.test(value);
}

const prefix = `${TOPIC_ROOT}/v${PROTOCOL_VERSION}`;

export function uplinkTopic(site: string, deviceId: string, kind: UplinkKind): string {
  return `${prefix}/${site}/${deviceId}/up/${kind}`;
}
export function statusTopic(site: string, deviceId: string): string {
  return `${prefix}/${site}/${deviceId}/status`;
}
export function downlinkTopic(site: string, deviceId: string, kind: DownlinkKind): string {
  return `${prefix}/${site}/${deviceId}/down/${kind}`;
}

/** Filters the controller subscribes to (its ACL allows exactly these and the downlink publishes). */
export function allUplinksFilter(site: string): string {
  return `${prefix}/${site}/+/up/+`;
}
export function allStatusFilter(site: string): string {
  return `${prefix}/${site}/+/status`;
}
/** The one filter a device subscribes to. */
export function deviceDownlinkFilter(site: string, deviceId: string): string {
  return `${prefix}/${site}/${deviceId}/down/+`;
}

export type ParsedTopic =
  | { direction: 'up'; site: string; deviceId: string; kind: UplinkKind }
  | { direction: 'down'; site: string; deviceId: string; kind: DownlinkKind }
  | { direction: 'status'; site: string; deviceId: string };

const uplinkKinds = new Set<string>(UPLINK_KINDS);
const downlinkKinds = new Set<string>(DOWNLINK_KINDS);

/** Parses a concrete topic (no wildcards); null when it is not a topic of this protocol. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== TOPIC_ROOT || parts[1] !== `v${PROTOCOL_VERSION}`) return null;
  const site = parts[2];
  const deviceId = parts[3];
  if (site === undefined || deviceId === undefined || !isSiteId(site) || !isDeviceId(deviceId)) return null;
  if (parts.length === 5 && parts[4] === 'status') return { direction: 'status', site, deviceId };
  if (parts.length !== 6) return null;
  const kind = parts[5] as string;
  if (parts[4] === 'up' && uplinkKinds.has(kind)) return { direction: 'up', site, deviceId, kind: kind as UplinkKind };
  if (parts[4] === 'down' && downlinkKinds.has(kind)) return { direction: 'down', site, deviceId, kind: kind as DownlinkKind };
  return null;
}
