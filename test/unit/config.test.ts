import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../controller/config.js';
import { configProblems } from '../support/config-problems.js';

const problemsOf = configProblems;

describe('config', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to the embedded broker on 1883, HTTP on 3000, ./data and the Ménil-Flin building', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.mqtt.embedded).toEqual({ host: '0.0.0.0', port: 1883 });
    expect(c.mqtt.external).toBeUndefined();
    expect(c.dataDir).toBe(join(process.cwd(), 'data'));
    expect(c.buildingFile).toMatch(/menil-flin\.json$/);
    expect(c.dbSynchronous).toBe('FULL');
  });

  it('uses an external broker instead when MQTT_URL is set, and then needs its password', () => {
    expect(problemsOf({ MQTT_URL: 'mqtt://broker:1883' })).toEqual([expect.stringMatching(/MQTT_PASSWORD: required/)]);
    const c = loadConfig({ MQTT_URL: 'mqtts://broker:8883', MQTT_PASSWORD: 'secret' });
    expect(c.mqtt.embedded).toBeUndefined();
    expect(c.mqtt.external).toEqual({ url: 'mqtts://broker:8883', ack: 'synced' });
    expect(problemsOf({ MQTT_URL: 'http://broker', MQTT_PASSWORD: 'x' })[0]).toMatch(/MQTT_URL: must match pattern/);
  });

  it('acknowledges to an external broker once on disk, unless told once committed (MQTT_EXTERNAL_ACK)', () => {
    const external = { MQTT_URL: 'mqtt://broker:1883', MQTT_PASSWORD: 'secret' };
    expect(loadConfig({ ...external, MQTT_EXTERNAL_ACK: 'committed' }).mqtt.external?.ack).toBe('committed');
    expect(problemsOf({ ...external, MQTT_EXTERNAL_ACK: 'later' })[0]).toMatch(/MQTT_EXTERNAL_ACK/);
  });

  it('reports every problem at once', () => {
    const found = problemsOf({ HTTP_PORT: '-1', MQTT_PORT: 'x', ADMIN_PASSWORD: 'short', DB_SYNCHRONOUS: 'OFF', MQTT_TLS_CERT: '/nope.pem' });
    expect(found).toHaveLength(6);
    expect(found.join('\n')).toMatch(/HTTP_PORT.*>= 0/);
    expect(found.join('\n')).toMatch(/ADMIN_PASSWORD/);
    expect(found.join('\n')).toMatch(/TLS file \/nope.pem does not exist/);
  });

  it('reads a config file, which the environment overrides, and rejects its unknown keys', () => {
    dir = mkdtempSync(join(tmpdir(), 'mf-cfg-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ HTTP_PORT: 8080, MQTT_PORT: 1884 }));
    const c = loadConfig({ CONFIG_FILE: file, MQTT_PORT: '1885' });
    expect([c.http.port, c.mqtt.embedded?.port]).toEqual([8080, 1885]);
    writeFileSync(file, JSON.stringify({ HTTP_PROT: 8080 }));
    expect(problemsOf({ CONFIG_FILE: file })).toEqual(['HTTP_PROT: unknown setting']);
    expect(problemsOf({ CONFIG_FILE: join(dir, 'missing.json') })[0]).toMatch(/does not exist/);
  });
});
