import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ROLES } from '../../auth/roles.js';
import { errorResponses } from '../../http/schemas.js';
import { actor, strict } from './common.js';
import type { AccessRoutesDeps } from './deps.js';

export const antiPassbackDefaults = {
  minResetAfterS: 60, // 1 minute
  maxResetAfterS: 7 * 86_400, // 7 days
};

const AntiPassback = Type.Object({
  mode: Type.Enum(['off', 'soft', 'hard'], { description: 'soft: granted with an alarm; hard: refused' }),
  resetAfterS: Type.Integer({
    minimum: antiPassbackDefaults.minResetAfterS, maximum: antiPassbackDefaults.maxResetAfterS,
    description: 'After this long the side a person was last seen on is forgotten',
  }),
}, strict);

/** Anti-passback at the main entrance: off, soft (alarm) or hard (refusal). */
export function antiPassbackRoutes(deps: AccessRoutesDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['rules'];
    app.get('/api/anti-passback', {
      config: { roles: ROLES.staff },
      schema: { tags, summary: 'The anti-passback setting of the main entrance', response: { 200: AntiPassback, ...errorResponses } },
    }, async () => {
      const s = deps.access.state.passbackSettings;
      return { mode: s.mode, resetAfterS: Math.round(s.resetAfterMs / 1000) };
    });

    app.put('/api/anti-passback', {
      config: { roles: ROLES.staff },
      schema: {
        tags, summary: 'Set the anti-passback of the main entrance',
        body: AntiPassback,
        response: { 200: AntiPassback, ...errorResponses },
      },
    }, async (req) => {
      const { mode, resetAfterS } = req.body;
      deps.access.rules.setAntiPassback({ mode, resetAfterMs: resetAfterS * 1000 }, actor(req));
      return { mode, resetAfterS };
    });
  };
}
