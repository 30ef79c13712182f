import { startTestController, type TestController } from '../support/controller.js';

/** Paris wall-clock time of a date: '2027-01-13', '10:00' → epoch ms (January: UTC+1). */
export const paris = (date: string, hhmm: string, offset = '+01:00'): number => Date.parse(`${date}T${hhmm}:00${offset}`);

/** Wednesday 13 January 2027, 08:00 in Paris: the controller's "now" unless a test moves it. */
export const DAY = '2027-01-13';
export const MINUTE = 60_000;

export interface SettableClock {
  (): number;
  now: number;
}

export function settableClock(start: number): SettableClock {
  const clock = (() => clock.now) as SettableClock;
  clock.now = start;
  return clock;
}

export interface Caller {
  personId: number | null;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }>; // any: tests read arbitrary replies
}

/** The controller on a clock the test sets, with a clean bookings API helper per caller. */
export async function startBookingController(clock: SettableClock, env: Record<string, string> = {}): Promise<TestController> {
  return startTestController(env, { clock });
}

async function call(base: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON (the iCalendar feed): the text itself
  }
  return { status: res.status, json: json as any, type: res.headers.get('content-type') }; // any: tests read arbitrary replies
}

/** Anonymous requests (the public day, the feeds). */
export const anonymous = (ctl: TestController) => (method: string, path: string) => call(ctl.system.httpUrl, null, method, path);

/**
 * A login of the given role with an API token, and (unless `person` is null) a person linked to
 * it, of the given kind. A member's login is how the bookings API knows who books.
 */
export async function caller(ctl: TestController, username: string, role: 'member' | 'manager', person: { name: string; kind?: 'member' | 'resident' | 'staff' } | null): Promise<Caller> {
  const password = `${username}-password-123`;
  const user = await ctl.api('POST', '/api/users', { username, displayName: username, role, password });
  if (user.status !== 201) throw new Error(`user ${username}: ${user.status} ${JSON.stringify(user.json)}`);
  const base = ctl.system.httpUrl;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ username, password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const reply = await fetch(`${base}/api/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base, cookie }, body: JSON.stringify({ name: 'test' }),
  });
  const { token } = (await reply.json()) as { token: string };
  const personId = person === null ? null
    : ctl.system.access.people.createPerson({ kind: person.kind ?? 'member', name: person.name, userId: user.json.id }, 'test');
  return { personId, call: (method, path, body) => call(base, token, method, path, body) };
}
