import { describe, expect, it } from 'vitest';
import { authenticateClient, checkPublish, checkWill } from '../../broker/access-policy.js';
import { FrameLimitError, MqttFrameGuard } from '../../broker/frame-guard.js';

const SITE = 'menil-flin';
const controller = { username: 'controller', password: 'controller-secret' };
const credentials = { checkDevice: (id: string, secret: string) => id === 'rdr-lab' && secret === 's3cret' };
const auth = (clientId: string, username?: string, password?: string) =>
  authenticateClient({ site: SITE, clientId, username, password: password === undefined ? undefined : Buffer.from(password), controller, credentials });

describe('broker authentication', () => {
  it('accepts a device under its own id and the controller under its prefix', async () => {
    expect(await auth('rdr-lab', 'rdr-lab', 's3cret')).toEqual({ ok: true, principal: { role: 'device', deviceId: 'rdr-lab', site: SITE } });
    expect(await auth('controller-gateway', 'controller', 'controller-secret')).toEqual({ ok: true, principal: { role: 'controller', site: SITE } });
  });

  it.each([
    ['anonymous', 'rdr-lab', undefined, undefined, 4],
    ['wrong secret', 'rdr-lab', 'rdr-lab', 'nope', 4],
    ['client id of another device', 'rdr-museum', 'rdr-lab', 's3cret', 2],
    ['controller with a foreign client id', 'rdr-lab', 'controller', 'controller-secret', 2],
    ['controller with a wrong password', 'controller-x', 'controller', 'wrong', 4],
    ['a username that is no device id', 'Bad/Id', 'Bad/Id', 'x', 4],
  ] as const)('refuses %s', async (_name, clientId, username, password, code) => {
    expect(await auth(clientId, username, password)).toMatchObject({ ok: false, code });
  });
});

describe('broker publish and will rules', () => {
  const device = { role: 'device', deviceId: 'rdr-lab', site: SITE } as const;
  it('refuses $SYS, foreign branches and retained uplinks; allows a retained status', () => {
    expect(checkPublish(device, `mf/v1/${SITE}/rdr-lab/up/badge`, false)).toEqual({ ok: true });
    expect(checkPublish(device, `mf/v1/${SITE}/rdr-lab/status`, true)).toEqual({ ok: true });
    expect(checkPublish(device, `mf/v1/${SITE}/rdr-lab/up/badge`, true).ok).toBe(false);
    expect(checkPublish(device, `mf/v1/${SITE}/rdr-museum/up/badge`, false).ok).toBe(false);
    expect(checkPublish(device, '$SYS/x', false)).toEqual({ ok: false, reason: '$SYS topics are reserved' });
    expect(checkPublish({ role: 'controller', site: SITE }, `mf/v1/${SITE}/rdr-lab/down/access`, false)).toEqual({ ok: true });
  });
  it('allows a will on the device\'s own status only', () => {
    expect(checkWill(device, undefined)).toBe(true);
    expect(checkWill(device, `mf/v1/${SITE}/rdr-lab/status`)).toBe(true);
    expect(checkWill(device, `mf/v1/${SITE}/rdr-museum/status`)).toBe(false);
    expect(checkWill(device, `mf/v1/${SITE}/rdr-lab/up/badge`)).toBe(false);
  });
});

describe('MQTT frame guard', () => {
  const feed = (guard: MqttFrameGuard, chunks: Buffer[]): Promise<Error | Buffer> => new Promise((resolve) => {
    const out: Buffer[] = [];
    guard.on('data', (d: Buffer) => out.push(d));
    guard.on('error', resolve);
    guard.on('end', () => resolve(Buffer.concat(out)));
    for (const c of chunks) guard.write(c);
    guard.end();
  });

  it('passes packets through untouched, even split across chunks at any byte', async () => {
    const publish = Buffer.concat([Buffer.from([0x32, 0x83, 0x01]), Buffer.alloc(131, 0x41)]); // remaining length 131: two length bytes
    const ping = Buffer.from([0xc0, 0x00]);
    const stream = Buffer.concat([publish, ping, publish]);
    const chunks = [...stream].map((b) => Buffer.from([b]));
    expect(await feed(new MqttFrameGuard(200), chunks)).toEqual(stream);
  });

  it('fails as soon as a header announces more than the limit, before the body arrives', async () => {
    const header = Buffer.from([0x30, 0x80, 0x80, 0x04]); // 65 536 bytes announced
    const result = await feed(new MqttFrameGuard(65_535), [header]);
    expect(result).toBeInstanceOf(FrameLimitError);
  });

  it('fails on a remaining length longer than four bytes [MQTT-2.2.3]', async () => {
    const result = await feed(new MqttFrameGuard(Number.MAX_SAFE_INTEGER), [Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])]);
    expect(result).toBeInstanceOf(FrameLimitError);
  });
});
