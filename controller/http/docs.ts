import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { RouteOptions } from 'fastify';
import { markPublic, SESSION_COOKIE } from './guard.js';
import type { HttpApp } from './types.js';

export const DOCS_PREFIX = '/docs';

/** Public routes need no credential in the document; the others say which roles may call them. */
function documentAccess({ schema, url, route }: { schema: RouteOptions['schema']; url: string; route: RouteOptions }) {
  const { roles, public: isPublic } = route.config ?? {};
  if (isPublic) return { schema: { ...schema, security: [] }, url };
  const access = roles ? `Roles: ${roles.join(', ')}.` : 'No role may call this route (it declares none).';
  return { schema: { ...schema, description: [schema?.description, access].filter(Boolean).join('\n\n') }, url };
}

/**
 * The OpenAPI document, built from the route schemas, at /docs/json, and its UI at /docs.
 * Registered before any route: @fastify/swagger collects routes as they are added.
 */
export async function registerDocsSpec(app: HttpApp): Promise<void> {
  await app.register(swagger, {
    openapi: {
      // 3.1 is plain JSON Schema, so TypeBox output (const, nullable unions) needs no translation.
      openapi: '3.1.0',
      info: {
        title: 'Ménil-Flin building controller',
        version: '1.0.0',
        description: 'Access, occupancy, metering and devices of the Ménil-Flin coworking building.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'Set by POST /api/auth/login' },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/auth/tokens' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
      tags: [
        { name: 'auth', description: 'Login, sessions and API tokens' },
        { name: 'users', description: 'People who use the API' },
        { name: 'health', description: 'Probes for the supervisor' },
        { name: 'bookings', description: 'Rooms and desks booked, moved, cancelled and blocked; free slots; no-show releases; overrun notices; iCalendar feeds' },
        { name: 'billing', description: 'Tariff, plans, the monthly run and its preview, invoices and credit notes (HTML, PDF, UBL, CII, Factur-X), the evidence behind each line, the accountant\'s CSV, the hash chain' },
      ],
    },
    transform: documentAccess,
  });
}

export async function registerDocsUi(app: HttpApp): Promise<void> {
  await app.register(async function docsUi(scope) {
    scope.addHook('onRoute', markPublic);
    await scope.register(swaggerUi, { routePrefix: DOCS_PREFIX });
  });
}
