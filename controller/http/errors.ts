import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from './types.js';

/** An error whose message is meant for the client (4xx). */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const unauthorized = (message = 'authentication required') => new HttpError(401, message);
export const forbidden = (message = 'forbidden') => new HttpError(403, message);
export const notFound = (message = 'not found') => new HttpError(404, message);
export const conflict = (message: string) => new HttpError(409, message);

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests',
};

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** "body.password must NOT have fewer than 12 characters", "body.username is required", ... */
function describeValidation(context: string, issues: readonly ValidationIssue[]): { fields: string[]; problems: string[] } {
  const fields: string[] = [];
  const problems: string[] = [];
  for (const issue of issues) {
    let field = context + issue.instancePath.replaceAll('/', '.');
    let problem = issue.message ?? 'is invalid';
    if (typeof issue.params.missingProperty === 'string') {
      field += `.${issue.params.missingProperty}`;
      problem = 'is required';
    } else if (typeof issue.params.additionalProperty === 'string') {
      field += `.${issue.params.additionalProperty}`;
      problem = 'is not allowed';
    }
    if (!fields.includes(field)) fields.push(field);
    problems.push(`${field} ${problem}`);
  }
  return { fields, problems };
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const requestId = request.id;
  if (error.validation) {
    const { fields, problems } = describeValidation(error.validationContext ?? 'request', error.validation);
    request.log.info({ fields }, 'invalid request');
    return reply.code(400).send({ error: 'Bad Request', message: `invalid request: ${problems.join('; ')}`, fields, requestId });
  }
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500) {
    // The message may hold internals (SQL, paths): it goes to the log, keyed by the request id, never to the client.
    request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status === 500 ? 'Internal Server Error' : 'Server Error', requestId });
  }
  request.log.info({ statusCode: status, reason: error.message }, 'request refused');
  return reply.code(status).send({ error: STATUS_TEXT[status] ?? 'Client Error', message: error.message, requestId });
}

/** The one error handler and the 404 answer, both JSON with the request id. */
export function installErrorHandling(app: HttpApp): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'Not Found', message: `no route ${request.method} ${request.url.split('?')[0]}`, requestId: request.id }));
}
