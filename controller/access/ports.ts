import type { DownlinkKind, DownlinkPayloads } from '../../gateway/protocol/index.js';

export type CommandBody<K extends DownlinkKind> = Omit<DownlinkPayloads[K], 'v' | 'nonce' | 'issuedAt' | 'expiresAt'>;

/** Sends a command to a device; the gateway adds the nonce and the expiry. */
export interface CommandSender {
  send<K extends DownlinkKind>(deviceId: string, kind: K, body: CommandBody<K>, ttlMs?: number): Promise<unknown>;
}

/** Where a reader is: its door and the side of it. */
export interface ReaderPlace { deviceId: string; doorId: string; side: 'outside' | 'inside' }

/** What happens in the building, for the live stream and the dashboard. */
export type AccessEvent =
  | { type: 'decision'; id: number; at: number; doorId: string; grant: boolean; reason: string; personId: number | null; source: string }
  | { type: 'passage'; at: number; doorId: string; personId: number | null; fromZone: string; toZone: string }
  | { type: 'door'; at: number; doorId: string; state: 'open' | 'closed' | 'forced' | 'held' }
  | { type: 'alarm'; id: number; at: number; doorId: string; kind: 'forced' | 'held' | 'anti_passback'; detail: string }
  | { type: 'alarm_ack'; id: number; at: number; by: string }
  | { type: 'emergency'; at: number; mode: 'none' | 'lockdown' | 'evacuation'; by: string };
