import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LogLevel } from 'fastify';
import Type from 'typebox';

export interface Readiness {
  ready: boolean;
  checks: Record<string, boolean>;
}

const ReadyBody = Type.Object({
  status: Type.Enum(['ready', 'not ready']),
  checks: Type.Record(Type.String(), Type.Boolean()),
});

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * Probes hit every few seconds: log only their warnings and errors. A route's logLevel replaces
 * the app's, so never go below what the app already asks for (silent must stay silent).
 */
function probeLogLevel(appLevel: string): LogLevel {
  const index = LEVELS.indexOf(appLevel as LogLevel); // -1 for a custom level: treat as below warn
  return index > LEVELS.indexOf('warn') ? LEVELS[index]! : 'warn';
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ readiness: () => Promise<Readiness> }> = async (app, opts) => {
  const probeLevel = probeLogLevel(app.log.level);
  app.get('/healthz', {
    config: { public: true },
    logLevel: probeLevel,
    schema: {
      tags: ['health'],
      summary: 'Liveness: the process answers',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { public: true },
    logLevel: probeLevel,
    schema: {
      tags: ['health'],
      summary: 'Readiness: database, broker and gateway can serve',
      response: { 200: ReadyBody, 503: ReadyBody },
    },
  }, async (request, reply) => {
    let result: Readiness;
    try {
      result = await opts.readiness();
    } catch (err) {
      request.log.error({ err }, 'readiness check failed');
      result = { ready: false, checks: {} };
    }
    if (result.ready) return { status: 'ready' as const, checks: result.checks };
    return reply.code(503).send({ status: 'not ready', checks: result.checks });
  });
};
