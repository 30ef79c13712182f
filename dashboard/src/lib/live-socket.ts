/**
 * A WebSocket to the live stream that comes back by itself: after any close it reconnects with
 * exponential backoff and jitter, and the server's first frame on every connection is a full
 * snapshot, so the page re-applies snapshot + deltas without asking for anything.
 */

export type LiveStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'waiting'; retryAt: number; code: number }
  | { state: 'stopped' };

export interface LiveSocketOptions<M> {
  url: string;
  onMessage(message: M): void;
  onStatus?(status: LiveStatus): void;
  /** After a close: resolve false to stop (the session ended), true to reconnect. */
  onClose?(code: number): Promise<boolean> | boolean;
  backoff?: Partial<typeof backoffDefaults>;
}

export const backoffDefaults = {
  baseMs: 500, // first retry after about half a second
  maxMs: 30_000, // 30 s at most between attempts
  factor: 2,
};

export class LiveSocket<M> {
  readonly #opts: LiveSocketOptions<M>;
  readonly #backoff: typeof backoffDefaults;
  #ws: WebSocket | null = null;
  #timer: number | undefined;
  #attempt = 0;
  #running = false;
  readonly #onOnline = () => {
    // The network is back: retry now rather than at the end of a long backoff.
    if (this.#running && this.#ws === null) this.#connectNow();
  };

  constructor(opts: LiveSocketOptions<M>) {
    this.#opts = opts;
    this.#backoff = { ...backoffDefaults, ...opts.backoff };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    window.addEventListener('online', this.#onOnline);
    this.#connect();
  }

  stop(): void {
    this.#running = false;
    window.removeEventListener('online', this.#onOnline);
    window.clearTimeout(this.#timer);
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'page closed the stream');
    this.#opts.onStatus?.({ state: 'stopped' });
  }

  #connectNow(): void {
    window.clearTimeout(this.#timer);
    this.#connect();
  }

  #connect(): void {
    if (!this.#running) return;
    this.#opts.onStatus?.({ state: 'connecting' });
    const ws = new WebSocket(this.#opts.url);
    this.#ws = ws;
    ws.addEventListener('message', (event) => {
      if (this.#ws !== ws || typeof event.data !== 'string') return;
      let message: M;
      try {
        message = JSON.parse(event.data) as M;
      } catch {
        return; // not ours to guess: skip the frame
      }
      if (this.#attempt > 0 || (message as { type?: string }).type === 'snapshot') {
        this.#attempt = 0; // a connection that delivered its snapshot counts as a success
        this.#opts.onStatus?.({ state: 'live' });
      }
      this.#opts.onMessage(message);
    });
    ws.addEventListener('close', (event) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      void this.#afterClose(event.code);
    });
  }

  async #afterClose(code: number): Promise<void> {
    if (!this.#running) return;
    let again = true;
    try {
      again = (await this.#opts.onClose?.(code)) ?? true;
    } catch {
      again = true; // could not tell: keep trying
    }
    if (!again) {
      this.stop();
      return;
    }
    if (!this.#running) return;
    const { baseMs, maxMs, factor } = this.#backoff;
    const ceiling = Math.min(maxMs, baseMs * factor ** this.#attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2); // jitter: 1000 dashboards do not come back at once
    this.#attempt += 1;
    this.#opts.onStatus?.({ state: 'waiting', retryAt: Date.now() + delay, code });
    this.#timer = window.setTimeout(() => this.#connect(), delay);
  }
}
