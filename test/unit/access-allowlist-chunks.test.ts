import { describe, expect, it } from 'vitest';
import { chunkAllowlist } from '../../controller/access/allowlist-sync.js';
import { MAX_PAYLOAD_BYTES, parseDownlink, type AllowlistEntry } from '../../gateway/protocol/index.js';

const DAY = 86_400_000;
const entry = (i: number, days: number): AllowlistEntry => ({
  uid: (0x04000000 + i).toString(16).toUpperCase().padStart(8, '0'),
  intervals: Array.from({ length: days }, (_, d) => [1_780_000_000_000 + d * DAY, 1_780_000_000_000 + d * DAY + 12 * 3_600_000] as [number, number]),
});

describe('allow-list messages', () => {
  it('split a large list into messages that each validate and fit one packet, losing nothing', () => {
    const upsert = Array.from({ length: 3_000 }, (_, i) => entry(i, 1 + (i % 8)));
    const remove = Array.from({ length: 1_500 }, (_, i) => `0A${String(i).padStart(8, '0')}`);
    const messages = chunkAllowlist(upsert, remove);
    expect(messages.length).toBeGreaterThan(3);
    for (const [i, m] of messages.entries()) {
      const body = JSON.stringify({
        v: 1, nonce: 'n'.repeat(22), issuedAt: 1, expiresAt: 2, version: i + 1, mode: i === 0 ? 'full' : 'delta',
        ...(i === 0 ? {} : { baseVersion: i }), upsert: m.upsert, remove: m.remove, maxStalenessS: 86_400, horizonUntil: 3, doorUnlocked: [],
      });
      expect(Buffer.byteLength(body)).toBeLessThan(MAX_PAYLOAD_BYTES);
      const parsed = parseDownlink('allowlist', body);
      expect(parsed.ok, parsed.ok ? '' : parsed.reason).toBe(true);
    }
    expect(messages.flatMap((m) => m.upsert)).toEqual(upsert);
    expect(messages.flatMap((m) => m.remove)).toEqual(remove);
  });

  it('sends one (empty) message for an empty list, so a reader learns it holds nothing', () => {
    expect(chunkAllowlist([], [])).toEqual([{ upsert: [], remove: [] }]);
  });
});
