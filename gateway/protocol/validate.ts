import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { downlinkSchemas, type DownlinkPayloads } from './downlinks.js';
import { DeviceStatus } from './status.js';
import type { DownlinkKind, UplinkKind } from './topics.js';
import { uplinkSchemas, type UplinkPayloads } from './uplinks.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

type Checker = ReturnType<typeof Compile<TSchema>>;
function compileAll<K extends string>(schemas: Record<K, TSchema>): Record<K, Checker> {
  const out = {} as Record<K, Checker>;
  for (const key of Object.keys(schemas) as K[]) out[key] = Compile(schemas[key]);
  return out;
}
const uplinkCheckers = compileAll(uplinkSchemas);
const downlinkCheckers = compileAll(downlinkSchemas);
const statusChecker = Compile(DeviceStatus);

export const MAX_PAYLOAD_BYTES = 64 * 1024; // 64 KiB: the controller splits allow-lists into messages of at most ~56 KB of entries

function parseWith<T>(checker: Checker, payload: Buffer | string): Parsed<T> {
  const bytes = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.length;
  if (bytes > MAX_PAYLOAD_BYTES) return { ok: false, reason: `payload larger than ${MAX_PAYLOAD_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'payload is not valid JSON' };
  }
  if (checker.Check(json)) return { ok: true, value: json as T };
  const first = [...checker.Errors(json)].slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message}`);
  return { ok: false, reason: `schema: ${first.join('; ')}` };
}

export function parseUplink<K extends UplinkKind>(kind: K, payload: Buffer | string): Parsed<UplinkPayloads[K]> {
  return parseWith<UplinkPayloads[K]>(uplinkCheckers[kind], payload);
}
export function parseDownlink<K extends DownlinkKind>(kind: K, payload: Buffer | string): Parsed<DownlinkPayloads[K]> {
  return parseWith<DownlinkPayloads[K]>(downlinkCheckers[kind], payload);
}
export function parseStatus(payload: Buffer | string): Parsed<DeviceStatus> {
  return parseWith<DeviceStatus>(statusChecker, payload);
}
