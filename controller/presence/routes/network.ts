import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { actor, checkWindow, EpochMs, Limit, LIST_LIMIT, Nullable, RowId, statements, strict, Text, Where } from '../../access/routes/common.js';
import { ROLES } from '../../auth/roles.js';
import { badRequest, conflict } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import type { LiveRoutesDeps } from './deps.js';

const MAC = '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$';
const SUBJECT_TYPES = ['person', 'zone', 'uplink', 'unattributed'] as const;

const NetworkDevice = Type.Object({
  mac: Type.String({ description: 'lower-case, aa:bb:cc:dd:ee:ff' }),
  personId: Type.Integer(),
  personName: Nullable(Type.String()),
  label: Type.String(),
  createdAt: EpochMs,
});
type NetworkDevice = Static<typeof NetworkDevice>;

// Byte counts are SQLite integers, summed per hour: a JSON number is exact up to 2^53 bytes (9 PB), out of any building's reach.
const UsageRow = Type.Object({
  hour: EpochMs,
  subjectType: Type.Enum(SUBJECT_TYPES),
  subjectId: Type.String({ description: 'A person id, a zone id, a meter id, or meter|port' }),
  subjectName: Nullable(Type.String({ description: "The person's or the zone's name" })),
  rxBytes: Type.Integer(),
  txBytes: Type.Integer(),
});
const PersonTotal = Type.Object({
  personId: Type.Integer(),
  name: Nullable(Type.String()),
  rxBytes: Type.Integer(),
  txBytes: Type.Integer(),
  totalBytes: Type.Integer(),
});

const DEVICE_SELECT = `SELECT d.mac, d.person_id AS personId, p.name AS personName, d.label, d.created_at AS createdAt
  FROM network_devices d LEFT JOIN people p ON p.id = d.person_id`;
const hourWindow = {
  from: Type.Optional(Type.Integer({ description: 'Hours starting at or after this time (ms)' })),
  to: Type.Optional(Type.Integer({ description: 'Hours starting before this time (ms)' })),
};

/** Laptops and phones registered to people, and the network usage the meters measured. */
export function networkRoutes(deps: LiveRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const zoneNames = new Map(deps.building.zones.map((z) => [z.id, z.name]));
  return async (app) => {
    const tags = ['network'];
    app.post('/api/network-devices', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Register a device of a person by its MAC address: its traffic is theirs from now on',
        description: 'Meters that count per client name their ports by MAC. Traffic already counted stays where it was.',
        body: Type.Object({ mac: Type.String({ pattern: MAC, description: 'aa:bb:cc:dd:ee:ff, any case' }), personId: RowId, label: Text(100) }, strict),
        response: { 201: NetworkDevice, ...errorResponses },
      },
    }, async (req, reply) => {
      const mac = req.body.mac.toLowerCase();
      const { personId } = req.body;
      if (sql('SELECT 1 FROM people WHERE id = ?').get(personId) === undefined) throw badRequest(`person ${personId} does not exist`);
      const taken = sql('SELECT person_id AS p FROM network_devices WHERE mac = ?').get(mac) as { p: number } | undefined;
      if (taken !== undefined) throw conflict(`${mac} is already registered to person ${taken.p}`);
      sql('INSERT INTO network_devices (mac, person_id, label, created_at) VALUES (?, ?, ?, ?)').run(mac, personId, req.body.label.trim(), deps.clock());
      deps.audit({ actor: actor(req), action: 'network_device.register', subject: `network_device:${mac}`, detail: { personId } });
      deps.live.network.reloadDevices();
      return reply.code(201).send(sql(`${DEVICE_SELECT} WHERE d.mac = ?`).get(mac) as NetworkDevice);
    });

    app.get('/api/network-devices', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Registered devices',
        querystring: Type.Object({ personId: Type.Optional(RowId) }),
        response: { 200: Type.Array(NetworkDevice), ...errorResponses },
      },
    }, async (req) => {
      const where = new Where().add('d.person_id = ?', req.query.personId);
      return sql(`${DEVICE_SELECT} ${String(where)} ORDER BY d.person_id, d.mac`).all(...where.params) as NetworkDevice[];
    });

    app.get('/api/network-usage', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Bytes per hour and per subject (a person, an office, the uplink, or unattributed), oldest first',
        querystring: Type.Object({
          ...hourWindow,
          subjectType: Type.Optional(Type.Enum(SUBJECT_TYPES)),
          subjectId: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: LIST_LIMIT, description: 'At most this many rows' })),
        }),
        response: { 200: Type.Array(UsageRow), ...errorResponses },
      },
    }, async (req) => {
      const { from, to, subjectType, subjectId, limit } = req.query;
      checkWindow(from, to);
      const where = new Where().add('u.hour >= ?', from).add('u.hour < ?', to).add('u.subject_type = ?', subjectType).add('u.subject_id = ?', subjectId);
      const rows = sql(`SELECT u.hour, u.subject_type AS subjectType, u.subject_id AS subjectId, p.name AS personName, u.rx_bytes AS rxBytes, u.tx_bytes AS txBytes
        FROM net_usage_hourly u LEFT JOIN people p ON u.subject_type = 'person' AND p.id = CAST(u.subject_id AS INTEGER)
        ${String(where)} ORDER BY u.hour, u.subject_type, u.subject_id LIMIT ?`).all(...where.params, limit ?? LIST_LIMIT) as
        Array<Omit<Static<typeof UsageRow>, 'subjectName'> & { personName: string | null }>;
      return rows.map(({ personName, ...r }) => ({ ...r, subjectName: r.subjectType === 'zone' ? zoneNames.get(r.subjectId) ?? null : personName }));
    });

    app.get('/api/network-usage/people', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Bytes per person over a period: what billing reads',
        description: 'The hours starting in [from, to). Usage is filed under the UTC hour it was read in.',
        querystring: Type.Object({ from: EpochMs, to: EpochMs }),
        response: { 200: Type.Array(PersonTotal), ...errorResponses },
      },
    }, async (req) => {
      const { from, to } = req.query;
      checkWindow(from, to);
      return sql(`SELECT CAST(u.subject_id AS INTEGER) AS personId, p.name, sum(u.rx_bytes) AS rxBytes, sum(u.tx_bytes) AS txBytes,
          sum(u.rx_bytes) + sum(u.tx_bytes) AS totalBytes
        FROM net_usage_hourly u LEFT JOIN people p ON p.id = CAST(u.subject_id AS INTEGER)
        WHERE u.subject_type = 'person' AND u.hour >= ? AND u.hour < ?
        GROUP BY u.subject_id ORDER BY totalBytes DESC, personId`).all(from, to) as Array<Static<typeof PersonTotal>>;
    });
  };
}
