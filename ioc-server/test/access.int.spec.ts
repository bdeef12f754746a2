import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as ioClient } from 'socket.io-client';
import {
  LAYER_IDS,
  type IncidentProps,
  LIVE_PROTOCOL_VERSION,
  type Feature,
  type LayerDelta,
  type LayerSnapshot,
  type SubscribeAck,
} from '@hue-ioc/layers';
import { LAYER_POLICIES } from '../src/auth/policy.ts';
import { ROLES, type Role } from '../src/auth/principal.ts';
import { DISPLAY_TOKEN, startIoc, waitFor, type LiveClient, type RunningIoc } from './support/start-ioc.ts';
import {
  createUser,
  login,
  loginAs,
  newDisplayToken,
  openSession,
  sessionFor,
  TEST_AGENCY,
  type Session,
} from './support/auth.ts';

type Json = Record<string, unknown> & { error?: { code: string; message: string } };

async function call(
  ioc: RunningIoc,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown } = {},
) {
  const res = await fetch(`${ioc.baseUrl}${path}`, {
    method,
    headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

/** A /live client authenticated by a display token or a session cookie (as a browser sends it). */
function liveClient(
  baseUrl: string,
  cred: { token: string } | { session: Session; origin?: string } | null,
): LiveClient {
  const auth = { protocol: LIVE_PROTOCOL_VERSION, ...(cred && 'token' in cred ? { token: cred.token } : {}) };
  const extraHeaders =
    cred && 'session' in cred
      ? { cookie: cred.session.cookie, ...(cred.origin ? { origin: cred.origin } : {}) }
      : undefined;
  return ioClient(`${baseUrl}/live`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(extraHeaders ? { extraHeaders } : {}),
  });
}

function connected(socket: LiveClient): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
}

function refused(socket: LiveClient): Promise<{ code: string }> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected')));
    socket.once('connect_error', (e) => resolve((e as Error & { data: { code: string } }).data));
  });
}

const subscribe = (socket: LiveClient, layer: (typeof LAYER_IDS)[number]): Promise<SubscribeAck> =>
  socket.timeout(5_000).emitWithAck('subscribe', { layer });

async function audit(ioc: RunningIoc, admin: Session, query: string) {
  return (await call(ioc, 'GET', `/api/admin/audit?${query}`, { headers: admin.headers() }))
    .body as unknown as {
    items: {
      action: string;
      actorUsername: string | null;
      targetId: string | null;
      correlationId: string | null;
      after: unknown;
    }[];
    nextCursor?: string;
  };
}

describe('access control', () => {
  let ioc: RunningIoc;
  let admin: Session;
  const sockets: LiveClient[] = [];

  beforeAll(async () => {
    ioc = await startIoc();
    admin = await sessionFor(ioc.app, 'admin');
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await ioc?.close();
  });
  const track = (s: LiveClient) => (sockets.push(s), s);

  describe('login, me, logout', () => {
    it('sets an httpOnly SameSite=Lax session cookie and a readable CSRF cookie; Secure behind TLS', async () => {
      const user = await createUser(ioc.app, 'operator');
      const res = await fetch(`${ioc.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user.username.toUpperCase(), password: user.password }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(body).toMatchObject({
        kind: 'user',
        role: 'operator',
        username: user.username,
        userId: user.id,
      });
      expect(body.csrfToken).toEqual(expect.any(String));
      const [session, csrf] = res.headers.getSetCookie();
      expect(session).toMatch(/^ioc_session=[\w-]{43}; .*HttpOnly/);
      expect(session).toMatch(/SameSite=Lax/);
      expect(session).toMatch(/Path=\//);
      expect(session).not.toMatch(/Secure/);
      expect(csrf).toMatch(new RegExp(`^ioc_csrf=${body.csrfToken as string};`));
      expect(csrf).not.toMatch(/HttpOnly/);

      // A client's own X-Forwarded-Proto does not make the cookie Secure: TRUST_PROXY is off (a trusted
      // proxy's does: limits.int.spec.ts).
      const claimsTls = await fetch(`${ioc.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ username: user.username, password: user.password }),
      });
      expect(claimsTls.status).toBe(200);
      expect(claimsTls.headers.getSetCookie().some((c) => /; Secure/.test(c))).toBe(false);
    });

    it('answers /me for a session and for a display token', async () => {
      const s = await loginAs(ioc.app, ioc.baseUrl, 'agency');
      const me = await call(ioc, 'GET', '/api/auth/me', { headers: s.headers() });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        kind: 'user',
        role: 'agency',
        agencyId: TEST_AGENCY,
        csrfToken: s.csrf,
      });
      const wall = await call(ioc, 'GET', '/api/auth/me', {
        headers: { authorization: `Bearer ${DISPLAY_TOKEN}` },
      });
      expect(wall.body).toMatchObject({ kind: 'display_token', role: 'display' });
      expect(wall.body.csrfToken).toBeUndefined();
      expect((await call(ioc, 'GET', '/api/auth/me')).body.error?.code).toBe('IOC_AUTH_REQUIRED');
    });

    it('refuses a wrong password and an unknown user alike, and audits both', async () => {
      const user = await createUser(ioc.app, 'supervisor');
      const wrong = await call(ioc, 'POST', '/api/auth/login', {
        body: { username: user.username, password: 'sai-mat-khau' },
      });
      const unknown = await call(ioc, 'POST', '/api/auth/login', {
        body: { username: 'khong-ton-tai', password: 'sai-mat-khau' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.error).toEqual(unknown.body.error);
      expect(wrong.body.error?.code).toBe('IOC_AUTH_INVALID');
      const events = await audit(ioc, admin, 'action=auth.login_failed');
      expect(events.items.map((e) => e.targetId)).toEqual(
        expect.arrayContaining([user.username, 'khong-ton-tai']),
      );
    });

    it('logs out: needs the CSRF header, ends the session server-side, clears the cookies', async () => {
      const s = await loginAs(ioc.app, ioc.baseUrl, 'leader');
      const noCsrf = await call(ioc, 'POST', '/api/auth/logout', { headers: s.headers() });
      expect(noCsrf.status).toBe(403);
      expect(noCsrf.body.error?.code).toBe('IOC_AUTH_CSRF');
      const out = await fetch(`${ioc.baseUrl}/api/auth/logout`, { method: 'POST', headers: s.headers(true) });
      expect(out.status).toBe(204);
      expect(out.headers.getSetCookie().join('\n')).toMatch(/ioc_session=;.*Expires=Thu, 01 Jan 1970/);
      // The old cookie is worthless now, on this node and any other.
      expect((await call(ioc, 'GET', '/api/auth/me', { headers: s.headers() })).status).toBe(401);
      // Logging out again (stale cookie) is harmless.
      expect((await call(ioc, 'POST', '/api/auth/logout', { headers: s.headers() })).status).toBe(204);
      const events = await audit(ioc, admin, `action=auth.logout&actor=${s.username}`);
      expect(events.items).toHaveLength(1);
    });

    it('gives a new session id at every login and ends the one the browser had', async () => {
      const user = await createUser(ioc.app, 'operator');
      const first = await login(ioc.baseUrl, user.username, user.password);
      const res = await fetch(`${ioc.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: first.cookie },
        body: JSON.stringify({ username: user.username, password: user.password }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()[0]).not.toContain(first.cookie.split(';')[0]!);
      expect((await call(ioc, 'GET', '/api/auth/me', { headers: first.headers() })).status).toBe(401);
    });

    it('locks an account out after 5 failures from one address, with a clear 429', async () => {
      const user = await createUser(ioc.app, 'operator');
      for (let i = 0; i < 5; i++) {
        expect(
          (
            await call(ioc, 'POST', '/api/auth/login', {
              body: { username: user.username, password: `doan-sai-${i}` },
            })
          ).status,
        ).toBe(401);
      }
      // Even the right password is refused while locked.
      const locked = await call(ioc, 'POST', '/api/auth/login', {
        body: { username: user.username, password: user.password },
      });
      expect(locked.status).toBe(429);
      expect(locked.body.error?.code).toBe('IOC_AUTH_LOCKED');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
      expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
      // Another account from the same address is not affected.
      const other = await createUser(ioc.app, 'operator');
      expect(
        (
          await call(ioc, 'POST', '/api/auth/login', {
            body: { username: other.username, password: other.password },
          })
        ).status,
      ).toBe(200);
      expect((await audit(ioc, admin, 'action=auth.login_locked')).items[0]?.targetId).toBe(user.username);
    });
  });

  describe('CSRF and cross-site requests', () => {
    it('refuses a cookie-authenticated mutation without the right X-IOC-CSRF header', async () => {
      const target = await createUser(ioc.app, 'operator');
      const path = `/api/admin/users/${target.id}`;
      const body = { displayName: 'Điều hành viên ca đêm' };
      expect((await call(ioc, 'PATCH', path, { headers: admin.headers(), body })).body.error?.code).toBe(
        'IOC_AUTH_CSRF',
      );
      expect(
        (await call(ioc, 'PATCH', path, { headers: { ...admin.headers(), 'x-ioc-csrf': 'doan-bua' }, body }))
          .body.error?.code,
      ).toBe('IOC_AUTH_CSRF');
      // Another session's token does not fit this session.
      const other = await sessionFor(ioc.app, 'admin');
      expect(
        (await call(ioc, 'PATCH', path, { headers: { ...admin.headers(), 'x-ioc-csrf': other.csrf }, body }))
          .status,
      ).toBe(403);
      const ok = await call(ioc, 'PATCH', path, { headers: admin.headers(true), body });
      expect(ok.status).toBe(200);
      expect(ok.body.displayName).toBe('Điều hành viên ca đêm');
    });

    it('refuses a mutation from another origin even with the header, and a cross-site login', async () => {
      const res = await call(ioc, 'POST', '/api/admin/display-tokens', {
        headers: { ...admin.headers(true), origin: 'https://evil.example' },
        body: { name: 'không được tạo' },
      });
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('IOC_AUTH_CSRF');
      const user = await createUser(ioc.app, 'operator');
      const crossLogin = await call(ioc, 'POST', '/api/auth/login', {
        headers: { origin: 'https://evil.example' },
        body: { username: user.username, password: user.password },
      });
      expect(crossLogin.body.error?.code).toBe('IOC_AUTH_CSRF');
      const sameOrigin = await call(ioc, 'POST', '/api/auth/login', {
        headers: { origin: ioc.baseUrl },
        body: { username: user.username, password: user.password },
      });
      expect(sameOrigin.status).toBe(200);
    });

    it('believes X-Forwarded-Host only from a proxy TRUST_PROXY names (off here)', async () => {
      // Through a trusted proxy the same request is accepted: limits.int.spec.ts.
      const target = await createUser(ioc.app, 'operator');
      const res = await call(ioc, 'PATCH', `/api/admin/users/${target.id}`, {
        headers: {
          ...admin.headers(true),
          origin: 'https://ioc.hue.gov.vn',
          'x-forwarded-host': 'ioc.hue.gov.vn',
        },
        body: { displayName: 'Điều hành viên ca sáng' },
      });
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('IOC_AUTH_CSRF');
    });

    it('never answers with CORS headers', async () => {
      const res = await fetch(`${ioc.baseUrl}/api/auth/me`, {
        headers: { origin: 'https://evil.example', ...admin.headers() },
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${ioc.baseUrl}/api/admin/users`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('administration', () => {
    it('creates users: agency accounts need an existing agency, usernames are unique', async () => {
      const post = (body: unknown) =>
        call(ioc, 'POST', '/api/admin/users', { headers: admin.headers(true), body });
      const base = { displayName: 'Cán bộ HEPCO', password: 'mat-khau-du-dai', role: 'agency' };
      expect((await post({ ...base, username: 'hepco-01' })).body.error?.code).toBe(
        'IOC_AUTH_AGENCY_REQUIRED',
      );
      expect((await post({ ...base, username: 'hepco-01', agencyId: 'khong-co' })).body.error?.code).toBe(
        'IOC_AUTH_AGENCY_UNKNOWN',
      );
      const created = await post({ ...base, username: 'XD-01', agencyId: TEST_AGENCY });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        username: 'xd-01',
        role: 'agency',
        agencyId: TEST_AGENCY,
        active: true,
      });
      expect(created.body).not.toHaveProperty('password_hash');
      expect(JSON.stringify(created.body)).not.toContain('argon2');
      expect((await post({ ...base, username: 'xd-01', agencyId: TEST_AGENCY })).body.error?.code).toBe(
        'IOC_AUTH_USERNAME_TAKEN',
      );
      expect((await post({ ...base, username: 'ok', agencyId: TEST_AGENCY, password: 'ngan' })).status).toBe(
        400,
      );
      const list = await call(ioc, 'GET', '/api/admin/users', { headers: admin.headers() });
      expect((list.body.items as { username: string }[]).some((u) => u.username === 'xd-01')).toBe(true);
      expect(JSON.stringify(list.body)).not.toContain('argon2');
    });

    it("a role change, deactivation or password reset ends the user's sessions at once, and is audited", async () => {
      const user = await createUser(ioc.app, 'operator');
      const s = await login(ioc.baseUrl, user.username, user.password);
      const patch = (body: unknown) =>
        call(ioc, 'PATCH', `/api/admin/users/${user.id}`, { headers: admin.headers(true), body });
      expect((await patch({ role: 'supervisor' })).body.role).toBe('supervisor');
      expect((await call(ioc, 'GET', '/api/auth/me', { headers: s.headers() })).status).toBe(401);

      const s2 = await login(ioc.baseUrl, user.username, user.password);
      expect((await patch({ password: 'mat-khau-moi-2025' })).status).toBe(200);
      expect((await call(ioc, 'GET', '/api/auth/me', { headers: s2.headers() })).status).toBe(401);
      expect(
        (
          await call(ioc, 'POST', '/api/auth/login', {
            body: { username: user.username, password: user.password },
          })
        ).status,
      ).toBe(401);
      const s3 = await login(ioc.baseUrl, user.username, 'mat-khau-moi-2025');

      expect((await patch({ active: false })).body.active).toBe(false);
      expect((await call(ioc, 'GET', '/api/auth/me', { headers: s3.headers() })).status).toBe(401);
      expect(
        (
          await call(ioc, 'POST', '/api/auth/login', {
            body: { username: user.username, password: 'mat-khau-moi-2025' },
          })
        ).status,
      ).toBe(401);

      const events = await audit(ioc, admin, `action=user.update`);
      const mine = events.items.filter((e) => e.targetId === String(user.id));
      expect(mine).toHaveLength(3);
      expect(mine.every((e) => e.actorUsername === admin.username && e.correlationId)).toBe(true);
      expect(JSON.stringify(mine)).not.toContain('mat-khau-moi');
      expect(mine.find((e) => (e.after as { passwordReset?: boolean }).passwordReset)).toBeDefined();
    });

    it('pages the audit trail with a cursor and filters by actor and time', async () => {
      const user = await createUser(ioc.app, 'operator');
      for (let i = 0; i < 3; i++) await openSession(ioc.app, user.id, user.username); // no audit
      for (let i = 0; i < 3; i++) await login(ioc.baseUrl, user.username, user.password);
      const first = await audit(ioc, admin, `actor=${user.username}&action=auth.login&limit=2`);
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await audit(
        ioc,
        admin,
        `actor=${user.username}&action=auth.login&limit=2&cursor=${first.nextCursor}`,
      );
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeUndefined();
      const future = await audit(
        ioc,
        admin,
        `actor=${user.username}&from=${new Date(Date.now() + 60_000).toISOString()}`,
      );
      expect(future.items).toHaveLength(0);
      expect(
        (await call(ioc, 'GET', '/api/admin/audit?cursor=bogus', { headers: admin.headers() })).status,
      ).toBe(400);
    });

    it('lists agencies for any role', async () => {
      const wall = await call(ioc, 'GET', '/api/agencies', {
        headers: { authorization: `Bearer ${DISPLAY_TOKEN}` },
      });
      expect(wall.status).toBe(200);
      expect((wall.body.items as { id: string }[]).some((a) => a.id === TEST_AGENCY)).toBe(true);
    });
  });

  describe('display tokens', () => {
    it('are shown once, stored hashed, listed without the secret, usable as Bearer and revocable', async () => {
      const created = await call(ioc, 'POST', '/api/admin/display-tokens', {
        headers: admin.headers(true),
        body: { name: 'Màn hình tường P.201' },
      });
      expect(created.status).toBe(201);
      const token = created.body.token as string;
      expect(token).toMatch(/^ioc_dt_[\w-]{43}$/);
      expect(created.body.hint).toBe(token.slice(-4));
      const rows = await ioc.app.db.query<{ token_hash: string }>(
        `SELECT token_hash FROM display_tokens WHERE id = $1`,
        [created.body.id],
      );
      expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]?.token_hash).not.toContain(token);

      const list = await call(ioc, 'GET', '/api/admin/display-tokens', { headers: admin.headers() });
      expect(JSON.stringify(list.body)).not.toContain(token);
      expect((list.body.items as { name: string }[]).map((t) => t.name)).toContain('Màn hình tường P.201');

      const bearer = { authorization: `Bearer ${token}` };
      expect((await call(ioc, 'GET', '/api/devices', { headers: bearer })).status).toBe(200);
      // Read-only: a wall may not change anything, and a bearer needs no CSRF header to be told so.
      expect(
        (await call(ioc, 'POST', '/api/admin/display-tokens', { headers: bearer, body: { name: 'x' } })).body
          .error?.code,
      ).toBe('IOC_AUTH_FORBIDDEN');

      const revoked = await call(ioc, 'DELETE', `/api/admin/display-tokens/${created.body.id as number}`, {
        headers: admin.headers(true),
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      expect((await call(ioc, 'GET', '/api/devices', { headers: bearer })).status).toBe(401);
      expect(
        (await call(ioc, 'DELETE', '/api/admin/display-tokens/999999', { headers: admin.headers(true) })).body
          .error?.code,
      ).toBe('IOC_AUTH_TOKEN_NOT_FOUND');
      const events = await audit(ioc, admin, `actor=${admin.username}`);
      expect(events.items.map((e) => e.action)).toEqual(
        expect.arrayContaining(['display_token.create', 'display_token.revoke']),
      );
      expect(JSON.stringify(events)).not.toContain(token);
    });

    it('refuses a name PostgreSQL cannot store (NUL, a lone surrogate) or a control character with a coded 400 (fuzz seed 271163894)', async () => {
      for (const name of ['màn\u0000hình', 'P.201 \ud800', 'hai\ndòng', '\u001b[31m']) {
        const res = await call(ioc, 'POST', '/api/admin/display-tokens', {
          headers: admin.headers(true),
          body: { name },
        });
        expect(res.status, JSON.stringify(name)).toBe(400);
        expect(res.body.error?.code).toBe('IOC_REQUEST_INVALID');
      }
      const user = await call(ioc, 'POST', '/api/admin/users', {
        headers: admin.headers(true),
        body: {
          username: 'nul.name',
          displayName: 'Nguyễn\u0000A',
          password: 'mật-khẩu-dài-1',
          role: 'operator',
        },
      });
      expect(user.body.error?.code).toBe('IOC_REQUEST_INVALID');
      // Astral characters (a paired surrogate) are ordinary text.
      const wave = await call(ioc, 'POST', '/api/admin/display-tokens', {
        headers: admin.headers(true),
        body: { name: 'Màn hình lũ 🌊' },
      });
      expect(wave.status).toBe(201);
      expect(wave.body.name).toBe('Màn hình lũ 🌊');
    });
  });

  describe('/live', () => {
    it('refuses a handshake without credentials, with a bad token, or with a cookie from another site', async () => {
      expect((await refused(track(liveClient(ioc.baseUrl, null)))).code).toBe('IOC_AUTH_REQUIRED');
      expect((await refused(track(liveClient(ioc.baseUrl, { token: 'hue-demo-display' })))).code).toBe(
        'IOC_AUTH_REQUIRED',
      );
      const s = await sessionFor(ioc.app, 'operator');
      expect(
        (await refused(track(liveClient(ioc.baseUrl, { session: s, origin: 'https://evil.example' })))).code,
      ).toBe('IOC_AUTH_REQUIRED');
    });

    it('answers subscribe per layer and role from the policy table', async () => {
      const actors: { name: string; role: Role; cred: { token: string } | { session: Session } }[] = [
        { name: 'display token', role: 'display', cred: { token: DISPLAY_TOKEN } },
      ];
      for (const role of ROLES)
        actors.push({ name: role, role, cred: { session: await sessionFor(ioc.app, role) } });
      let cells = 0;
      for (const actor of actors) {
        const socket = track(liveClient(ioc.baseUrl, actor.cred));
        await connected(socket);
        for (const layer of LAYER_IDS) {
          const ack = await subscribe(socket, layer);
          const allowed = LAYER_POLICIES[layer].roles.includes(actor.role);
          if (allowed) expect(ack, `${actor.name} ${layer}`).toMatchObject({ ok: true, layer });
          else
            expect(ack, `${actor.name} ${layer}`).toMatchObject({
              ok: false,
              error: { code: 'IOC_AUTH_FORBIDDEN' },
            });
          cells++;
        }
        socket.close();
      }
      expect(cells).toBe(7 * LAYER_IDS.length);
    });

    it('gives an agency only its own incidents, and takes away one moved to another agency', async () => {
      // A pothole on Lê Lợi reported through Hue-S, as the incidents layer carries it (no personal data).
      const feature = (id: string, agencyId: string): Feature<IncidentProps> => ({
        id,
        position: [107.5905, 16.4637],
        props: {
          version: 2,
          status: 'assigned',
          category: 'roads',
          priority: 3,
          title: 'Ổ gà trên đường Lê Lợi',
          wardCode: null,
          agencyId,
          dueAt: '2025-11-03T10:00:00.000Z',
          createdAt: '2025-10-28T02:15:00.000Z',
          updatedAt: '2025-10-28T03:00:00.000Z',
          channels: ['hue_s'],
        },
      });
      await ioc.app.hub.apply('incidents', [feature('IOC-T-1', TEST_AGENCY), feature('IOC-T-2', 'hepco')]);
      ioc.app.hub.flushAll();
      const agencySession = await sessionFor(ioc.app, 'agency');
      const operatorSession = await sessionFor(ioc.app, 'operator');
      const agency = track(liveClient(ioc.baseUrl, { session: agencySession }));
      const operator = track(liveClient(ioc.baseUrl, { session: operatorSession }));
      const seen = { agency: new Map<string, Feature | null>(), operator: new Map<string, Feature | null>() };
      for (const [name, socket] of [
        ['agency', agency],
        ['operator', operator],
      ] as const) {
        socket.on(
          'layer:snapshot',
          (s: LayerSnapshot) => s.layer === 'incidents' && s.features.forEach((f) => seen[name].set(f.id, f)),
        );
        socket.on('layer:delta', (d: LayerDelta) => {
          if (d.layer !== 'incidents') return;
          d.removes.forEach((id) => seen[name].set(id, null));
          d.upserts.forEach((f) => seen[name].set(f.id, f));
        });
        await connected(socket);
        expect(await subscribe(socket, 'incidents')).toMatchObject({ ok: true });
      }
      expect(seen.agency.has('IOC-T-1')).toBe(true);
      expect(seen.agency.has('IOC-T-2')).toBe(false);
      expect(seen.operator.has('IOC-T-2')).toBe(true);
      // Reassigned to HEPCO: the Sở Xây dựng screen loses it, the desk sees the change.
      await ioc.app.hub.apply('incidents', [feature('IOC-T-1', 'hepco')]);
      await waitFor(
        'operator sees the reassignment',
        () => (seen.operator.get('IOC-T-1')?.props as { agencyId?: string })?.agencyId === 'hepco',
      );
      await waitFor('agency loses the incident', () => seen.agency.get('IOC-T-1') === null);
      expect(
        [...seen.agency.values()].every(
          (f) => f === null || (f.props as { agencyId: string }).agencyId === TEST_AGENCY,
        ),
      ).toBe(true);
    });

    it('disconnects an open socket within seconds when its display token is revoked', async () => {
      const { id, token } = await newDisplayToken(ioc.app);
      const socket = track(liveClient(ioc.baseUrl, { token }));
      await connected(socket);
      expect(await subscribe(socket, 'sensors')).toMatchObject({ ok: true });
      const gone = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));
      const t0 = Date.now();
      expect(
        (await call(ioc, 'DELETE', `/api/admin/display-tokens/${id}`, { headers: admin.headers(true) }))
          .status,
      ).toBe(200);
      const at = await Promise.race([
        gone,
        new Promise<number>((_, reject) =>
          setTimeout(() => reject(new Error('still connected after 6 s')), 6_000),
        ),
      ]);
      expect(at - t0).toBeLessThan(6_000);
      expect((await refused(track(liveClient(ioc.baseUrl, { token })))).code).toBe('IOC_AUTH_REQUIRED');
    });

    it('disconnects the sockets of a session that logs out, and of a deactivated user', async () => {
      const s = await loginAs(ioc.app, ioc.baseUrl, 'supervisor');
      const socket = track(liveClient(ioc.baseUrl, { session: s }));
      await connected(socket);
      const gone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
      expect((await call(ioc, 'POST', '/api/auth/logout', { headers: s.headers(true) })).status).toBe(204);
      await gone;

      const user = await createUser(ioc.app, 'leader');
      const s2 = await openSession(ioc.app, user.id, user.username);
      const socket2 = track(liveClient(ioc.baseUrl, { session: s2 }));
      await connected(socket2);
      const gone2 = new Promise<void>((resolve) => socket2.once('disconnect', () => resolve()));
      await call(ioc, 'PATCH', `/api/admin/users/${user.id}`, {
        headers: admin.headers(true),
        body: { active: false },
      });
      await gone2;
    });
  });

  describe('hardening', () => {
    it('sends a CSP the map can live with and the usual security headers', async () => {
      const res = await fetch(`${ioc.baseUrl}/healthz`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("worker-src 'self' blob:");
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // The same as frame-ancestors 'none', for browsers without CSP 2.
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      // Plain HTTP, and a client's own X-Forwarded-Proto (TRUST_PROXY is off): no HSTS.
      expect(res.headers.get('strict-transport-security')).toBeNull();
      const claimsTls = await fetch(`${ioc.baseUrl}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(claimsTls.headers.get('strict-transport-security')).toBeNull();
    });

    it('answers an unknown API path with 404 for anyone, without a stack', async () => {
      const res = await call(ioc, 'GET', '/api/khong-co');
      expect(res.status).toBe(404);
      expect(res.body.error?.code).toBe('IOC_NOT_FOUND');
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it("rate-limits login per address (run last: it spends this server's login budget)", async () => {
      let limited: Awaited<ReturnType<typeof call>> | null = null;
      for (let i = 0; i < 40 && !limited; i++) {
        const res = await call(ioc, 'POST', '/api/auth/login', {
          body: { username: `khach-${i}`, password: 'sai-mat-khau' },
        });
        if (res.status === 429) limited = res;
      }
      expect(limited?.body.error?.code).toBe('IOC_RATE_LIMITED');
      expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });
});

describe('session expiry', () => {
  let ioc: RunningIoc;
  beforeAll(async () => {
    ioc = await startIoc({ overrides: { sessionIdleS: 2, sessionMaxS: 5 } });
  });
  afterAll(async () => {
    await ioc?.close();
  });

  it('ends a session left unused past the idle timeout', async () => {
    const s = await loginAs(ioc.app, ioc.baseUrl, 'operator');
    expect((await call(ioc, 'GET', '/api/auth/me', { headers: s.headers() })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_600));
    const res = await call(ioc, 'GET', '/api/auth/me', { headers: s.headers() });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('IOC_AUTH_REQUIRED');
  });

  it('ends a session at its absolute expiry even while it is in use', async () => {
    const s = await loginAs(ioc.app, ioc.baseUrl, 'operator');
    const started = Date.now();
    let last = 200;
    while (Date.now() - started < 6_000 && last === 200) {
      last = (await call(ioc, 'GET', '/api/devices', { headers: s.headers() })).status;
      if (last === 200) await new Promise((r) => setTimeout(r, 700));
    }
    expect(last).toBe(401);
    expect(Date.now() - started).toBeGreaterThan(4_000);
  });
});

describe('seeding', () => {
  it('demo mode: the five demo accounts with DEMO_PASSWORD, the agency account in Sở Xây dựng, the display token', async () => {
    const ioc = await startIoc({ overrides: { demo: true, demoPassword: 'hue-demo' } });
    try {
      const sessions: Record<string, Session> = {};
      for (const username of ['admin', 'supervisor', 'operator', 'leader', 'agency']) {
        sessions[username] = await login(ioc.baseUrl, username, 'hue-demo');
      }
      const me = await call(ioc, 'GET', '/api/auth/me', { headers: sessions.agency!.headers() });
      expect(me.body).toMatchObject({ role: 'agency', agencyId: 'so-xay-dung' });
      expect(
        (await call(ioc, 'GET', '/api/auth/me', { headers: { authorization: `Bearer ${DISPLAY_TOKEN}` } }))
          .body.role,
      ).toBe('display');
      // The only admin may not remove its own rights.
      const adminId = (await call(ioc, 'GET', '/api/auth/me', { headers: sessions.admin!.headers() })).body
        .userId as number;
      const demote = await call(ioc, 'PATCH', `/api/admin/users/${adminId}`, {
        headers: sessions.admin!.headers(true),
        body: { role: 'operator' },
      });
      expect(demote.status).toBe(409);
      expect(demote.body.error?.code).toBe('IOC_AUTH_LAST_ADMIN');
      // A revoked seeded token stays revoked across a restart.
      const tokens = (
        await call(ioc, 'GET', '/api/admin/display-tokens', { headers: sessions.admin!.headers() })
      ).body.items as { id: number }[];
      expect(tokens).toHaveLength(1);
      await call(ioc, 'DELETE', `/api/admin/display-tokens/${tokens[0]!.id}`, {
        headers: sessions.admin!.headers(true),
      });
      await ioc.close({ keepData: true });
      const again = await startIoc({
        dataDir: ioc.dataDir,
        overrides: { demo: true, demoPassword: 'hue-demo' },
      });
      try {
        expect(
          (
            await call(again, 'GET', '/api/auth/me', {
              headers: { authorization: `Bearer ${DISPLAY_TOKEN}` },
            })
          ).status,
        ).toBe(401);
        // Sessions live in the database: the admin is still logged in after the restart.
        expect(
          (await call(again, 'GET', '/api/auth/me', { headers: sessions.admin!.headers() })).status,
        ).toBe(200);
        expect((await again.app.access.users.list()).length).toBe(5);
      } finally {
        await again.close();
      }
    } finally {
      await ioc.close().catch(() => undefined);
    }
  });

  it('outside demo mode: only the first admin from ADMIN_USERNAME/ADMIN_PASSWORD', async () => {
    const ioc = await startIoc({
      overrides: { adminUsername: 'quantri', adminPassword: 'mot-mat-khau-dai-hon' },
    });
    try {
      const users = await ioc.app.access.users.list();
      expect(users.map((u) => [u.username, u.role])).toEqual([['quantri', 'admin']]);
      await login(ioc.baseUrl, 'quantri', 'mot-mat-khau-dai-hon');
      await expect(login(ioc.baseUrl, 'admin', 'hue-demo')).rejects.toThrow(/401/);
    } finally {
      await ioc.close();
    }
  });
});
