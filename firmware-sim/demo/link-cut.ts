import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A device's network link, made of a TCP relay between it and the broker, so a scenario can cut
 * it and bring it back while the device keeps running: its sockets are destroyed (as a pulled
 * cable would), new connections are refused while the link is down, and the device decides alone,
 * buffers, reconnects with its backoff and delivers what it buffered once the link is back.
 */
export class LinkCut {
  readonly #target: { host: string; port: number };
  readonly #pairs = new Set<[Socket, Socket]>();
  #server: Server | null = null;
  #down = false;

  /** `brokerUrl`: mqtt://host:port of the broker the link leads to. */
  constructor(brokerUrl: string) {
    const url = new URL(brokerUrl);
    if (url.protocol !== 'mqtt:') throw new Error(`a link can only be cut on plain MQTT, not ${url.protocol}`);
    this.#target = { host: url.hostname, port: Number(url.port || 1883) };
  }

  get down(): boolean {
    return this.#down;
  }

  /** Listens on a free loopback port; resolves with the URL the device must connect to. */
  async start(): Promise<string> {
    if (this.#server !== null) throw new Error('link already started');
    const server = createServer((device) => this.#relay(device));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The cable is pulled: every connection through it dies now, and new ones until restore(). */
  cut(): void {
    this.#down = true;
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  restore(): void {
    this.#down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    const server = this.#server;
    this.#server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #relay(device: Socket): void {
    if (this.#down) {
      device.destroy();
      return;
    }
    const broker = connect(this.#target.port, this.#target.host);
    const pair: [Socket, Socket] = [device, broker];
    this.#pairs.add(pair);
    const close = (): void => {
      this.#pairs.delete(pair);
      device.destroy();
      broker.destroy();
    };
    for (const s of pair) {
      s.on('error', close);
      s.on('close', close);
    }
    device.pipe(broker);
    broker.pipe(device);
  }
}
