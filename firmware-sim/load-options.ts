import { loadDeviceDefaults, type LoadKind } from './load-device.js';

/** The load generator's options, defaults and reports (firmware-sim/load.ts runs them). */

export const loadDefaults = {
  batchSize: 250, // connections opened together; the next batch starts once these are up
  connectPhaseMs: 300_000, // 5 minutes at most to connect every device
  durationS: 30, // 30 s of publishing at most
  inflightPerDevice: 1, // unacknowledged uplinks per device
  keepaliveS: loadDeviceDefaults.keepaliveS,
  drainTimeoutMs: 10_000, // 10 s for the last PUBACKs after publishing
  stopTimeoutMs: 5_000, // 5 s for the clean disconnects, then the sockets are destroyed
  tickMs: 5, // pacing granularity
  maxBurstS: 0.1, // after a stall, at most 100 ms worth of messages are caught up at once
  progressMs: 1_000, // one progress report per second
};

export interface LoadDevice {
  id: string;
  secret: string;
}

export interface LoadOptions {
  brokerUrl: string;
  site: string;
  devices: LoadDevice[];
  /** Uplinks per second across all devices; 0 only holds the connections; 'max' keeps every device's window full. */
  rate: number | 'max';
  /** Stop publishing after this many uplinks (duplicates included). */
  count?: number;
  /** Publishing phase bound, in seconds. */
  durationS?: number;
  batchSize?: number;
  inflightPerDevice?: number;
  /** Every n-th uplink repeats the device's previous one (as a QoS 1 redelivery would); 0 never. */
  duplicateEvery?: number;
  /** Subscribe to the device's commands and publish a retained birth, with a last will (default true). */
  birth?: boolean;
  kinds?: readonly LoadKind[];
  keepaliveS?: number;
  connectPhaseMs?: number;
  drainTimeoutMs?: number;
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
}

export type LoadPhase = 'connecting' | 'publishing' | 'draining' | 'stopping' | 'stopped';

export interface LoadProgress {
  phase: LoadPhase;
  elapsedS: number;
  devices: number;
  connected: number;
  /** The most devices connected at once during the run. */
  peakConnected: number;
  failed: number;
  disconnected: number;
  sent: number;
  acked: number;
  /** Acknowledged uplinks that were not repeats: what the controller should have stored. */
  uniqueAcked: number;
  duplicates: number;
  errors: number;
  inflight: number;
  /** Acknowledgements per second over the last report interval. */
  ratePerS: number;
}

export interface LoadResult extends LoadProgress {
  connectMs: number;
  /** Epoch ms of the first publish, and of the last PUBACK. */
  publishStartedAt: number;
  lastAckAt: number;
  /** First publish to last acknowledgement, in ms, and the acknowledgements per second over it. */
  publishMs: number;
  ackRatePerS: number;
  completed: boolean;
  lastError?: string;
}
