import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestController, type TestController } from '../support/controller.js';
import { eventually } from '../support/mqtt-device.js';

const run = promisify(execFile);
const haveClients = existsSync('/usr/bin/mosquitto_pub') && existsSync('/usr/bin/mosquitto_sub');

/** The first example of a kind in docs/protocol.md, as a newcomer would copy it. */
function documentedExample(kind: string): Record<string, unknown> {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  const match = new RegExp('```json ' + kind + '\\n([\\s\\S]*?)```').exec(doc);
  if (match === null) throw new Error(`no example of ${kind} in docs/protocol.md`);
  return JSON.parse(match[1] as string) as Record<string, unknown>;
}

describe.skipIf(!haveClients)('a third-party MQTT client following docs/protocol.md', () => {
  let ctl: TestController;
  let secret: string;
  const id = 'rdr-main-out';

  beforeAll(async () => {
    ctl = await startTestController();
    secret = await ctl.provision(id);
  });
  afterAll(async () => {
    await ctl?.stop();
  });

  const auth = () => ['-h', '127.0.0.1', '-p', String(ctl.system.mqttPort), '-i', id, '-u', id, '-P', secret, '-q', '1'];

  it('publishes the documented badge message with mosquitto_pub and finds it stored', async () => {
    const example: Record<string, unknown> = { ...documentedExample('uplink:badge'), deviceId: id, ts: Date.now() };
    await run('mosquitto_pub', [...auth(), '-t', `mf/v1/menil-flin/${id}/up/badge`, '-m', JSON.stringify(example)]);
    // mosquitto_pub exits after the PUBACK, which the embedded broker sends after the commit.
    const rows = ctl.query<{ kind: string; payload: string }>('SELECT kind, payload FROM events WHERE device_id = ?', id);
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.payload ?? '{}')).toMatchObject({ uid: example.uid, seq: example.seq });
  });

  it('receives a command with mosquitto_sub on its own downlink branch', async () => {
    const sub = spawn('mosquitto_sub', [...auth(), '-v', '-C', '1', '-W', '10', '-t', `mf/v1/menil-flin/${id}/down/+`]);
    let out = '';
    sub.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => sub.once('exit', resolve));
    // Commands are not retained, so one sent before its subscription is in place is lost: send
    // until mosquitto_sub has printed one (-C 1) and check it is one of ours.
    const nonces: string[] = [];
    await eventually(async () => {
      if (sub.exitCode !== null) return true;
      nonces.push((await ctl.system.commands.send(id, 'door_cmd', { action: 'unlock', durationMs: 3_000 })).nonce);
      return false;
    }, 'mosquitto_sub received a command');
    expect(await exited).toBe(0);
    const [topic, json] = out.trim().split(/ (.*)/s);
    expect(topic).toBe(`mf/v1/menil-flin/${id}/down/door_cmd`);
    const received = JSON.parse(json ?? '{}') as { action: string; nonce: string };
    expect(received.action).toBe('unlock');
    expect(nonces).toContain(received.nonce);
  });
});
