import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { notFound } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, checkValidity, EpochMs, IdParams, Nullable, statements, strict, Uid } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

const STATUSES = ['active', 'suspended', 'lost', 'stolen'] as const;

/** A badge as the API shows it: never its PIN hash, only whether it has a PIN. */
export const Credential = Type.Object({
  id: Type.Integer(),
  personId: Type.Integer(),
  uid: Type.String(),
  hasPin: Type.Boolean(),
  status: Type.Enum(STATUSES),
  validFrom: Nullable(EpochMs),
  validUntil: Nullable(EpochMs),
  createdAt: EpochMs,
  statusChangedAt: Nullable(EpochMs),
});
export type Credential = Static<typeof Credential>;

export const CREDENTIAL_SELECT = `SELECT id, person_id AS personId, uid, pin_hash IS NOT NULL AS hasPin, status, valid_from AS validFrom,
  valid_until AS validUntil, created_at AS createdAt, status_changed_at AS statusChangedAt FROM credentials`;

export const toCredential = (row: Omit<Credential, 'hasPin'> & { hasPin: number }): Credential => ({ ...row, hasPin: row.hasPin === 1 });

/** Badges: given to a person, then suspended, declared lost or stolen (blocked everywhere at once). */
export function credentialRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const sql = statements(deps.sqlite);
  const byId = (id: number): Credential => {
    const row = sql(`${CREDENTIAL_SELECT} WHERE id = ?`).get(id) as Parameters<typeof toCredential>[0] | undefined;
    if (row === undefined) throw notFound(`badge ${id} does not exist`);
    return toCredential(row);
  };
  return async (app) => {
    const tags = ['badges'];
    app.post('/api/people/:id/credentials', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Give a person a badge',
        description: 'A UID is unique across the building: a badge already given answers 409. The readers get it within a second.',
        params: IdParams,
        body: Type.Object({
          uid: Uid,
          pin: Type.Optional(Type.String({ pattern: '^[0-9]{4,8}$', description: '4 to 8 digits, for keypad readers; only its hash is kept' })),
          validFrom: Type.Optional(EpochMs),
          validUntil: Type.Optional(EpochMs),
        }, strict),
        response: { 201: Credential, ...errorResponses },
      },
    }, async (req, reply) => {
      const personId = req.params.id;
      if (sql('SELECT 1 FROM people WHERE id = ?').get(personId) === undefined) throw notFound(`person ${personId} does not exist`);
      checkValidity(req.body.validFrom, req.body.validUntil);
      const id = deps.access.people.addCredential(personId, req.body, actor(req));
      return reply.code(201).send(byId(id));
    });

    app.post('/api/credentials/:id/status', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Suspend, reactivate, or declare a badge lost or stolen',
        description: 'Any status but active blocks the badge at once, everywhere: the readers get a delta removing it.',
        params: IdParams,
        body: Type.Object({ status: Type.Enum(STATUSES) }, strict),
        response: { 200: Credential, ...errorResponses },
      },
    }, async (req) => {
      deps.access.people.setCredentialStatus(req.params.id, req.body.status, actor(req));
      return byId(req.params.id);
    });
  };
}
