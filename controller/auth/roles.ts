/**
 * Roles are explicit lists, never a hierarchy: a route says exactly who may call it, so reading
 * the route is enough to know who can reach it.
 */
export const ROLE_NAMES = ['admin', 'manager', 'member'] as const;
export type Role = (typeof ROLE_NAMES)[number];

export const ROLES = {
  admin: ['admin'],
  staff: ['admin', 'manager'],
  everyone: ['admin', 'manager', 'member'],
} as const satisfies Record<string, readonly Role[]>;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_NAMES as readonly string[]).includes(value);
}

/** Who is calling: what the HTTP layer puts on `request.user`. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}
