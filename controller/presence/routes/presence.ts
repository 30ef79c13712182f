import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { actor, checkWindow, EpochMs, IdParams, Limit, LIST_LIMIT, Nullable, PersonKind, RowId, statements, strict, Where } from '../../access/routes/common.js';
import { ROLES } from '../../auth/roles.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import type { LiveRoutesDeps } from './deps.js';

const Present = Type.Object({
  sessionId: Type.Integer(),
  personId: Type.Integer(),
  name: Nullable(Type.String()),
  kind: Nullable(PersonKind),
  since: EpochMs,
  lastSignalAt: EpochMs,
  zoneId: Nullable(Type.String({ description: 'Where their last passage took them' })),
});

const ZoneCount = Type.Object({
  zoneId: Type.String(),
  name: Type.String(),
  floor: Type.String(),
  parent: Nullable(Type.String()),
  occupancy: Type.Integer({ description: 'People in the zone and the zones inside it' }),
  capacity: Type.Integer({ description: 'Fire-safety limit' }),
});

const Session = Type.Object({
  id: Type.Integer(),
  personId: Type.Integer(),
  personName: Nullable(Type.String()),
  startedAt: EpochMs,
  endedAt: Nullable(EpochMs),
  endReason: Nullable(Type.Enum(['exit', 'cutoff', 'manual'])),
  lastSignalAt: EpochMs,
  corrections: Type.Integer({ description: 'How many times a manager corrected it' }),
});
type Session = Static<typeof Session>;

const SESSION_SELECT = `SELECT s.id, s.person_id AS personId, p.name AS personName, s.started_at AS startedAt, s.ended_at AS endedAt,
  s.end_reason AS endReason, s.last_signal_at AS lastSignalAt, (SELECT count(*) FROM presence_corrections c WHERE c.session_id = s.id) AS corrections
  FROM presence_sessions s LEFT JOIN people p ON p.id = s.person_id`;

/** Who is in the building now, their presence sessions, managers' corrections, and the cut-off on demand. */
export function presenceRoutes(deps: LiveRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const { live, access } = deps;
  const session = (id: number): Session => {
    const row = sql(`${SESSION_SELECT} WHERE s.id = ?`).get(id) as Session | undefined;
    if (row === undefined) throw notFound(`presence session ${id} does not exist`);
    return row;
  };
  return async (app) => {
    const tags = ['presence'];
    app.get('/api/presence', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Who is in the building now, and each zone\'s count against its capacity',
        response: { 200: Type.Object({ at: EpochMs, people: Type.Array(Present), zones: Type.Array(ZoneCount) }), ...errorResponses },
      },
    }, async () => ({
      at: deps.clock(),
      people: live.sessions.openSessions().sort((a, b) => a.startedAt - b.startedAt).map((s) => {
        const person = access.state.person(s.personId);
        return {
          sessionId: s.id, personId: s.personId, name: person?.name ?? null, kind: person?.kind ?? null,
          since: s.startedAt, lastSignalAt: s.lastSignalAt, zoneId: access.state.whereIs(s.personId) ?? null,
        };
      }),
      zones: deps.building.zones.map((z) => ({
        zoneId: z.id, name: z.name, floor: z.floor, parent: z.parent ?? null, occupancy: access.state.occupancy(z.id), capacity: z.capacity,
      })),
    }));

    app.get('/api/presence/sessions', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Presence sessions that overlap the window, newest first',
        querystring: Type.Object({
          from: Type.Optional(Type.Integer({ description: 'Still open at or after this time (ms)' })),
          to: Type.Optional(Type.Integer({ description: 'Started before this time (ms)' })),
          personId: Type.Optional(RowId),
          limit: Limit,
        }),
        response: { 200: Type.Array(Session), ...errorResponses },
      },
    }, async (req) => {
      const { from, to, personId, limit } = req.query;
      checkWindow(from, to);
      const where = new Where().add('(s.ended_at IS NULL OR s.ended_at >= ?)', from).add('s.started_at < ?', to).add('s.person_id = ?', personId);
      return sql(`${SESSION_SELECT} ${String(where)} ORDER BY s.started_at DESC, s.id DESC LIMIT ?`).all(...where.params, limit ?? LIST_LIMIT) as Session[];
    });

    app.patch('/api/presence/sessions/:id', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Correct a session (its start, its end, or reopen it with endedAt null), saying why',
        description: 'The old and new values, who and why are kept in presence_corrections and the audit log.',
        params: IdParams,
        body: Type.Object({
          startedAt: Type.Optional(EpochMs),
          // null first: the validator coerces types, and would turn a null into 0 for an integer tried before it.
          endedAt: Type.Optional(Type.Union([Type.Null(), EpochMs], { description: 'null reopens the session' })),
          why: Type.String({ minLength: 3, maxLength: 200, pattern: '\\S', description: 'Why the correction: 3 to 200 characters' }),
        }, strict),
        response: { 200: Session, ...errorResponses },
      },
    }, async (req) => {
      const { startedAt, endedAt } = req.body;
      const why = req.body.why.trim();
      if (why.length < 3) throw badRequest('body.why must say why in at least 3 characters');
      if (startedAt === undefined && endedAt === undefined) throw badRequest('nothing to correct: give startedAt, endedAt or both');
      const now = deps.clock();
      if ((startedAt ?? 0) > now || (endedAt ?? 0) > now) throw badRequest('a session cannot start or end in the future');
      const before = session(req.params.id);
      if (endedAt === null && before.endedAt !== null) {
        const other = sql('SELECT id FROM presence_sessions WHERE person_id = ? AND ended_at IS NULL AND id <> ?').get(before.personId, before.id) as { id: number } | undefined;
        if (other !== undefined) throw conflict(`person ${before.personId} already has an open session (${other.id}): correct that one instead`);
      }
      const change: { startedAt?: number; endedAt?: number | null } = {};
      if (startedAt !== undefined) change.startedAt = startedAt;
      if (endedAt !== undefined) change.endedAt = endedAt;
      const by = actor(req);
      live.sessions.correct(before.id, change, by, why, now);
      deps.audit({ actor: by, action: 'presence.correct', subject: `presence_session:${before.id}`, detail: { personId: before.personId, ...change, why } });
      return session(before.id);
    });

    app.post('/api/presence/cutoff', {
      config: { roles: ROLES.admin },
      schema: {
        tags, summary: 'Run the nightly cut-off now (after a power cut, or to show it)',
        description: 'Those with no sign of life (no occupied desk they checked into, no registered device moving bytes) are checked out at their last signal.',
        response: {
          200: Type.Object({
            at: EpochMs,
            checkedOut: Type.Array(Type.Object({ personId: Type.Integer(), name: Nullable(Type.String()), sessionId: Type.Integer(), endedAt: EpochMs })),
            stillPresent: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    }, async (req) => {
      const open = new Map(live.sessions.openSessions().map((s) => [s.personId, s.id]));
      const at = deps.clock();
      const out = live.runCutoff(at);
      const checkedOut = out.map((personId) => {
        const sessionId = open.get(personId) as number; // runCutoff closes only sessions that were open
        return { personId, name: access.state.person(personId)?.name ?? null, sessionId, endedAt: session(sessionId).endedAt ?? at };
      });
      deps.audit({ actor: actor(req), action: 'presence.cutoff', subject: 'presence', detail: { checkedOut: out } });
      return { at, checkedOut, stillPresent: live.sessions.openSessions().length };
    });
  };
}
