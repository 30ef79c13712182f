import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger, FastifyInstance, FastifyPluginAsync, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault,
} from 'fastify';
import type { AuthUser, Role } from '../auth/roles.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route. A route with neither `roles` nor `public` answers 403 to everyone. */
    roles?: readonly Role[];
    /** Reachable without authentication. */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The caller, or null when anonymous (public routes only ever see null here without a login). */
    user: AuthUser | null;
    /** How `user` was authenticated; decides whether the CSRF check applies. */
    authMethod: 'session' | 'bearer' | null;
  }
}

/** The Fastify instance of the controller: TypeBox schemas type the requests and replies. */
export type HttpApp = FastifyInstance<
  RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider
>;

/** A route plugin the composition root adds (devices, members, ...); it runs under the auth guard. */
export type HttpPlugin = FastifyPluginAsyncTypebox | FastifyPluginAsync;
