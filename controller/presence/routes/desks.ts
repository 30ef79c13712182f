import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { EpochMs, Nullable, PlaceId, RowId, statements, strict } from '../../access/routes/common.js';
import { ROLES } from '../../auth/roles.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { requireUser } from '../../http/guard.js';
import { errorResponses } from '../../http/schemas.js';
import type { LiveRoutesDeps } from './deps.js';

export const DeskBody = Type.Object({
  deskId: Type.String(),
  zoneId: Type.String(),
  kind: Type.Enum(['hot', 'fixed', 'bench', 'office', 'room'], {
    description: "hot: anyone, first come; fixed: rented to one member; bench: lab; office: private office; room: a meeting room's or a booth's presence sensor",
  }),
  sensorId: Type.String(),
  status: Type.Enum(['free', 'occupied', 'offline'], { description: 'offline: the sensor is not connected, its last word may be stale' }),
  occupied: Type.Boolean({ description: 'What the sensor last reported, even when offline' }),
  battery: Nullable(Type.Integer({ minimum: 0, maximum: 100, description: 'percent' })),
  lowBattery: Type.Boolean({ description: 'battery below 20 %' }),
  changedAt: Nullable(EpochMs),
});

const Checkin = Type.Object({
  id: Type.Integer(),
  deskId: Type.String(),
  personId: Type.Integer(),
  at: EpochMs,
  desk: DeskBody,
});

/** Desks: their live state from the sensors, and members saying "this is my desk today". */
export function deskRoutes(deps: LiveRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const desk = (deskId: string) => {
    const view = deps.live.desks.view(deskId);
    if (view === undefined) throw notFound(`desk ${deskId} does not exist`);
    return view;
  };
  return async (app) => {
    const tags = ['desks'];
    app.get('/api/desks', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Every desk with its zone, kind, state and battery',
        querystring: Type.Object({ zoneId: Type.Optional(PlaceId), status: Type.Optional(Type.Enum(['free', 'occupied', 'offline'])) }),
        response: { 200: Type.Array(DeskBody), ...errorResponses },
      },
    }, async (req) => {
      const { zoneId, status } = req.query;
      return deps.live.desks.list().filter((d) => (zoneId === undefined || d.zoneId === zoneId) && (status === undefined || d.status === status));
    });

    app.post('/api/desks/:id/checkin', {
      config: { roles: ROLES.everyone },
      schema: {
        tags, summary: 'Check in at a desk: while it stays occupied, its person stays present at the nightly cut-off',
        description: 'A member checks in for themself (the person linked to their login: 409 when there is none). '
          + 'A manager or an admin may pass `personId` to check someone else in.',
        params: Type.Object({ id: PlaceId }),
        body: Type.Object({ personId: Type.Optional(RowId) }, strict),
        response: { 201: Checkin, ...errorResponses },
      },
      // A member checking in for themself may send no body at all: validate it as {}.
      preValidation: async (req) => {
        if (req.body === undefined || req.body === null) req.body = {};
      },
    }, async (req, reply) => {
      const user = requireUser(req);
      const view = desk(req.params.id);
      if (view.kind === 'room') throw conflict(`${view.deskId} is the presence sensor of a room, not a desk: nobody checks in at it`);
      const asked = req.body.personId;
      let personId: number;
      if (asked !== undefined && user.role !== 'member') {
        if (sql('SELECT 1 FROM people WHERE id = ?').get(asked) === undefined) throw badRequest(`person ${asked} does not exist`);
        personId = asked;
      } else {
        const own = sql('SELECT id FROM people WHERE user_id = ? ORDER BY active DESC, id LIMIT 1').get(user.id) as { id: number } | undefined;
        if (own === undefined) throw conflict(`your login ${user.username} is linked to no person: ask a manager to link it to you before checking in`);
        if (asked !== undefined && asked !== own.id) throw forbidden('a member checks in only for themself');
        personId = own.id;
      }
      const person = sql('SELECT active FROM people WHERE id = ?').get(personId) as { active: number };
      if (person.active !== 1) throw conflict(`person ${personId} is deactivated`);
      const at = deps.clock();
      const id = Number(sql('INSERT INTO desk_checkins (desk_id, person_id, at) VALUES (?, ?, ?)').run(view.deskId, personId, at).lastInsertRowid);
      if (asked !== undefined && user.role !== 'member') {
        deps.audit({ actor: user.username, action: 'desk.checkin', subject: `desk:${view.deskId}`, detail: { personId } });
      }
      return reply.code(201).send({ id, deskId: view.deskId, personId, at, desk: view });
    });
  };
}
