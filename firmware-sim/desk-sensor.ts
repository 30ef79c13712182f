import type { HeartbeatUplink } from '../gateway/protocol/index.js';
import { SimDevice, type SimDeviceOptions } from './device.js';

export interface SimDeskSensorOptions extends SimDeviceOptions {
  /** How long a new state must hold before it is reported; 0 reports at once. */
  debounceMs?: number;
  battery?: number;
}

export const deskSensorDefaults = {
  debounceMs: 10_000, // 10 s: someone leaning over a desk is not someone sitting at it
  battery: 100, // percent
};

/**
 * A desk occupancy sensor. It reports a state only once it has been stable for debounceMs, so a
 * flapping presence detector costs no uplinks, and reports its battery with every message.
 */
export class SimDeskSensor extends SimDevice {
  readonly debounceMs: number;
  #battery: number;
  #observed: boolean | null = null; // what the detector sees now
  #reported: boolean | null = null; // what the controller was last told (null: nothing this boot)
  #settleWaiting: ((published: boolean) => void) | null = null;

  constructor(options: SimDeskSensorOptions) {
    super(options);
    this.debounceMs = options.debounceMs ?? deskSensorDefaults.debounceMs;
    this.#battery = checkBattery(options.battery ?? deskSensorDefaults.battery);
  }

  get battery(): number {
    return this.#battery;
  }
  set battery(percent: number) {
    this.#battery = checkBattery(percent);
  }
  /** Same as the setter; the new level goes out with the next desk uplink or heartbeat. */
  setBattery(percent: number): void {
    this.battery = percent;
  }
  /** The last state published (null before the first one of this boot). */
  get occupied(): boolean | null {
    return this.#reported;
  }

  /**
   * The detector sees someone (or no one). Resolves true once that state is reported and
   * acknowledged, false if it changed back before it was stable or changes nothing. Never rejects.
   */
  setOccupied(occupied: boolean): Promise<boolean> {
    this.#observed = occupied;
    this.timers.clear('debounce');
    this.#resolveWaiting(false); // the previous state did not hold
    if (occupied === this.#reported) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.#settleWaiting = resolve;
      if (this.debounceMs === 0) this.#report();
      else this.timers.set('debounce', () => this.#report(), this.debounceMs);
    });
  }

  protected override heartbeatFields(): Partial<Pick<HeartbeatUplink, 'battery'>> {
    return { battery: this.#battery };
  }

  protected override onBoot(): void {
    this.#reported = null; // a fresh boot tells its state again
  }

  protected override onStop(): void {
    this.#resolveWaiting(false);
  }

  #report(): void {
    const occupied = this.#observed;
    if (occupied === null) return;
    const done = this.#settleWaiting;
    this.#settleWaiting = null;
    this.#reported = occupied;
    this.emitEvent({ type: 'desk', occupied });
    this.publishUplink('desk', { occupied, battery: this.#battery }).then(
      () => done?.(true),
      (err: Error) => {
        this.logger.warn(`${this.deviceId} desk uplink lost: ${err.message}`);
        done?.(false);
      },
    );
  }

  #resolveWaiting(published: boolean): void {
    const waiting = this.#settleWaiting;
    this.#settleWaiting = null;
    waiting?.(published);
  }
}

function checkBattery(percent: number): number {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`battery must be an integer percent, got ${percent}`);
  return percent;
}
