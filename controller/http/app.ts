import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyServerOptions } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { AuditFn } from '../auth/audit.js';
import type { UserService } from '../auth/users.js';
import { registerDocsSpec, registerDocsUi } from './docs.js';
import { installErrorHandling } from './errors.js';
import { installGuard } from './guard.js';
import { healthRoutes, type Readiness } from './health.js';
import { authRoutes } from './routes/auth.js';
import { userRoutes } from './routes/users.js';
import { registerDashboard } from './static.js';
import type { HttpApp, HttpPlugin } from './types.js';

export interface HttpAppDeps {
  /** pino options, or a pino logger to share with the rest of the controller */
  logger: LoggerOptions | FastifyBaseLogger;
  users: UserService;
  audit: AuditFn;
  readiness: () => Promise<Readiness>;
  /** milliseconds */
  sessionTtlMs: number;
  /** true behind a reverse proxy: the client address and https come from X-Forwarded-* */
  trustProxy: boolean;
  /** absolute path of the dashboard's static files */
  dashboardDir: string;
  /** Route plugins of other modules (devices, ...); each is registered under the auth guard. */
  plugins?: HttpPlugin[];
}

function isLogger(logger: HttpAppDeps['logger']): logger is FastifyBaseLogger {
  return typeof (logger as Partial<FastifyBaseLogger>).child === 'function';
}

/**
 * The HTTP API of the controller, not yet listening. Order matters: hooks and the error handler
 * are inherited by the plugins registered after them, so the guard comes before every route.
 */
export async function buildHttpApp(deps: HttpAppDeps): Promise<HttpApp> {
  const options: FastifyServerOptions = {
    genReqId: () => randomUUID(),
    trustProxy: deps.trustProxy,
    // Report every invalid field of a request at once, not only the first.
    ajv: { customOptions: { allErrors: true } },
  };
  const app: HttpApp = (isLogger(deps.logger)
    ? Fastify({ ...options, loggerInstance: deps.logger })
    : Fastify({ ...options, logger: deps.logger })
  ).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installErrorHandling(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await registerDocsSpec(app);
  installGuard(app, { users: deps.users });

  await registerDocsUi(app);
  await app.register(healthRoutes, { readiness: deps.readiness });
  await app.register(authRoutes, { users: deps.users, audit: deps.audit, sessionTtlMs: deps.sessionTtlMs });
  await app.register(userRoutes, { users: deps.users, audit: deps.audit });
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  await registerDashboard(app, { root: deps.dashboardDir });
  return app;
}
