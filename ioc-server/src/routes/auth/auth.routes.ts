import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { LoginBodySchema as LoginBody, MeSchema, type Me } from '@hue-ioc/layers';
import { AppError } from '../../errors.ts';
import { actorOf, requireCsrf, requirePrincipal } from '../../auth/access.plugin.ts';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../auth/access.service.ts';
import type { Principal } from '../../auth/principal.ts';
import { rateLimited } from '../../auth/rate-limit.ts';
import { csrfTokenFor, sha256 } from '../../auth/secrets.ts';
import { routePlugin } from '../route-plugin.ts';

const me = (p: Principal, extra: { csrfToken?: string; expiresAt?: Date } = {}): Me => ({
  id: p.id,
  kind: p.credential.type === 'session' ? 'user' : 'display_token',
  role: p.role,
  ...(p.userId !== undefined ? { userId: p.userId } : {}),
  ...(p.username !== undefined ? { username: p.username } : {}),
  ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
  ...(p.agencyId !== undefined ? { agencyId: p.agencyId } : {}),
  ...(extra.csrfToken !== undefined ? { csrfToken: extra.csrfToken } : {}),
  ...(extra.expiresAt !== undefined ? { expiresAt: extra.expiresAt.toISOString() } : {}),
});

/**
 * Secure when the browser reached us over TLS, directly or through a proxy TRUST_PROXY names that says so
 * (Fastify's `request.protocol` reads X-Forwarded-Proto only from those): any client's own header is not enough.
 */
const isTls = (req: FastifyRequest) => req.protocol === 'https';

function setSessionCookies(
  req: FastifyRequest,
  reply: FastifyReply,
  sessionId: string,
  csrfToken: string,
  expires: Date,
) {
  const common = { path: '/', sameSite: 'lax' as const, secure: isTls(req), expires };
  reply.setCookie(SESSION_COOKIE, sessionId, { ...common, httpOnly: true });
  // Readable by the page on purpose: it echoes it in X-IOC-CSRF (double submit).
  reply.setCookie(CSRF_COOKIE, csrfToken, { ...common, httpOnly: false });
}

function clearSessionCookies(req: FastifyRequest, reply: FastifyReply) {
  const common = { path: '/', sameSite: 'lax' as const, secure: isTls(req) };
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, common);
}

/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me (ARCHITECTURE.md, "Access"). */
export const authRoutes = routePlugin('auth', [], async (app) => {
  const { access } = app;

  app.post(
    '/api/auth/login',
    {
      schema: { body: LoginBody, response: { 200: MeSchema } },
      // Per address, on top of the per-account lockout: slows password spraying across usernames.
      config: rateLimited(30, '1 minute'),
    },
    async (req, reply) => {
      try {
        const result = await access.login(req.body.username, req.body.password, {
          ip: req.ip ?? null,
          userAgent: req.headers['user-agent'] ?? null,
          correlationId: String(req.id),
        });
        // A new id at every login (no fixation); the session this browser had before ends now.
        const previous = req.cookies[SESSION_COOKIE];
        if (previous) await access.sessions.delete(sha256(previous));
        setSessionCookies(req, reply, result.sessionId, result.csrfToken, result.expiresAt);
        return me(result.principal, { csrfToken: result.csrfToken, expiresAt: result.expiresAt });
      } catch (e) {
        if (e instanceof AppError && e.code === 'IOC_AUTH_LOCKED') {
          reply.header('retry-after', String((e.details as { retryAfterS: number }).retryAfterS));
        }
        throw e;
      }
    },
  );

  /** Public so a stale cookie can always be cleared; ending a live session still needs the CSRF header. */
  app.post('/api/auth/logout', { schema: { response: { 204: Type.Null() } } }, async (req, reply) => {
    const sessionId = req.cookies[SESSION_COOKIE];
    if (sessionId) {
      const principal = await access.principalFromSession(sessionId);
      if (principal) {
        requireCsrf(req, sessionId);
        await access.logout(sessionId, { ...actorOf(req), principal });
      }
    }
    clearSessionCookies(req, reply);
    return reply.code(204).send(null);
  });

  app.get('/api/auth/me', { schema: { response: { 200: MeSchema } } }, async (req) => {
    const p = requirePrincipal(req);
    const sessionId = req.cookies[SESSION_COOKIE];
    return me(p, p.credential.type === 'session' && sessionId ? { csrfToken: csrfTokenFor(sessionId) } : {});
  });
});
