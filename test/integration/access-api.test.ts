import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceDownlinkFilter } from '../../gateway/protocol/index.js';
import { startTestController, type TestController } from '../support/controller.js';
import { connectDevice, eventually, newBootId, publishUplink, SITE_ID, uplink } from '../support/mqtt-device.js';

type Reply = { status: number; json: any }; // any: tests read arbitrary replies

/** A reader as a bare MQTT client that keeps every command it receives. */
async function reader(ctl: TestController, id: string) {
  const client = await connectDevice(ctl.system.mqttUrl, id, await ctl.provision(id));
  const commands: Array<{ kind: string; body: any }> = []; // any: command bodies of every kind
  client.on('message', (topic, payload) => commands.push({ kind: topic.split('/').at(-1) as string, body: JSON.parse(payload.toString()) }));
  await client.subscribeAsync(deviceDownlinkFilter(SITE_ID, id), { qos: 1 });
  return { client, commands, bootId: newBootId(), seq: 0 };
}

describe('access-control HTTP API', () => {
  let ctl: TestController;
  const readers = new Map<string, Awaited<ReturnType<typeof reader>>>();
  const readerOf = async (id: string) => {
    let r = readers.get(id);
    if (r === undefined) {
      r = await reader(ctl, id);
      readers.set(id, r);
    }
    return r;
  };
  let member: (method: string, path: string, body?: unknown) => Promise<Reply>;
  let alice: number; // a resident of Acme, with a badge, in the Staff group
  let aliceBadge: number;
  const api = (method: string, path: string, body?: unknown) => ctl.api(method, path, body);
  const group = async (name: string): Promise<number> => ((await api('GET', '/api/access-groups')).json as Array<{ id: number; name: string }>)
    .find((g) => g.name === name)?.id as number;

  beforeAll(async () => {
    ctl = await startTestController();
    const base = ctl.system.httpUrl;
    expect((await api('POST', '/api/users', { username: 'mia', displayName: 'Mia', role: 'member', password: 'member-password-123' })).status).toBe(201);
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ username: 'mia', password: 'member-password-123' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    member = async (method, path, body) => {
      const res = await fetch(`${base}${path}`, {
        method, headers: { cookie, origin: base, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: await res.json() };
    };
  });
  afterAll(async () => {
    for (const r of readers.values()) r.client.end(true);
    await ctl?.stop();
  });

  it('creates a company, a person, a badge and a membership, and shows them on the person', async () => {
    const company = await api('POST', '/api/companies', { name: 'Acme Vélos' });
    expect(company).toMatchObject({ status: 201, json: { name: 'Acme Vélos', activePeople: 0 } });
    const person = await api('POST', '/api/people', { kind: 'resident', name: 'Alice Martin', email: 'alice@acme.example', companyId: company.json.id });
    expect(person).toMatchObject({ status: 201, json: { kind: 'resident', active: true, companyName: 'Acme Vélos', credentials: [] } });
    alice = person.json.id;
    const badge = await api('POST', `/api/people/${alice}/credentials`, { uid: '04A1B2C3D4E5F6', pin: '4821' });
    expect(badge).toMatchObject({ status: 201, json: { personId: alice, uid: '04A1B2C3D4E5F6', hasPin: true, status: 'active' } });
    aliceBadge = badge.json.id;
    const staff = await group('Staff'); // seeded: every top-level zone, always
    expect(await api('POST', `/api/access-groups/${staff}/members`, { personId: alice, validUntil: Date.now() + 86_400_000 }))
      .toMatchObject({ status: 200, json: { personId: alice, groupId: staff, validFrom: null } });

    const shown = await api('GET', `/api/people/${alice}`);
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ name: 'Alice Martin', companyId: company.json.id, memberships: [{ groupId: staff, groupName: 'Staff' }], passes: [] });
    expect(shown.json.credentials).toEqual([expect.objectContaining({ id: aliceBadge, uid: '04A1B2C3D4E5F6', hasPin: true })]);
    expect(JSON.stringify(shown.json)).not.toMatch(/pinHash|pin_hash/);
    expect((await api('GET', `/api/people?companyId=${company.json.id}&active=true`)).json.map((p: { id: number }) => p.id)).toEqual([alice]);
    expect((await api('GET', '/api/companies?q=acme')).json).toEqual([expect.objectContaining({ name: 'Acme Vélos', activePeople: 1 })]);
    const audit = ctl.query<{ actor: string; action: string }>("SELECT actor, action FROM audit_log WHERE action IN ('company.create', 'person.create', 'credential.add', 'membership.add') ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(['company.create', 'person.create', 'credential.add', 'membership.add']);
    expect(audit.every((a) => a.actor === 'admin')).toBe(true);
  });

  it('answers 409 to a badge uid already given, naming it', async () => {
    const bob = await api('POST', '/api/people', { kind: 'member', name: 'Bob' });
    const res = await api('POST', `/api/people/${bob.json.id}/credentials`, { uid: '04A1B2C3D4E5F6' });
    expect(res.status).toBe(409);
    expect(res.json.message).toBe('badge 04A1B2C3D4E5F6 already exists');
    expect((await api('POST', '/api/people/99999/credentials', { uid: '0102030405' })).status).toBe(404);
  });

  it('refuses a group with an unknown zone or schedule (400)', async () => {
    const always = ((await api('GET', '/api/schedules')).json as Array<{ id: number; name: string }>).find((s) => s.name === 'Always')?.id;
    const zone = await api('POST', '/api/access-groups', { name: 'Attic', grants: [{ zoneId: 'attic', scheduleId: always }] });
    expect(zone).toMatchObject({ status: 400, json: { message: 'unknown zones: attic' } });
    const schedule = await api('POST', '/api/access-groups', { name: 'Ghost', grants: [{ zoneId: 'lab', scheduleId: 9999 }] });
    expect(schedule).toMatchObject({ status: 400, json: { message: 'unknown schedules: 9999' } });
    const ok = await api('POST', '/api/access-groups', { name: 'Lab nights', grants: [{ zoneId: 'lab', scheduleId: always }] });
    expect(ok).toMatchObject({ status: 201, json: { name: 'Lab nights', grants: [{ zoneId: 'lab', scheduleName: 'Always' }], members: 0 } });
  });

  it('answers 400 listing the invalid fields', async () => {
    const person = await api('POST', '/api/people', { kind: 'alien', name: '' });
    expect(person.status).toBe(400);
    expect(person.json.fields).toEqual(expect.arrayContaining(['body.kind', 'body.name']));
    const badge = await api('POST', `/api/people/${alice}/credentials`, { uid: '04a1b2c3', pin: '12' });
    expect(badge.json.fields).toEqual(['body.uid', 'body.pin']);
    expect((await api('POST', '/api/schedules', { name: 'Bad', slots: [{ days: ['mon'], from: '24:00', to: '25:00' }] })).json.fields)
      .toEqual(['body.slots.0.from', 'body.slots.0.to']);
    expect((await api('GET', '/api/people/abc')).json.fields).toEqual(['params.id']);
    expect((await api('GET', '/api/access-decisions?from=20&to=10')).json.message).toMatch(/querystring.to/);
    expect((await api('POST', '/api/closures', { date: '2026-02-30', name: 'Nope' })).status).toBe(400);
  });

  it('refuses a member on staff routes (403)', async () => {
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/api/people'], ['POST', '/api/people', { kind: 'member', name: 'Eve' }], ['GET', `/api/people/${alice}`],
      ['POST', `/api/credentials/${aliceBadge}/status`, { status: 'active' }], ['GET', '/api/doors'],
      ['POST', '/api/doors/lab/unlock', { reason: 'let me in' }], ['POST', '/api/emergency', { mode: 'evacuation', reason: 'prank' }],
      ['DELETE', '/api/emergency'], ['GET', '/api/access-decisions'], ['POST', '/api/alarms/1/ack', { comment: 'x' }],
      ['PUT', '/api/anti-passback', { mode: 'off', resetAfterS: 60 }],
    ];
    for (const [method, path, body] of calls) expect((await member(method, path, body)).status, `${method} ${path}`).toBe(403);
    expect((await fetch(`${ctl.system.httpUrl}/api/people`)).status).toBe(401);
  });

  it('blocks a lost badge at once: the next badge is refused as blocked', async () => {
    const main = await readerOf('rdr-main-out');
    const present = async () => {
      const seq = main.seq++;
      await publishUplink(main.client, 'rdr-main-out', 'badge', uplink('badge', 'rdr-main-out', main.bootId, seq, { uid: '04A1B2C3D4E5F6' }));
      return eventually(() => main.commands.find((c) => c.kind === 'access' && c.body.inReplyTo.seq === seq)?.body, 'access answer');
    };
    expect(await present()).toMatchObject({ grant: true, reason: 'granted' });
    const lost = await api('POST', `/api/credentials/${aliceBadge}/status`, { status: 'lost' });
    expect(lost).toMatchObject({ status: 200, json: { id: aliceBadge, status: 'lost', statusChangedAt: expect.any(Number) } });
    expect(await present()).toMatchObject({ grant: false, reason: 'blocked' });
    const log = await eventually(async () => {
      const rows = (await api('GET', `/api/access-decisions?personId=${alice}&doorId=main-entrance`)).json as Array<{ reason: string }>;
      return rows.length === 2 ? rows : undefined;
    }, 'both decisions logged');
    expect(log.map((d) => d.reason)).toEqual(['blocked', 'granted']); // newest first
    expect(log[0]).toMatchObject({ grant: false, personName: 'Alice Martin', source: 'controller', deviceId: 'rdr-main-out' });
    expect(ctl.query("SELECT actor, detail FROM audit_log WHERE action = 'credential.status'")).toEqual([{ actor: 'admin', detail: '{"status":"lost"}' }]);
  });

  it('sets, shows and ends an emergency mode, audited with who and when', async () => {
    expect((await api('GET', '/api/emergency')).json).toEqual({ mode: 'none' });
    const before = Date.now();
    const set = await api('POST', '/api/emergency', { mode: 'lockdown', reason: 'Intruder reported in the hall', durationS: 3600 });
    expect(set).toMatchObject({ status: 200, json: { mode: 'lockdown', reason: 'Intruder reported in the hall', setBy: 'admin' } });
    expect(set.json.revertAt - set.json.setAt).toBe(3_600_000);
    expect((await api('GET', '/api/emergency')).json).toEqual(set.json);
    expect((await api('POST', '/api/emergency', { mode: 'evacuation', reason: 'Fire alarm' })).json).toMatchObject({ mode: 'evacuation', revertAt: null });
    expect(await api('POST', '/api/emergency', { mode: 'lockdown', reason: 'Again' })).toMatchObject({ status: 409 });
    expect((await api('DELETE', '/api/emergency')).json).toEqual({ mode: 'none' });
    expect((await api('DELETE', '/api/emergency')).status).toBe(409);
    const rows = ctl.query<{ actor: string; action: string; at: number; detail: string }>(
      "SELECT actor, action, at, detail FROM audit_log WHERE action LIKE 'emergency.%' ORDER BY id");
    expect(rows.map((r) => [r.actor, r.action])).toEqual([['admin', 'emergency.lockdown'], ['admin', 'emergency.evacuation'], ['admin', 'emergency.end']]);
    expect(rows.every((r) => r.at >= before && r.at <= Date.now())).toBe(true);
    expect(JSON.parse(rows[0]?.detail ?? '{}')).toEqual({ reason: 'Intruder reported in the hall', durationMs: 3_600_000 });
    expect(ctl.query('SELECT set_by, ended_by FROM emergencies ORDER BY id')).toEqual([
      { set_by: 'admin', ended_by: 'admin' }, { set_by: 'admin', ended_by: 'admin' },
    ]);
  });

  it('unlocks a door from afar: the reader is told, the log says who and why', async () => {
    const lab = await readerOf('rdr-lab');
    expect((await api('POST', '/api/doors/lab/unlock', { reason: 'x' })).json.fields).toEqual(['body.reason']);
    expect((await api('POST', '/api/doors/lab/unlock', { reason: 'Long one', durationS: 3601 })).json.fields).toEqual(['body.durationS']);
    expect((await api('POST', '/api/doors/attic/unlock', { reason: 'Nowhere' })).status).toBe(404);
    const res = await api('POST', '/api/doors/lab/unlock', { reason: 'Courier delivering the oscilloscope', durationS: 30 });
    expect(res).toMatchObject({ status: 200, json: { doorId: 'lab', by: 'admin', reason: 'Courier delivering the oscilloscope' } });
    expect(res.json.until - res.json.at).toBe(30_000);
    const cmd = await eventually(() => lab.commands.find((c) => c.kind === 'door_cmd'), 'door command');
    expect(cmd.body).toMatchObject({ action: 'unlock', durationMs: 30_000 });
    const rows = ctl.query<Record<string, unknown>>("SELECT door_id, \"grant\", source, alert FROM access_decisions WHERE source = 'remote'");
    expect(rows).toEqual([{ door_id: 'lab', grant: 1, source: 'remote', alert: 'remote unlock by admin: Courier delivering the oscilloscope' }]);
    expect((await api('GET', '/api/access-decisions?source=remote')).json).toEqual([expect.objectContaining({ doorId: 'lab', grant: true, personId: null })]);
  });

  it('lists a forced door as an open alarm, acknowledged once with a comment', async () => {
    const lab = await readerOf('rdr-lab');
    await publishUplink(lab.client, 'rdr-lab', 'door', uplink('door', 'rdr-lab', lab.bootId, lab.seq++, { state: 'forced' }));
    const alarm = await eventually(async () => ((await api('GET', '/api/alarms?open=true')).json as Array<{ id: number; doorId: string }>)[0], 'alarm');
    expect(alarm).toMatchObject({ kind: 'forced', doorId: 'lab', ackedBy: null });
    const door = ((await api('GET', '/api/doors')).json as Array<{ id: string }>).find((d) => d.id === 'lab');
    expect(door).toMatchObject({ contact: { state: 'forced' }, readers: [{ deviceId: 'rdr-lab', side: 'outside' }], policy: { mode: 'normal' } });
    expect((await api('POST', `/api/alarms/${alarm.id}/ack`, {})).json.fields).toEqual(['body.comment']);
    const ack = await api('POST', `/api/alarms/${alarm.id}/ack`, { comment: 'Checked on camera: a contractor with no badge' });
    expect(ack).toMatchObject({ status: 200, json: { id: alarm.id, ackedBy: 'admin', comment: 'Checked on camera: a contractor with no badge' } });
    const again = await api('POST', `/api/alarms/${alarm.id}/ack`, { comment: 'me too' });
    expect(again).toMatchObject({ status: 409, json: { message: `alarm ${alarm.id} was already acknowledged by admin` } });
    expect((await api('GET', '/api/alarms?open=true')).json).toEqual([]);
    expect((await api('POST', '/api/alarms/99999/ack', { comment: 'ghost' })).status).toBe(404);
  });

  it('manages the calendar, schedules, training, visitor passes, door policies and anti-passback', async () => {
    expect(await api('POST', '/api/closures', { date: '2026-12-24', name: 'Christmas Eve' })).toMatchObject({ status: 201 });
    expect((await api('POST', '/api/closures', { date: '2026-12-24', name: 'Twice' })).status).toBe(409);
    const calendar = await api('GET', '/api/calendar?year=2026');
    expect(calendar.json.holidays).toContainEqual({ date: '2026-04-06', name: 'Lundi de Pâques' });
    expect(calendar.json.holidays).toHaveLength(11);
    expect(calendar.json.closures).toEqual([{ date: '2026-12-24', name: 'Christmas Eve' }]);

    const nights = await api('POST', '/api/schedules', { name: 'Fri nights', slots: [{ days: ['fri'], from: '22:00', to: '02:00' }] });
    expect(nights).toMatchObject({ status: 201, json: { openOnHolidays: false, slots: [{ days: ['fri'], from: '22:00', to: '02:00' }] } });

    const now = Date.now();
    const session = await api('POST', '/api/training-sessions', { zoneId: 'training-meurthe', name: 'Soudure', startsAt: now + 3_600_000, endsAt: now + 7_200_000, traineeIds: [alice] });
    expect(session).toMatchObject({ status: 201, json: { traineeIds: [alice] } });
    expect((await api('POST', '/api/training-sessions', { zoneId: 'training-meurthe', name: 'X', startsAt: now, endsAt: now + 1, traineeIds: [424242] })).json.message)
      .toBe('unknown people: 424242');
    expect((await api('GET', `/api/training-sessions?from=${now}&to=${now + 86_400_000}`)).json).toEqual([session.json]);
    expect((await api('GET', `/api/training-sessions?from=${now + 7_200_000}`)).json).toEqual([]);

    const pass = await api('POST', '/api/visitor-passes', {
      visitorName: 'Victor Hugo', uid: 'AABBCCDD', hostPersonId: alice, validFrom: now, validUntil: now + 8 * 3_600_000, maxUses: 2, zoneIds: ['hall', 'coworking'],
    });
    expect(pass).toMatchObject({ status: 201, json: { visitorName: 'Victor Hugo', uid: 'AABBCCDD', hostName: 'Alice Martin', uses: 0, createdBy: 'admin' } });
    expect((await api('GET', `/api/people/${pass.json.personId}`)).json).toMatchObject({ kind: 'visitor', passes: [{ id: pass.json.id }] });
    expect((await api('GET', `/api/visitor-passes?hostPersonId=${alice}`)).json).toEqual([pass.json]);

    const locked = await api('PUT', '/api/doors/museum/policy', { mode: 'locked' });
    expect(locked.json.policy).toMatchObject({ mode: 'locked', updatedBy: 'admin', unlockSlots: [expect.objectContaining({ from: '14:00' })] });
    expect((await api('PUT', '/api/doors/attic/policy', { mode: 'locked' })).status).toBe(404);

    expect((await api('PUT', '/api/anti-passback', { mode: 'hard', resetAfterS: 3600 })).json).toEqual({ mode: 'hard', resetAfterS: 3600 });
    expect((await api('GET', '/api/anti-passback')).json).toEqual({ mode: 'hard', resetAfterS: 3600 });

    const staff = await group('Staff');
    expect((await api('DELETE', `/api/access-groups/${staff}/members/${alice}`)).status).toBe(204);
    expect((await api('DELETE', `/api/access-groups/${staff}/members/${alice}`)).status).toBe(404);
    expect((await api('POST', `/api/people/${alice}/deactivate`)).json).toMatchObject({ active: false, memberships: [] });
  });

  it('documents the new paths in the OpenAPI document', async () => {
    const doc = (await api('GET', '/docs/json')).json as { paths: Record<string, Record<string, { tags?: string[]; summary?: string }>> };
    for (const [path, method] of [
      ['/api/companies', 'post'], ['/api/people', 'get'], ['/api/people/{id}', 'get'], ['/api/people/{id}/credentials', 'post'],
      ['/api/credentials/{id}/status', 'post'], ['/api/schedules', 'post'], ['/api/access-groups/{id}/members/{personId}', 'delete'],
      ['/api/closures', 'post'], ['/api/calendar', 'get'], ['/api/training-sessions', 'get'], ['/api/visitor-passes', 'post'],
      ['/api/doors', 'get'], ['/api/doors/{id}/policy', 'put'], ['/api/doors/{id}/unlock', 'post'], ['/api/emergency', 'delete'],
      ['/api/anti-passback', 'put'], ['/api/alarms', 'get'], ['/api/alarms/{id}/ack', 'post'], ['/api/access-decisions', 'get'], ['/api/passages', 'get'],
    ] as const) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op?.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
    }
    expect(doc.paths['/api/doors/{id}/unlock']?.post?.summary).toMatch(/who and why/);
  });
});
