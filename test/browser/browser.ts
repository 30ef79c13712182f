import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium: the tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run'];

export interface TestBrowser {
  context: BrowserContext;
  /** A new page; console errors and uncaught exceptions of the page are kept in `errors`. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  errors: string[];
  close(): Promise<void>;
}

/** Headless Chromium with a fresh user-data dir (no cookie, no storage), removed at close. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'mf-chromium-'));
  const errors: string[] = [];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    context,
    errors,
    newPage: async (viewport) => {
      const page = await context.newPage();
      if (viewport !== undefined) await page.setViewportSize(viewport);
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
      });
      return page;
    },
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

type Watch = { selector: string; attr: string | null; values: string[]; timeoutMs: number };

/**
 * Starts watching the page for the element of `selector` to exist (attr null) or to have `attr`
 * equal to `value` (or to one of them), with a MutationObserver installed before this resolves. The returned
 * function resolves with the page's wall-clock time (ms since the epoch: the same clock as the
 * test's `Date.now()`) when it first happened, or -1 after `timeoutMs`. If it already holds when
 * the watch starts, the time is the start's.
 */
export async function watchDom(page: Page, selector: string, attr: string | null = null, value: string | string[] = [], timeoutMs = 5_000): Promise<() => Promise<number>> {
  const values = typeof value === 'string' ? [value] : value;
  const id = await page.evaluate((w: Watch) => {
    type Registry = { next: number; watches: Map<number, Promise<number>> };
    const g = globalThis as unknown as { __mfWatches?: Registry };
    const registry = (g.__mfWatches ??= { next: 1, watches: new Map() });
    const key = registry.next++;
    const matches = () => {
      const el = document.querySelector(w.selector);
      return el !== null && (w.attr === null || w.values.includes(el.getAttribute(w.attr) ?? ''));
    };
    registry.watches.set(key, new Promise<number>((resolve) => {
      if (matches()) {
        resolve(Date.now());
        return;
      }
      const observer = new MutationObserver(() => {
        if (!matches()) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve(Date.now());
      });
      const timer = setTimeout(() => {
        observer.disconnect();
        resolve(-1);
      }, w.timeoutMs);
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    }));
    return key;
  }, { selector, attr, values, timeoutMs });
  return () => page.evaluate((key: number) => {
    const g = globalThis as unknown as { __mfWatches: { watches: Map<number, Promise<number>> } };
    return g.__mfWatches.watches.get(key) as Promise<number>;
  }, id);
}

/** Whether the page scrolls sideways: the document wider than the viewport. */
export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    clientWidth: document.documentElement.clientWidth,
  }));
}

/** Calls `onFrame` with every WebSocket frame the page receives, as text (the live streams under test). */
export function onTextFrames(page: Page, onFrame: (text: string) => void): void {
  page.on('websocket', (ws) => ws.on('framereceived', (f) => onFrame(typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8'))));
}

/** Every HTTP response of 400 or more the page gets ("STATUS URL"), except those whose URL matches `expected`. */
export function recordFailedResponses(page: Page, failed: string[] = [], expected?: RegExp): string[] {
  page.on('response', (res) => {
    if (res.status() >= 400 && !(expected?.test(res.url()) ?? false)) failed.push(`${res.status()} ${res.url()}`);
  });
  return failed;
}
