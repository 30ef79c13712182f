import Type from 'typebox';
import { ROLE_NAMES } from '../auth/roles.js';
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_PATTERN } from '../auth/users.js';

/** Every error body: 4xx carry a message for the human, 5xx only the id to quote to an admin. */
export const ErrorBody = Type.Object({
  error: Type.String({ examples: ['Forbidden'] }),
  message: Type.Optional(Type.String()),
  fields: Type.Optional(Type.Array(Type.String(), { description: 'The invalid fields of a 400, as body.name' })),
  requestId: Type.String({ description: 'Also in the x-request-id header and in the server log' }),
});

/** The error responses every route may give, for the OpenAPI document. */
export const errorResponses = { '4xx': ErrorBody, '5xx': ErrorBody } as const;

export const RoleSchema = Type.Enum([...ROLE_NAMES], { description: 'admin, manager or member' });
export const Username = Type.String({ pattern: USERNAME_PATTERN, minLength: 2, maxLength: 32 });
export const Password = Type.String({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX });
export const Timestamp = Type.Integer({ description: 'milliseconds since 1970-01-01 UTC' });

export const AuthUserBody = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: RoleSchema,
});

export const UserBody = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  createdAt: Timestamp,
});

export const ApiTokenBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});
