import type { NetUplink } from '../gateway/protocol/index.js';
import { SimDevice, type SimDeviceOptions } from './device.js';

export type CounterWidth = 32 | 64;

export interface SimNetMeterOptions extends SimDeviceOptions {
  /** Port names (or client MAC addresses) the meter counts. */
  ports: readonly string[];
  /** Counter width in bits: SNMP ifInOctets is 32, ifHCInOctets 64. */
  width?: CounterWidth;
  /** Seconds between automatic reports; 0 reports only when report() is called. */
  reportIntervalS?: number;
}

export const netMeterDefaults = {
  width: 64 as CounterWidth,
  reportIntervalS: 60, // 1 minute between reports
};

const PORT_RE = /^[A-Za-z0-9:._-]{1,64}$/; // the NetCounter schema's port pattern

interface PortCounters {
  rx: bigint;
  tx: bigint;
}

/**
 * A network-usage meter: cumulative byte counters per port that wrap at their width, as real
 * switch counters do, and restart from 0 when the meter reboots. The controller turns them into
 * usage; the meter only counts.
 */
export class SimNetMeter extends SimDevice {
  readonly width: CounterWidth;
  readonly reportIntervalS: number;
  readonly #mask: bigint;
  readonly #ports = new Map<string, PortCounters>();

  constructor(options: SimNetMeterOptions) {
    super(options);
    if (options.ports.length < 1 || options.ports.length > 256) throw new RangeError('a net meter counts 1 to 256 ports');
    for (const port of options.ports) {
      if (!PORT_RE.test(port)) throw new TypeError(`"${port}" is not a valid port name`);
      this.#ports.set(port, { rx: 0n, tx: 0n });
    }
    this.width = options.width ?? netMeterDefaults.width;
    this.reportIntervalS = options.reportIntervalS ?? netMeterDefaults.reportIntervalS;
    this.#mask = (1n << BigInt(this.width)) - 1n;
  }

  get ports(): string[] {
    return [...this.#ports.keys()];
  }

  /** The raw counters of a port, as the meter holds them (already wrapped). */
  portCounters(port: string): { rx: bigint; tx: bigint } {
    const c = this.#port(port);
    return { rx: c.rx, tx: c.tx };
  }

  /** Counts traffic on a port; counters wrap modulo 2^width. */
  addTraffic(port: string, rxBytes: number | bigint, txBytes: number | bigint): void {
    const c = this.#port(port);
    c.rx = (c.rx + toBytes(rxBytes)) & this.#mask;
    c.tx = (c.tx + toBytes(txBytes)) & this.#mask;
  }

  /** Publishes the counters of every port (decimal strings: 64-bit values do not fit a JSON number). */
  report(): Promise<NetUplink> {
    const counters = [...this.#ports].map(([port, c]) => ({ port, rxBytes: c.rx.toString(), txBytes: c.tx.toString(), width: this.width }));
    return this.publishUplink('net', { uptimeS: this.uptimeS, counters });
  }

  /** A power cycle: counters back to 0, a new bootId, seq and uptime from 0. */
  async reboot(): Promise<void> {
    await this.stop();
    for (const c of this.#ports.values()) {
      c.rx = 0n;
      c.tx = 0n;
    }
    await this.start();
  }

  protected override onBoot(): void {
    this.#scheduleReport();
  }

  #scheduleReport(): void {
    if (this.reportIntervalS <= 0) return;
    this.timers.set('report', () => {
      this.#scheduleReport();
      this.report().catch((err: Error) => this.logger.warn(`${this.deviceId} net report lost: ${err.message}`));
    }, this.reportIntervalS * 1000);
  }

  #port(port: string): PortCounters {
    const c = this.#ports.get(port);
    if (c === undefined) throw new RangeError(`meter ${this.deviceId} has no port "${port}"`);
    return c;
  }
}

function toBytes(value: number | bigint): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`byte count must be a safe integer, got ${value}`);
  const n = BigInt(value);
  if (n < 0n) throw new RangeError(`byte count must not be negative, got ${value}`);
  return n;
}
