import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { ROLES, type Role } from '../auth/roles.js';
import type { UserService } from '../auth/users.js';
import { forbidden } from '../http/errors.js';
import { SESSION_COOKIE } from '../http/guard.js';
import type { LiveHub } from './hub.js';
import type { LiveAudience, StaffSnapshot } from './messages.js';

export interface LiveRoutesDeps {
  hub: LiveHub;
  /**
   * To check every so often that the session (or token) behind a staff connection still holds:
   * a logout, an expiry, a disabled user or a lost role ends the stream (close code 4401).
   * Without it a connection lasts as long as its socket.
   */
  users?: Pick<UserService, 'resolveSession' | 'resolveApiToken'>;
  options?: Partial<typeof liveDefaults>;
}

export const liveDefaults = {
  maxClientMessageBytes: 1024, // the stream is one-way: what a client sends is ignored, and kept small
  upgradeIdleMs: 10_000, // 10 s: an upgrade request's socket that is not a WebSocket by then, and idle, is destroyed
};

const STAFF = ROLES.staff;

function sameOrigin(origin: string, request: FastifyRequest): boolean {
  try {
    // As the guard's CSRF check: URL.origin normalizes case and default ports.
    return new URL(origin).origin === new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}

/**
 * A browser attaches the session cookie to a WebSocket handshake from any page, and the same-origin
 * policy does not cover WebSockets: the Origin header is the only proof the page is ours. An API
 * client with a bearer token (never sent by a browser on its own) may omit it.
 */
async function refuseCrossOrigin(request: FastifyRequest): Promise<void> {
  const origin = request.headers.origin;
  if (origin === undefined ? request.authMethod === 'bearer' : sameOrigin(origin, request)) return;
  throw forbidden('cross-origin WebSocket refused: the Origin header must be this server');
}

/** Node hands a request with `Connection: upgrade` and an `Upgrade` header to the upgrade listeners, not to the HTTP parser. */
function isUpgrade(request: FastifyRequest): boolean {
  return request.headers.upgrade !== undefined && /\bupgrade\b/i.test(request.headers.connection ?? '');
}

/**
 * Once an upgrade listener exists, Node no longer destroys an upgrade request's socket: whoever
 * answers it without upgrading must. @fastify/websocket does so only when its own onRequest hook
 * ran, which the guard's (running first) prevents by refusing; the idle timeout covers upgrade
 * requests to routes outside this scope (ws turns the timeout off on the sockets it takes).
 */
function closeRefusedUpgrades(app: FastifyInstance, idleMs: number): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 101 && isUpgrade(request)) request.raw.socket.destroy();
  });
  const onUpgrade = (_req: IncomingMessage, socket: Duplex) => {
    if (socket instanceof Socket) socket.setTimeout(idleMs, () => socket.destroy());
  };
  app.server.prependListener('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    app.server.removeListener('upgrade', onUpgrade);
  });
}

/** Bounded: past the hub's client limit an upgrade gets 503 (answered here: a thrown 5xx is logged as a failure). */
function refuseWhenFull(hub: LiveHub, audience: LiveAudience) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!request.ws || hub.canAccept(audience)) return undefined;
    return reply.code(503).header('retry-after', '30').send({ error: 'Service Unavailable', message: 'too many live connections' });
  };
}

/** Whether the credential the connection was opened with still gives the same user a staff role. */
function stillAuthorized(request: FastifyRequest, users: NonNullable<LiveRoutesDeps['users']>, roles: readonly Role[]): () => boolean {
  const userId = request.user?.id;
  const header = request.headers.authorization;
  const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  const session = header === undefined ? request.cookies[SESSION_COOKIE] : undefined;
  return () => {
    const user = bearer !== undefined ? users.resolveApiToken(bearer) : session !== undefined ? users.resolveSession(session) : null;
    return user !== null && user.id === userId && roles.includes(user.role);
  };
}

/**
 * The live stream: `GET /api/live` (staff: snapshot then deltas, same-origin only),
 * `GET /api/live/public` (anyone: aggregates, no person), and `GET /api/live/snapshot`
 * (staff, plain JSON: the dashboard's first paint, and debugging). Authentication is the guard's,
 * on the upgrade request like on any other: the session cookie or a bearer token, never a
 * token in the URL.
 */
export function liveRoutes(deps: LiveRoutesDeps): FastifyPluginAsync {
  const { hub, users } = deps;
  const opts = { ...liveDefaults, ...deps.options };
  return async function live(app) {
    // Registered in this plugin's scope unless the app already has it: its routing hook only
    // needs to see these routes, and the guard's onRequest (on the root) still runs first.
    if (!app.hasDecorator('websocketServer')) {
      await app.register(websocket, { options: { maxPayload: opts.maxClientMessageBytes } });
    }
    closeRefusedUpgrades(app, opts.upgradeIdleMs);

    app.get('/api/live', {
      websocket: true,
      config: { roles: STAFF },
      onRequest: [refuseCrossOrigin, refuseWhenFull(hub, 'staff')],
    }, (socket, request) => {
      hub.addClient(socket, 'staff', users === undefined ? undefined : stillAuthorized(request, users, STAFF));
    });

    app.get('/api/live/public', {
      websocket: true,
      // Public data from any page: no cookie is needed and none changes what is sent.
      config: { public: true },
      onRequest: refuseWhenFull(hub, 'public'),
    }, (socket) => {
      hub.addClient(socket, 'public');
    });

    app.get('/api/live/snapshot', {
      config: { roles: STAFF },
      schema: {
        tags: ['live'],
        summary: 'The live state now: zones, doors, devices, desks, open alarms, recent events',
        description: 'The same `snapshot` the WebSocket at /api/live sends first; its type is StaffSnapshot in controller/live/messages.ts.',
        response: { 200: Type.Unsafe<StaffSnapshot>(Type.Object({}, { additionalProperties: true })) },
      },
    }, async () => hub.snapshot());
  };
}
