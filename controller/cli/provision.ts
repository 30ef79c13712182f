import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * Provisions devices through the running controller's HTTP API and writes the credentials file
 * firmware-sim reads: { "site": ..., "devices": { deviceId: secret } }. Secrets are shown once by
 * the API, so the file is the only copy: it is written with mode 0600.
 *
 *   tsx controller/cli/provision.ts --url http://127.0.0.1:3000 --password-file admin.txt --out creds.json [--all | --device ID ...] [--rotate]
 */
const USAGE = 'usage: provision --url URL (--password P | --password-file F) --out FILE [--user admin] [--all | --device ID ...] [--rotate]';

interface DeviceRow { id: string; provisioned: boolean; disabled: boolean }

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      user: { type: 'string', default: 'admin' },
      password: { type: 'string' },
      'password-file': { type: 'string' },
      out: { type: 'string' },
      device: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      rotate: { type: 'boolean', default: false },
    },
  });
  const password = values.password ?? (values['password-file'] === undefined ? undefined : readFileSync(values['password-file'], 'utf8').trim());
  if (password === undefined || values.out === undefined || (!values.all && values.device === undefined)) throw new Error(USAGE);
  const base = values.url.replace(/\/$/, '');

  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username: values.user, password }),
  });
  if (login.status !== 200) throw new Error(`login refused (${login.status}): ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const call = async (method: string, path: string) => {
    const res = await fetch(`${base}${path}`, { method, headers: { cookie, origin: base } });
    const body: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };

  const devices = (await call('GET', '/api/devices')) as DeviceRow[];
  const wanted = values.all ? devices.filter((d) => !d.disabled) : devices.filter((d) => values.device?.includes(d.id));
  const unknown = (values.device ?? []).filter((id) => !devices.some((d) => d.id === id));
  if (unknown.length > 0) throw new Error(`unknown devices: ${unknown.join(', ')}`);
  const secrets: Record<string, string> = {};
  let site = '';
  let skipped = 0;
  for (const d of wanted) {
    if (d.provisioned && !values.rotate) {
      skipped++;
      continue;
    }
    const creds = (await call('POST', `/api/devices/${d.id}/${d.provisioned ? 'rotate-secret' : 'provision'}`)) as { password: string; site: string };
    secrets[d.id] = creds.password;
    site = creds.site;
  }
  writeFileSync(values.out, `${JSON.stringify({ site, devices: secrets }, null, 2)}\n`, { mode: 0o600 });
  process.stdout.write(`${Object.keys(secrets).length} device(s) provisioned into ${values.out}` +
    (skipped > 0 ? `; ${skipped} already provisioned (use --rotate to give them new secrets)` : '') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`provision: ${(err as Error).message}\n`);
  process.exit(1);
});
