/**
 * What a reader knows of the controller. It is reachable while the MQTT link is up and no badge
 * went unanswered since the controller was last heard from (any command it sent). The moment it
 * stops being reachable starts the clock of the allow-list's staleness; a real reader keeps that
 * moment in flash with the list, so it survives a reboot.
 */
export class ControllerPresence {
  #linkUp = false;
  #silent = false;
  #lostAt: number | null = null; // when it stopped being reachable; null: never reached

  get reachable(): boolean {
    return this.#linkUp && !this.#silent;
  }

  /** How long (ms) the controller has been unreachable at `now`: 0 while reachable, Infinity if never reached. */
  unreachableForMs(now: number): number {
    if (this.reachable) return 0;
    return this.#lostAt === null ? Number.POSITIVE_INFINITY : Math.max(0, now - this.#lostAt);
  }

  /** When it stopped being reachable (null while reachable, or if never reached). */
  get lostAt(): number | null {
    return this.reachable ? null : this.#lostAt;
  }

  /** A new boot tries the controller again: only the link is unknown. Returns true if `reachable` changed. */
  boot(now: number): boolean {
    return this.#change(now, () => { this.#linkUp = false; this.#silent = false; });
  }

  linkUp(now: number): boolean {
    return this.#change(now, () => { this.#linkUp = true; });
  }

  linkDown(now: number): boolean {
    return this.#change(now, () => { this.#linkUp = false; });
  }

  /** A badge sent at `since` went unanswered: the controller has been gone since then, at the latest. */
  silent(now: number, since: number): boolean {
    const was = this.reachable;
    this.#silent = true;
    if (was) this.#lostAt = Math.min(since, now);
    return was;
  }

  /** The controller sent a command: it is there. */
  heard(now: number): boolean {
    return this.#change(now, () => { this.#silent = false; });
  }

  #change(now: number, apply: () => void): boolean {
    const was = this.reachable;
    apply();
    if (was && !this.reachable) this.#lostAt = now;
    return was !== this.reachable;
  }
}
