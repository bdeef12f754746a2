import type { FastifyInstance } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../src/auth/access.service.ts';
import type { Role } from '../../src/auth/principal.ts';
import { csrfTokenFor, hashPassword, newSecret, sha256 } from '../../src/auth/secrets.ts';

/** The agency every test `agency` account belongs to (seeded by the incident work and by demo mode). */
export const TEST_AGENCY = 'so-xay-dung';

/** What a browser holds after login: the cookies, and the CSRF value the page echoes in X-IOC-CSRF. */
export interface Session {
  username: string;
  userId: number;
  cookie: string;
  csrf: string;
  /** Headers for a fetch as this user; `mutating` adds the CSRF header. */
  headers(mutating?: boolean): Record<string, string>;
}

const sessionOf = (username: string, userId: number, sessionId: string): Session => {
  const csrf = csrfTokenFor(sessionId);
  const cookie = `${SESSION_COOKIE}=${sessionId}; ${CSRF_COOKIE}=${csrf}`;
  return {
    username,
    userId,
    cookie,
    csrf,
    headers: (mutating = false) => ({ cookie, ...(mutating ? { 'x-ioc-csrf': csrf } : {}) }),
  };
};

/** Makes sure the agency of `agency` accounts exists (the incident seed normally has it). */
async function ensureAgency(app: FastifyInstance): Promise<void> {
  await app.db.query(
    `INSERT INTO agencies (id, name_vi, name_en, kind) VALUES ($1, 'Sở Xây dựng', 'Department of Construction', 'department')
     ON CONFLICT (id) DO NOTHING`,
    [TEST_AGENCY],
  );
}

/** Creates a user straight in the repository (no HTTP, no audit). */
export async function createUser(
  app: FastifyInstance,
  role: Role,
  opts: { username?: string; password?: string; agencyId?: string } = {},
): Promise<{ id: number; username: string; password: string }> {
  if (role === 'agency') await ensureAgency(app);
  const username = opts.username ?? `${role}-${Math.random().toString(36).slice(2, 8)}`;
  const password = opts.password ?? `mật-khẩu-${newSecret().slice(0, 10)}`;
  const row = await app.access.users.create({
    username,
    displayName: `Cán bộ ${role}`,
    passwordHash: await hashPassword(password),
    role,
    agencyId: role === 'agency' ? (opts.agencyId ?? TEST_AGENCY) : null,
  });
  if (!row) throw new Error(`user ${username} exists`);
  return { id: row.id, username: row.username, password };
}

/**
 * A session for a new user of `role`, opened straight in the database: no argon2 and no HTTP, so a
 * test can open one per request. Use `loginAs` to go through POST /api/auth/login.
 */
export async function sessionFor(
  app: FastifyInstance,
  role: Role,
  opts: { agencyId?: string } = {},
): Promise<Session> {
  const user = await createUser(app, role, { password: 'not-used-by-this-helper', ...opts });
  return openSession(app, user.id, user.username);
}

/** Another session for an existing user. */
export async function openSession(app: FastifyInstance, userId: number, username: string): Promise<Session> {
  const sessionId = newSecret();
  await app.access.sessions.create({
    idHash: sha256(sessionId),
    userId,
    maxS: app.config.sessionMaxS,
    ip: null,
    userAgent: 'test',
  });
  return sessionOf(username, userId, sessionId);
}

/** Logs in through the API like the web app does and returns the session from its Set-Cookie. */
export async function login(baseUrl: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { userId: number };
  const cookies = res.headers.getSetCookie();
  const sessionId = cookies
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.split(';')[0]
    ?.split('=')[1];
  if (!sessionId) throw new Error('no session cookie');
  return sessionOf(username, body.userId, sessionId);
}

/** Creates a user of `role` and logs in through the API. */
export async function loginAs(
  app: FastifyInstance,
  baseUrl: string,
  role: Role,
  opts: { agencyId?: string } = {},
): Promise<Session> {
  const user = await createUser(app, role, opts);
  return login(baseUrl, user.username, user.password);
}

/** Creates a display token through the service (as the seed or an admin would) and returns its secret. */
export async function newDisplayToken(
  app: FastifyInstance,
  name = 'Màn hình tường phòng điều hành',
): Promise<{ id: number; token: string }> {
  const { row, token } = await app.access.createDisplayToken(name, {
    principal: null,
    ip: null,
    correlationId: 'test',
  });
  return { id: row.id, token };
}
