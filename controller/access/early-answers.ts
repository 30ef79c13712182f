import type { Decision } from './decide.js';

export const earlyAnswerDefaults = {
  keepMs: 30_000, // 30 s: an answer whose uplink was never stored (a duplicate) is forgotten after this
};

/**
 * Badge answers sent the moment the uplink arrived, before its group commit, kept until the
 * stored uplink comes back to be logged with the same decision. An uplink that turns out to be a
 * duplicate never comes back: its entry is swept after `keepMs`.
 */
export class EarlyAnswers {
  #byKey = new Map<string, { decision: Decision; at: number }>();
  #sweptAt = 0;

  static key(deviceId: string, bootId: string, seq: number): string {
    return `${deviceId}/${bootId}/${seq}`;
  }

  put(key: string, decision: Decision, at: number): void {
    if (at - this.#sweptAt > earlyAnswerDefaults.keepMs) this.#sweep(at);
    this.#byKey.set(key, { decision, at });
  }

  take(key: string): Decision | undefined {
    const entry = this.#byKey.get(key);
    if (entry !== undefined) this.#byKey.delete(key);
    return entry?.decision;
  }

  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [key, entry] of this.#byKey) if (now - entry.at > earlyAnswerDefaults.keepMs) this.#byKey.delete(key);
  }
}
