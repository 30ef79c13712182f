import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { badRequest } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, EpochMs, IdParams, Limit, LIST_LIMIT, Nullable, strict } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

const Alarm = Type.Object({
  id: Type.Integer(),
  kind: Type.Enum(['forced', 'held', 'anti_passback']),
  doorId: Type.String(),
  detail: Type.String(),
  raisedAt: EpochMs,
  ackedBy: Nullable(Type.String()),
  ackedAt: Nullable(EpochMs),
  comment: Nullable(Type.String()),
});

/** Door alarms (forced, held open, anti-passback), acknowledged by a manager with a comment. */
export function alarmRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['alarms'];
    app.get('/api/alarms', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'List alarms, newest first',
        querystring: Type.Object({
          open: Type.Optional(Type.Boolean({ default: false, description: 'true: only the alarms not yet acknowledged' })),
          limit: Limit,
        }),
        response: { 200: Type.Array(Alarm), ...errorResponses },
      },
    }, async (req) => deps.access.alarms.list({ open: req.query.open ?? false, limit: req.query.limit ?? LIST_LIMIT }));

    app.post('/api/alarms/:id/ack', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Acknowledge an alarm with a comment',
        description: 'Once only: a second acknowledgement answers 409 naming who acknowledged it.',
        params: IdParams,
        body: Type.Object({ comment: Type.String({ minLength: 1, maxLength: 500, description: 'What was found, what was done' }) }, strict),
        response: { 200: Alarm, ...errorResponses },
      },
    }, async (req) => {
      const comment = req.body.comment.trim();
      if (comment === '') throw badRequest('body.comment must not be blank');
      return deps.access.service.acknowledgeAlarm(req.params.id, actor(req), comment);
    });
  };
}
