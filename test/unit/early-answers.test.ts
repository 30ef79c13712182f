import { describe, expect, it } from 'vitest';
import type { Decision } from '../../controller/access/decide.js';
import { EarlyAnswers, earlyAnswerDefaults } from '../../controller/access/early-answers.js';

const grant: Decision = { grant: true, reason: 'granted', unlockMs: 5000, credentialId: 1, personId: 1, toZone: 'hall', fromZone: 'outside' };

describe('early badge answers', () => {
  it('are taken once by the stored uplink of the same device, boot and sequence', () => {
    const early = new EarlyAnswers();
    early.put(EarlyAnswers.key('rdr-a', 'boot1', 7), grant, 1_000);
    expect(early.take(EarlyAnswers.key('rdr-a', 'boot1', 8))).toBeUndefined();
    expect(early.take(EarlyAnswers.key('rdr-a', 'boot1', 7))).toBe(grant);
    expect(early.take(EarlyAnswers.key('rdr-a', 'boot1', 7))).toBeUndefined();
  });

  it('forget an answer whose uplink never came back (a duplicate) after keepMs', () => {
    const early = new EarlyAnswers();
    early.put(EarlyAnswers.key('rdr-a', 'b', 1), grant, 0);
    early.put(EarlyAnswers.key('rdr-a', 'b', 2), grant, earlyAnswerDefaults.keepMs + 1); // sweeps what is older
    expect(early.take(EarlyAnswers.key('rdr-a', 'b', 1))).toBeUndefined();
    expect(early.take(EarlyAnswers.key('rdr-a', 'b', 2))).toBe(grant);
  });
});
