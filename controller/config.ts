import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { compact, sellerIdentifierProblems } from './billing/ledger/identifiers.js';
import { DEFAULT_TARIFF_FILE } from './billing/tariff/load.js';
import { DEFAULT_BUILDING_FILE } from './building/load.js';

/**
 * The only place that reads process.env. Settings come from the environment; a JSON config
 * file named by CONFIG_FILE may add to them (the environment wins). Everything is validated
 * once at boot and every problem is reported together.
 */
const port = (fallback?: number) =>
  Type.Integer({ minimum: 0, maximum: 65_535, ...(fallback === undefined ? {} : { default: fallback }) });
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export const ConfigSchema = Type.Object({
  HTTP_HOST: Type.String({ default: '0.0.0.0' }),
  HTTP_PORT: port(3000),
  MQTT_HOST: Type.String({ default: '0.0.0.0' }),
  MQTT_PORT: port(1883),
  MQTT_URL: Type.Optional(Type.String({ pattern: '^(mqtts?|tcp|tls)://', description: 'External broker; when set no embedded broker starts' })),
  MQTT_USERNAME: Type.String({ default: 'controller', minLength: 1, description: "The controller's own identity on the broker" }),
  MQTT_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  MQTT_GATEWAY_CLIENT_ID: Type.String({ default: 'controller-gateway', minLength: 1 }),
  MQTT_EXTERNAL_ACK: Type.Enum(['synced', 'committed'], {
    default: 'synced',
    description: 'With MQTT_URL: acknowledge an uplink to the broker once it is on disk (synced), or once committed with the fsync right behind (committed: about twice the uplinks per second, but a power cut of the controller\'s host can lose the last milliseconds)',
  }),
  MQTTS_PORT: Type.Optional(port()),
  MQTT_TLS_CERT: Type.Optional(Type.String({ minLength: 1 })),
  MQTT_TLS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  MQTT_TLS_CA: Type.Optional(Type.String({ minLength: 1 })),
  DATA_DIR: Type.String({ default: './data', minLength: 1 }),
  BUILDING_FILE: Type.String({ default: DEFAULT_BUILDING_FILE, minLength: 1 }),
  LOG_LEVEL: Type.Enum(LOG_LEVELS, { default: 'info' }),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 12, description: 'Password of the first admin; printed once when generated' })),
  DB_SYNCHRONOUS: Type.Enum(['FULL', 'NORMAL'], { default: 'FULL', description: 'FULL survives a power loss' }),
  DEVICE_OFFLINE_AFTER_S: Type.Integer({ minimum: 5, maximum: 86_400, default: 90 }),
  PRESENCE_CUTOFF: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '03:00', description: 'Local time of the nightly check-out of those who never badged out' }),
  SESSION_TTL_H: Type.Integer({ minimum: 1, maximum: 720, default: 12 }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  TARIFF_FILE: Type.String({ default: DEFAULT_TARIFF_FILE, minLength: 1, description: "The tariff's defaults; a manager's edit through the API takes precedence" }),
  BILLING_RUN_DAY: Type.Integer({ minimum: 1, maximum: 28, default: 1, description: 'Day of the month the previous month is billed' }),
  BILLING_RUN_TIME: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', default: '02:00', description: 'Local time of the monthly billing run' }),
  ...sellerSettings(),
}, { additionalProperties: false });

/** The seller printed on invoices; until name, address, SIREN, SIRET and VAT number are all set, documents are specimens. */
function sellerSettings() {
  const text = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));
  return {
    SELLER_NAME: text('Legal name of the seller'),
    SELLER_LEGAL_FORM: text('Legal form, capital, RCS… printed under the name (e.g. "SAS au capital de 10 000 € – RCS Nancy")'),
    SELLER_ADDRESS: text('Street address, first line'),
    SELLER_ADDRESS_2: text('Street address, second line'),
    SELLER_POSTCODE: text('Postcode'),
    SELLER_CITY: text('City'),
    SELLER_COUNTRY: Type.String({ pattern: '^[A-Z]{2}$', default: 'FR', description: 'ISO 3166-1 alpha-2' }),
    SELLER_SIREN: text('9 digits'),
    SELLER_SIRET: text('14 digits, starting with the SIREN'),
    SELLER_VAT_NUMBER: text('Intra-community VAT number, FRkk + SIREN'),
    SELLER_IBAN: text('Printed for payment by transfer'),
    SELLER_BIC: text('With the IBAN'),
    SELLER_EMAIL: text('Billing contact'),
  };
}
const SELLER_REQUIRED = ['SELLER_NAME', 'SELLER_ADDRESS', 'SELLER_POSTCODE', 'SELLER_CITY', 'SELLER_SIREN', 'SELLER_SIRET', 'SELLER_VAT_NUMBER'] as const;
type RawConfig = Static<typeof ConfigSchema>;

export interface Config {
  http: { host: string; port: number; trustProxy: boolean; sessionTtlMs: number };
  mqtt: {
    /** Embedded broker listener; absent when an external broker is used. */
    embedded?: { host: string; port: number; tls?: { port: number; certFile: string; keyFile: string; caFile?: string } };
    /**
     * An external broker; caFile trusts a private CA for mqtts://. ack: when the gateway acknowledges
     * an uplink to it (docs/deployment.md, "What only the embedded broker can promise").
     */
    external?: { url: string; caFile?: string; ack: 'synced' | 'committed' };
    username: string;
    password?: string;
    gatewayClientId: string;
  };
  dataDir: string;
  dbFile: string;
  dbSynchronous: 'FULL' | 'NORMAL';
  buildingFile: string;
  logLevel: string;
  adminPassword?: string;
  deviceOfflineAfterMs: number;
  presenceCutoff: string;
  tariffFile: string;
  /** The monthly billing run: day of the month and local time (HH:MM). */
  billingRun: { day: number; time: string };
  seller: SellerConfig;
}

/** The seller's identity for invoices (identifiers without spaces). */
export interface SellerConfig {
  name: string | null;
  legalForm: string | null;
  addressLines: string[];
  postcode: string | null;
  city: string | null;
  country: string;
  siren: string | null;
  siret: string | null;
  vatNumber: string | null;
  iban: string | null;
  bic: string | null;
  email: string | null;
  /** Settings still unset; while any is, every issued document is a specimen. */
  missing: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const checker = Compile(ConfigSchema);
const keys = Object.keys(ConfigSchema.properties) as (keyof RawConfig)[];

function fromFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ConfigError([`CONFIG_FILE: ${file} does not exist`]);
  try {
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
    return json as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`CONFIG_FILE: ${file}: ${(err as Error).message}`]);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const merged: Record<string, unknown> = env.CONFIG_FILE ? fromFile(env.CONFIG_FILE) : {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const problems: string[] = [];
  for (const key of Object.keys(merged)) {
    if (!keys.includes(key as keyof RawConfig)) problems.push(`${key}: unknown setting`);
  }
  const known = Object.fromEntries(Object.entries(merged).filter(([k]) => keys.includes(k as keyof RawConfig)));
  const converted = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, known));
  if (!checker.Check(converted)) {
    for (const e of checker.Errors(converted)) {
      const allowed = 'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
      const got = JSON.stringify(Value.Pointer.Get(converted, e.instancePath));
      problems.push(`${e.instancePath.slice(1) || 'config'}: ${e.message}${allowed} (got ${got})`);
    }
  }
  const raw = converted as RawConfig;
  const tlsKeys = [raw.MQTTS_PORT, raw.MQTT_TLS_CERT, raw.MQTT_TLS_KEY].filter((v) => v !== undefined).length;
  if (tlsKeys !== 0 && tlsKeys !== 3) problems.push('MQTTS_PORT, MQTT_TLS_CERT and MQTT_TLS_KEY go together: set all three or none');
  for (const f of [raw.MQTT_TLS_CERT, raw.MQTT_TLS_KEY, raw.MQTT_TLS_CA]) {
    if (typeof f === 'string' && !existsSync(f)) problems.push(`TLS file ${f} does not exist`);
  }
  if (raw.MQTT_URL !== undefined && raw.MQTT_PASSWORD === undefined) {
    problems.push('MQTT_PASSWORD: required with MQTT_URL (the controller\'s password on the external broker)');
  }
  problems.push(...sellerIdentifierProblems(raw));
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return toConfig(raw);
}

function toConfig(raw: RawConfig): Config {
  const dataDir = resolve(raw.DATA_DIR);
  const mqtt: Config['mqtt'] = { username: raw.MQTT_USERNAME, gatewayClientId: raw.MQTT_GATEWAY_CLIENT_ID };
  if (raw.MQTT_PASSWORD !== undefined) mqtt.password = raw.MQTT_PASSWORD;
  if (raw.MQTT_URL !== undefined) {
    mqtt.external = { url: raw.MQTT_URL, ack: raw.MQTT_EXTERNAL_ACK };
    if (raw.MQTT_TLS_CA !== undefined) mqtt.external.caFile = raw.MQTT_TLS_CA;
  } else {
    mqtt.embedded = { host: raw.MQTT_HOST, port: raw.MQTT_PORT };
    if (raw.MQTTS_PORT !== undefined && raw.MQTT_TLS_CERT !== undefined && raw.MQTT_TLS_KEY !== undefined) {
      mqtt.embedded.tls = { port: raw.MQTTS_PORT, certFile: raw.MQTT_TLS_CERT, keyFile: raw.MQTT_TLS_KEY };
      if (raw.MQTT_TLS_CA !== undefined) mqtt.embedded.tls.caFile = raw.MQTT_TLS_CA;
    }
  }
  const config: Config = {
    http: { host: raw.HTTP_HOST, port: raw.HTTP_PORT, trustProxy: raw.TRUST_PROXY, sessionTtlMs: raw.SESSION_TTL_H * 3_600_000 },
    mqtt,
    dataDir,
    dbFile: resolve(dataDir, 'controller.db'),
    dbSynchronous: raw.DB_SYNCHRONOUS,
    buildingFile: resolve(raw.BUILDING_FILE),
    logLevel: raw.LOG_LEVEL,
    deviceOfflineAfterMs: raw.DEVICE_OFFLINE_AFTER_S * 1000,
    presenceCutoff: raw.PRESENCE_CUTOFF,
    tariffFile: resolve(raw.TARIFF_FILE),
    billingRun: { day: raw.BILLING_RUN_DAY, time: raw.BILLING_RUN_TIME },
    seller: toSeller(raw),
  };
  if (raw.ADMIN_PASSWORD !== undefined) config.adminPassword = raw.ADMIN_PASSWORD;
  return config;
}

function toSeller(raw: RawConfig): SellerConfig {
  const id = (v: string | undefined) => (v === undefined ? null : compact(v));
  return {
    name: raw.SELLER_NAME ?? null,
    legalForm: raw.SELLER_LEGAL_FORM ?? null,
    addressLines: [raw.SELLER_ADDRESS, raw.SELLER_ADDRESS_2].filter((l): l is string => l !== undefined),
    postcode: raw.SELLER_POSTCODE ?? null,
    city: raw.SELLER_CITY ?? null,
    country: raw.SELLER_COUNTRY,
    siren: id(raw.SELLER_SIREN),
    siret: id(raw.SELLER_SIRET),
    vatNumber: id(raw.SELLER_VAT_NUMBER),
    iban: id(raw.SELLER_IBAN),
    bic: id(raw.SELLER_BIC),
    email: raw.SELLER_EMAIL ?? null,
    missing: SELLER_REQUIRED.filter((k) => raw[k] === undefined),
  };
}
