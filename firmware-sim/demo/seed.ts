import type { DemoDay } from './scenario.js';

/**
 * Seeds the demo building through the controller's HTTP API, as an operator's script would: log
 * in, take an API token, create the rules, the people and their badges, the training sessions,
 * the visitor passes and the laptops, then provision every device. No database access: firmware-sim
 * knows the controller only by its API.
 */

/** A thin JSON client of the controller's API, authenticated with a bearer token. */
export class DemoApi {
  private constructor(readonly baseUrl: string, readonly token: string) {}

  /** Logs in with a password and takes an API token (the login cookie would ask for CSRF proof). */
  static async login(baseUrl: string, username: string, password: string): Promise<DemoApi> {
    const base = baseUrl.replace(/\/$/, '');
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ username, password }),
    });
    if (login.status !== 200) throw new Error(`login as ${username} refused (${login.status}): ${await login.text()}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const res = await fetch(`${base}/api/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: base, cookie }, body: JSON.stringify({ name: 'npm run demo' }),
    });
    if (res.status !== 201) throw new Error(`API token refused (${res.status}): ${await res.text()}`);
    return new DemoApi(base, ((await res.json()) as { token: string }).token);
  }

  /** Sends a request; the answer's JSON (typed by the caller), or an error naming the call. */
  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text === '' ? null : JSON.parse(text)) as T;
  }
}

/** Runs `task` over `items`, at most `limit` at a time, in order of start. */
export async function inParallel<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The epoch ms of a local time of day (seconds since midnight) on the day `now` falls on, in `timeZone`. */
export function localTimeToday(now: number, timeZone: string, secondsOfDay: number): number {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const parts = (at: number): Record<string, number> =>
    Object.fromEntries(fmt.formatToParts(at).filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
  /** How far local time is ahead of UTC at that instant. */
  const offset = (at: number): number => {
    const p = parts(at);
    return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour, p.minute, p.second) - Math.floor(at / 1000) * 1000;
  };
  const today = parts(now);
  const wall = Date.UTC(today.year ?? 1970, (today.month ?? 1) - 1, today.day ?? 1) + secondsOfDay * 1000;
  let guess = wall - offset(wall);
  guess = wall - offset(guess); // again, in case the offset changes between the two (a DST night)
  return guess;
}

export interface SeedOptions {
  /** The controller's clock, roughly: visitor passes and training sessions are dated from it. */
  now: number;
  /** The building's time zone: the sessions are today's, in local time. */
  timeZone: string;
}

export interface SeededBuilding {
  /** Person id in the controller of each person of the day, by key. */
  personIds: Map<string, number>;
  counts: { people: number; badges: number; passes: number; laptops: number; sessions: number };
}

const HOUR = 3_600_000;

/** Creates the day's rules and people. Expects a fresh database (names and badges are unique). */
export async function seedBuilding(api: DemoApi, day: DemoDay, opts: SeedOptions): Promise<SeededBuilding> {
  type Row = { id: number; name: string };
  const schedules = await api.call<Row[]>('GET', '/api/schedules');
  // A fresh controller writes its starting rules, "Always" among them; create it only if it is not there.
  const always = schedules.find((s) => s.name === 'Always')
    ?? await api.call<Row>('POST', '/api/schedules', { name: 'Always', slots: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }], openOnHolidays: true });
  // The controller decides with its real clock, so the demo's people may come in at any hour. The
  // meeting rooms are not in it: their doors open to whoever booked them (and their guests).
  const grant = (zoneId: string) => ({ zoneId, scheduleId: always.id });
  const everyone = await api.call<Row>('POST', '/api/access-groups', {
    name: 'Demo day: the building at all hours',
    grants: ['hall', 'coworking', 'lab', 'training-wing', 'event-hall'].map(grant),
  });
  const offices = [...new Set(day.people.flatMap((p) => (p.office === undefined ? [] : [p.office])))];
  const residents = await api.call<Row>('POST', '/api/access-groups', { name: 'Demo day: company offices', grants: offices.map(grant) });
  const staffGroup = (await api.call<Row[]>('GET', '/api/access-groups?limit=1000')).find((g) => g.name === 'Staff');

  const companyIds = new Map<string, number>();
  for (const name of new Set(day.people.flatMap((p) => (p.company === undefined ? [] : [p.company])))) {
    companyIds.set(name, (await api.call<Row>('POST', '/api/companies', { name })).id);
  }

  const personIds = new Map<string, number>();
  const counts = { people: 0, badges: 0, passes: 0, laptops: 0, sessions: 0 };
  const email = (name: string): string => `${name.normalize('NFD').replace(/[^A-Za-z ]/g, '').toLowerCase().replace(/ +/g, '.')}@example.org`;
  await inParallel(day.people.filter((p) => p.kind !== 'visitor'), 8, async (p) => {
    const companyId = p.company === undefined ? undefined : companyIds.get(p.company);
    const person = await api.call<Row>('POST', '/api/people', { kind: p.kind, name: p.name, email: email(p.name), ...(companyId === undefined ? {} : { companyId }) });
    personIds.set(p.key, person.id);
    await api.call('POST', `/api/people/${person.id}/credentials`, { uid: p.uid });
    await api.call('POST', `/api/access-groups/${everyone.id}/members`, { personId: person.id });
    if (p.office !== undefined) await api.call('POST', `/api/access-groups/${residents.id}/members`, { personId: person.id });
    if (p.kind === 'staff' && staffGroup !== undefined) await api.call('POST', `/api/access-groups/${staffGroup.id}/members`, { personId: person.id });
    if (p.mac !== undefined) {
      await api.call('POST', '/api/network-devices', { mac: p.mac, personId: person.id, label: `${p.name.split(' ')[0] ?? p.name}'s laptop` });
      counts.laptops++;
    }
    counts.people++;
    counts.badges++;
  });

  for (const s of day.sessions) {
    const traineeIds = s.trainees.map((key) => personIds.get(key)).filter((id): id is number => id !== undefined);
    await api.call('POST', '/api/training-sessions', {
      zoneId: s.zoneId, name: s.name, traineeIds,
      startsAt: localTimeToday(opts.now, opts.timeZone, s.start), endsAt: localTimeToday(opts.now, opts.timeZone, s.end),
    });
    counts.sessions++;
  }

  // Visitors come with their pass and a day badge, valid from now for a day of the real clock.
  await inParallel(day.people.filter((p) => p.kind === 'visitor'), 8, async (p) => {
    const hostPersonId = personIds.get(p.host ?? '');
    if (hostPersonId === undefined) throw new Error(`visitor ${p.key} has no host among the people seeded`);
    const pass = await api.call<{ personId: number }>('POST', '/api/visitor-passes', {
      visitorName: p.name, uid: p.uid, hostPersonId, validFrom: opts.now - HOUR, validUntil: opts.now + 24 * HOUR, zoneIds: p.zones ?? ['hall'],
    });
    personIds.set(p.key, pass.personId);
    counts.people++;
    counts.badges++;
    counts.passes++;
  });
  return { personIds, counts };
}

/** Provisions every device of the building (84 at Ménil-Flin); their MQTT secrets, by device id. */
export async function provisionAll(api: DemoApi): Promise<Map<string, string>> {
  const devices = await api.call<Array<{ id: string; provisioned: boolean; disabled: boolean }>>('GET', '/api/devices');
  const secrets = new Map<string, string>();
  await inParallel(devices.filter((d) => !d.disabled), 8, async (d) => {
    const creds = await api.call<{ password: string }>('POST', `/api/devices/${d.id}/${d.provisioned ? 'rotate-secret' : 'provision'}`);
    secrets.set(d.id, creds.password);
  });
  return secrets;
}
