/**
 * Byte counters of a network meter are cumulative and unsigned: they wrap at 2^32 or 2^64 and
 * restart at zero when the meter reboots. The delta between two readings is what was used.
 */
export interface CounterReading {
  value: bigint;
  width: 32 | 64;
  /** The meter's boot: a new boot id, or an uptime that went down, means the counters restarted. */
  bootId: string;
  uptimeS: number;
}

export type DeltaKind = 'normal' | 'wrap' | 'reset' | 'first';

export const counterDefaults = {
  maxBytesPerS: 1_250_000_000n, // 10 Gbit/s: faster than any port of the building
};

/**
 * The bytes counted between `previous` and `next`. A reboot (new boot, or uptime going back)
 * restarts the counter: everything it shows was counted since. A lower value on the same boot is
 * a wrap, unless the wrap would mean more traffic than a 10 Gbit/s port carries in the time
 * between the two readings: then the meter reset the counter without rebooting.
 */
export function counterDelta(previous: CounterReading | undefined, next: CounterReading): { bytes: bigint; kind: DeltaKind } {
  if (previous === undefined) return { bytes: 0n, kind: 'first' };
  if (next.bootId !== previous.bootId || next.uptimeS < previous.uptimeS) return { bytes: next.value, kind: 'reset' };
  if (next.value >= previous.value) return { bytes: next.value - previous.value, kind: 'normal' };
  const range = 1n << BigInt(next.width);
  const wrapped = range - previous.value + next.value;
  const seconds = BigInt(Math.max(1, next.uptimeS - previous.uptimeS));
  if (wrapped > counterDefaults.maxBytesPerS * seconds) return { bytes: next.value, kind: 'reset' };
  return { bytes: wrapped, kind: 'wrap' };
}

/** The start of the hour containing `at` (UTC hours: every zone the centre uses is whole-hour offset). */
export function hourOf(at: number): number {
  return Math.floor(at / 3_600_000) * 3_600_000;
}
