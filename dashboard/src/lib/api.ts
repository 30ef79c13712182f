/** The controller's HTTP API, as the dashboard calls it: same origin, session cookie, JSON. */

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface Me { id: number; username: string; role: 'admin' | 'manager' | 'member' }

export const STAFF_ROLES: ReadonlySet<string> = new Set(['admin', 'manager']);

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!res.ok) {
    const message = (json as { message?: unknown } | null)?.message;
    throw new ApiError(res.status, typeof message === 'string' ? message : `${res.status} ${res.statusText}`);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body),
  patch: <T>(path: string, body?: unknown) => call<T>('PATCH', path, body),
  del: <T>(path: string) => call<T>('DELETE', path),
};

/** Who is logged in; null without a valid session. */
export async function whoAmI(): Promise<Me | null> {
  try {
    return await api.get<Me>('/api/auth/me');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export function login(username: string, password: string): Promise<Me> {
  return api.post<Me>('/api/auth/login', { username, password });
}

export async function logout(): Promise<void> {
  await api.post<null>('/api/auth/logout');
}

export function ackAlarm(id: number, comment: string): Promise<unknown> {
  return api.post(`/api/alarms/${id}/ack`, { comment });
}

/** ws(s)://this-host/path: the stream is same-origin, authenticated by the session cookie (never a token in the URL). */
export function wsUrl(path: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}
