/** A request the access domain refuses, with the HTTP status that says why. */
export class AccessError extends Error {
  constructor(readonly statusCode: 400 | 404 | 409, message: string) {
    super(message);
    this.name = 'AccessError';
  }
}

/** Maps SQLite constraint failures to a clear 409 or 404 instead of a 500. */
export function constraintError(err: unknown, what: string): never {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new AccessError(409, `${what} already exists`);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new AccessError(404, `${what} refers to something that does not exist`);
  throw err;
}
