import type { AccessReason, DownlinkKind } from '../gateway/protocol/index.js';

/** Why a downlink was not applied. */
export type IgnoreReason = 'invalid' | 'retained' | 'expired' | 'replayed' | 'unsupported' | 'unmatched' | 'stale_base';

/**
 * Everything a simulated device reports about itself, on one typed channel (`device.on('event')`):
 * the CLI prints one line per event, tests wait for the one they need.
 */
export type SimEvent =
  | { type: 'booted'; bootId: string }
  | { type: 'connected'; bootId: string }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { type: 'refused'; code: number; message: string }
  | { type: 'dropped'; count: number; total: number }
  | { type: 'downlink'; kind: DownlinkKind; nonce: string }
  | { type: 'ignored'; kind: DownlinkKind | 'unknown'; reason: IgnoreReason; detail?: string }
  | { type: 'door'; state: 'open' | 'closed' | 'forced' | 'held' }
  | { type: 'lock'; locked: boolean; until: number | null }
  | { type: 'allowlist'; version: number; entries: number }
  | { type: 'badge'; uid: string; source: 'controller' | 'offline'; grant: boolean; reason: AccessReason }
  | { type: 'controller'; reachable: boolean }
  | { type: 'desk'; occupied: boolean }
  | { type: 'stopped' };

export interface SimEventMap {
  event: [SimEvent];
}

/** One short line per event, for logs. */
export function describeEvent(e: SimEvent): string {
  switch (e.type) {
    case 'booted': return `booted (bootId ${e.bootId})`;
    case 'connected': return `connected (bootId ${e.bootId})`;
    case 'disconnected': return `disconnected: ${e.reason}`;
    case 'reconnecting': return `reconnecting in ${e.delayMs} ms (attempt ${e.attempt}${e.reason ? `, ${e.reason}` : ''})`;
    case 'refused': return `broker refused the connection: ${e.message} (code ${e.code})`;
    case 'dropped': return `offline buffer full: dropped ${e.count} oldest uplink(s), ${e.total} in all`;
    case 'downlink': return `${e.kind} command ${e.nonce} applied`;
    case 'ignored': return `${e.kind} downlink ignored: ${e.reason}${e.detail ? ` (${e.detail})` : ''}`;
    case 'door': return `door ${e.state}`;
    case 'lock': return e.locked ? 'lock locked' : `lock unlocked${e.until === null ? '' : ` until ${new Date(e.until).toISOString()}`}`;
    case 'allowlist': return `allow-list version ${e.version} (${e.entries} entries)`;
    case 'badge': return `badge ${e.uid} ${e.grant ? 'granted' : `denied (${e.reason})`}${e.source === 'offline' ? ' offline' : ''}`;
    case 'controller': return e.reachable ? 'controller reachable' : 'controller unreachable: deciding from the allow-list';
    case 'desk': return e.occupied ? 'desk occupied' : 'desk free';
    case 'stopped': return 'stopped';
  }
}

/** What the simulator writes its lines to; `console` and a pino logger both fit. */
export interface SimLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

export const silentLogger: SimLogger = { info: () => {}, warn: () => {} };
