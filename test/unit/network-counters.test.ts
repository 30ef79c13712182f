import { describe, expect, it } from 'vitest';
import { counterDelta, hourOf, type CounterReading } from '../../controller/network/counters.js';

const r = (value: bigint, over: Partial<CounterReading> = {}): CounterReading => ({ value, width: 32, bootId: 'boot-a', uptimeS: 100, ...over });
const MAX32 = (1n << 32n) - 1n;
const MAX64 = (1n << 64n) - 1n;

describe('network counter deltas', () => {
  it('counts nothing on the first reading of a port', () => {
    expect(counterDelta(undefined, r(5_000n))).toEqual({ bytes: 0n, kind: 'first' });
  });

  it('subtracts readings on the same boot', () => {
    expect(counterDelta(r(1_000n), r(251_000n, { uptimeS: 160 }))).toEqual({ bytes: 250_000n, kind: 'normal' });
  });

  it('carries a 32-bit wrap across 2^32', () => {
    expect(counterDelta(r(MAX32 - 99n), r(400n, { uptimeS: 160 }))).toEqual({ bytes: 500n, kind: 'wrap' });
  });

  it('carries a 64-bit wrap across 2^64', () => {
    const prev = r(MAX64 - 9n, { width: 64 });
    expect(counterDelta(prev, r(10n, { width: 64, uptimeS: 160 }))).toEqual({ bytes: 20n, kind: 'wrap' });
  });

  it('takes a reboot (new boot id, or uptime going back) as a restart from zero', () => {
    expect(counterDelta(r(9_000_000n), r(1_200n, { bootId: 'boot-b', uptimeS: 30 }))).toEqual({ bytes: 1_200n, kind: 'reset' });
    expect(counterDelta(r(9_000_000n, { uptimeS: 500 }), r(1_200n, { uptimeS: 12 }))).toEqual({ bytes: 1_200n, kind: 'reset' });
    // a reboot whose counter already exceeds the old value is still a restart, not traffic since the last reading
    expect(counterDelta(r(1_000n, { uptimeS: 500 }), r(5_000n, { uptimeS: 3 }))).toEqual({ bytes: 5_000n, kind: 'reset' });
  });

  it('takes a drop that no port could wrap in the time between readings as a counter reset', () => {
    // 1.29 GB in one second is more than 10 Gbit/s: a reset; in a minute it is a plausible wrap
    expect(counterDelta(r(3_000_000_000n), r(7n, { uptimeS: 101 }))).toEqual({ bytes: 7n, kind: 'reset' });
    expect(counterDelta(r(3_000_000_000n), r(7n, { uptimeS: 160 }))).toEqual({ bytes: 1_294_967_303n, kind: 'wrap' });
    expect(counterDelta(r(500n, { width: 64 }), r(7n, { width: 64, uptimeS: 160 }))).toEqual({ bytes: 7n, kind: 'reset' });
  });

  it('files usage under the hour it was read in', () => {
    expect(hourOf(Date.parse('2026-11-25T10:59:59.999Z'))).toBe(Date.parse('2026-11-25T10:00:00Z'));
    expect(hourOf(Date.parse('2026-11-25T11:00:00Z'))).toBe(Date.parse('2026-11-25T11:00:00Z'));
  });
});
