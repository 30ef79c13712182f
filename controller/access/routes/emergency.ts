import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { badRequest } from '../../http/errors.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, EpochMs, Nullable, strict } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

export const emergencyRouteDefaults = {
  // EmergencyControl arms one setTimeout, which Node caps at 2^31-1 ms (24.8 days): keep well below.
  maxDurationS: 7 * 86_400, // 7 days
};

const Emergency = Type.Object({
  mode: Type.Enum(['none', 'lockdown', 'evacuation']),
  reason: Type.Optional(Type.String()),
  setBy: Type.Optional(Type.String()),
  setAt: Type.Optional(EpochMs),
  revertAt: Type.Optional(Nullable(EpochMs)),
}, { description: "The emergency mode in force, or { mode: 'none' }" });

/** Emergency modes: lockdown and evacuation. */
export function emergencyRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  const { emergency } = deps.access;
  const current = (): Static<typeof Emergency> => {
    const c = emergency.current();
    return c === undefined ? { mode: 'none' } : { mode: c.mode, reason: c.reason, setBy: c.setBy, setAt: c.setAt, revertAt: c.revertAt };
  };
  return async (app) => {
    const tags = ['emergency'];
    app.get('/api/emergency', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: 'The emergency mode in force', response: { 200: Emergency, ...errorResponses } },
    }, async () => current());

    app.post('/api/emergency', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Declare a lockdown or an evacuation',
        description: 'Evacuation unlocks every door and refuses entries; lockdown refuses every badge but staff. '
          + 'An evacuation replaces a lockdown, not the reverse (409). Recorded with who, when and why.',
        body: Type.Object({
          mode: Type.Enum(['lockdown', 'evacuation']),
          reason: Type.String({ minLength: 3, maxLength: 200 }),
          durationS: Type.Optional(Type.Integer({
            minimum: 1, maximum: emergencyRouteDefaults.maxDurationS, description: 'Ends by itself after this long; without it, until ended',
          })),
        }, strict),
        response: { 200: Emergency, ...errorResponses },
      },
    }, async (req) => {
      const reason = req.body.reason.trim();
      if (reason.length < 3) throw badRequest('body.reason must have at least 3 characters besides spaces');
      const { durationS } = req.body;
      await emergency.set(req.body.mode, reason, actor(req), durationS === undefined ? undefined : durationS * 1000);
      return current();
    });

    app.delete('/api/emergency', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'End the emergency mode: doors go back to their policies',
        description: '409 when no emergency mode is in force.',
        response: { 200: Emergency, ...errorResponses },
      },
    }, async (req) => {
      await emergency.end(actor(req));
      return current();
    });
  };
}
