import { WebSocket, type ClientOptions } from 'ws';

/** A real WebSocket client that keeps every frame it receives (raw text and parsed). */
export interface LiveConnection {
  ws: WebSocket;
  raw: string[];
  frames: unknown[];
  /** Frames that came as binary: a browser would get a Blob, not text. */
  binary: number;
  /** Resolves once `count` frames have arrived. */
  waitFrames(count: number, timeoutMs?: number): Promise<unknown[]>;
  closed: Promise<{ code: number; reason: string }>;
}

export function openLive(url: string, options: ClientOptions = {}): Promise<LiveConnection> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const raw: string[] = [];
    const frames: unknown[] = [];
    const waiters: Array<() => void> = [];
    const closed = new Promise<{ code: number; reason: string }>((done) => {
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() }));
    });
    const connection = { binary: 0 };
    ws.on('message', (data, isBinary) => {
      if (isBinary) connection.binary += 1;
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      raw.push(text);
      frames.push(JSON.parse(text));
      for (const w of waiters.splice(0)) w();
    });
    const waitFrames = (count: number, timeoutMs = 5_000) => new Promise<unknown[]>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${frames.length} frames of ${count} after ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (frames.length >= count) {
          clearTimeout(timer);
          done(frames);
        } else {
          waiters.push(check);
        }
      };
      check();
    });
    ws.once('open', () => resolve(Object.assign(connection, { ws, raw, frames, waitFrames, closed })));
    ws.once('unexpected-response', (req, res) => {
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
      req.destroy(); // a browser closes the connection after a refusal, and so do we
    });
    ws.once('error', reject);
  });
}

/** The HTTP status that refused the upgrade (fails if the upgrade succeeded). */
export async function refusal(url: string, options: ClientOptions = {}): Promise<number> {
  try {
    const c = await openLive(url, options);
    c.ws.close();
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status !== undefined) return status;
    throw err;
  }
  throw new Error('the upgrade was accepted');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
