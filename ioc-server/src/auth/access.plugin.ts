import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { AppError } from '../errors.ts';
import { CSRF_HEADER, type AccessService } from './access.service.ts';
import type { Principal } from './principal.ts';
import {
  decide,
  isMutating,
  policyFor,
  policyProblem,
  STATIC_FILE_POLICY,
  type RoutePolicy,
} from './policy.ts';
import { rateLimitError } from './rate-limit.ts';
import { csrfTokenFor, safeEqual } from './secrets.ts';
import { cspDirectives } from './security-headers.ts';
import { originMatchesHost } from './origin.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; null on public routes and for anonymous callers. Set before any handler runs. */
    principal: Principal | null;
    /** The policy row that let this request through (policy.ts). */
    routePolicy: RoutePolicy | null;
  }
  interface FastifyInstance {
    /** Every registered route with its policy (HEAD folded into GET): what the access matrix test walks. */
    accessRoutes: { method: string; url: string; policy: RoutePolicy; staticFile: boolean }[];
  }
}

export interface AccessPluginOptions {
  access: AccessService;
  /** The built web app, for the CSP's inline-script hashes; null when none is served. */
  webDir: string | null;
  /** The basemap's origin (MAP_STYLE_URL), allowed to the maps' fetches by the CSP; null for none. */
  mapOrigin?: string | null;
  /** MEDIA_ORIGINS: the hosts of reports' photos, videos and camera snapshots. */
  mediaOrigins?: readonly string[];
}

/** helmet's default policy: a year, subdomains included. */
const HSTS = 'max-age=31536000; includeSubDomains';

/** @fastify/static marks each file route with its root: those are the web app's public files. */
export const isStaticFile = (config: unknown): boolean =>
  typeof (config as { rootPath?: unknown } | undefined)?.rootPath === 'string';

/** The not-found handler (API 404s and the SPA shell for client-side routes) needs no credentials. */
const NOT_FOUND_POLICY: RoutePolicy = { roles: [], scope: 'public' };

/**
 * Access control for the whole app, in one hook (issue "Who may see and do what"):
 * - refuses to start when a route has no row in policy.ts, or a row breaks the read-only rule;
 * - on every request: resolves the principal (display token or session cookie), applies the route's
 *   row (401 IOC_AUTH_REQUIRED / 403 IOC_AUTH_FORBIDDEN), refuses cross-site mutations (Origin) and
 *   cookie-authenticated mutations without the CSRF header (403 IOC_AUTH_CSRF);
 * - security headers (helmet, with a CSP the map can live with) and the rate limiter routes opt into.
 * CORS stays closed: no CORS plugin, so browsers refuse cross-origin reads.
 * Register it before any route.
 */
const plugin: FastifyPluginAsync<AccessPluginOptions> = async (
  app,
  { access, webDir, mapOrigin, mediaOrigins },
) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('routePolicy', null);
  const routes: FastifyInstanceRoutes = [];
  app.decorate('accessRoutes', routes);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const staticFile = isStaticFile(route.config);
    for (const method of methods) {
      const policy = staticFile && !isMutating(method) ? STATIC_FILE_POLICY : policyFor(method, route.url);
      const problem = policyProblem(method, route.url, policy);
      if (problem) throw new Error(problem);
      if (method !== 'HEAD') routes.push({ method, url: route.url, policy: policy!, staticFile });
    }
  });

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: cspDirectives(webDir, mapOrigin ?? null, mediaOrigins ?? []),
    },
    // X-Frame-Options for browsers without CSP 2: the same as the CSP's frame-ancestors 'none' (helmet's
    // default SAMEORIGIN contradicted it).
    xFrameOptions: { action: 'deny' },
    // HSTS only on a response that went over TLS (below): over plain HTTP it is meaningless (RFC 6797
    // §7.2), and the embedded default serves plain HTTP on a LAN.
    strictTransportSecurity: false,
    // The wall loads nothing cross-origin; keep the defaults (COOP/CORP same-origin, no referrer, nosniff).
  });
  // `request.protocol` is https on a TLS socket, or behind a proxy TRUST_PROXY names that says so.
  app.addHook('onRequest', async (req, reply) => {
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });
  await app.register(fastifyRateLimit, { global: false, errorResponseBuilder: rateLimitError });

  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    const policy =
      url === undefined
        ? NOT_FOUND_POLICY
        : isStaticFile(req.routeOptions.config) && !isMutating(req.method)
          ? STATIC_FILE_POLICY
          : policyFor(req.method, url);
    // Unreachable (start is refused without a row), but fail closed all the same.
    if (!policy) throw new AppError('IOC_AUTH_FORBIDDEN', 'no access policy for this route');
    req.routePolicy = policy;
    const bearer =
      typeof req.headers.authorization === 'string' && /^bearer\s/i.test(req.headers.authorization);
    if (isMutating(req.method) && !bearer && policy.scope !== 'signed') refuseCrossSite(req);
    if (policy.scope === 'public' || policy.scope === 'signed') return;

    const { principal, sessionId } = await access.resolve(req.headers, req.cookies);
    const verdict = decide(policy, principal);
    if (!verdict.ok) {
      throw new AppError(
        verdict.code,
        verdict.status === 401
          ? 'log in, or send a valid display token'
          : `the ${principal?.role} role may not ${req.method} ${url}`,
      );
    }
    if (isMutating(req.method) && principal?.credential.type === 'session' && sessionId)
      requireCsrf(req, sessionId);
    req.principal = principal;
  });
};

type FastifyInstanceRoutes = { method: string; url: string; policy: RoutePolicy; staticFile: boolean }[];

/**
 * A browser states where a request comes from (Origin on every POST/PATCH/DELETE): one from another
 * site is refused before it can use the session cookie — or log someone into an account (login CSRF).
 */
export function refuseCrossSite(req: FastifyRequest): void {
  const origin = req.headers.origin;
  // `request.host`: X-Forwarded-Host when the peer is a proxy TRUST_PROXY names, else Host.
  if (origin !== undefined && !originMatchesHost(origin, { host: req.host })) {
    throw new AppError('IOC_AUTH_CSRF', 'cross-site request refused');
  }
}

/** Double submit bound to the session: the X-IOC-CSRF header must carry this session's CSRF token. */
export function requireCsrf(req: FastifyRequest, sessionId: string): void {
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(sessionId))) {
    throw new AppError(
      'IOC_AUTH_CSRF',
      `send the ${CSRF_HEADER} header (the ioc_csrf cookie, or csrfToken of /api/auth/me)`,
    );
  }
}

/** The principal of an authenticated route (the plugin has already refused anonymous callers). */
export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('IOC_AUTH_REQUIRED', 'log in, or send a valid display token');
  return req.principal;
}

/**
 * For `own_agency` routes: the agency whose records this request is limited to, or null for "all".
 * Handlers filter lists with it and answer 404 for another agency's record (not 403: no oracle).
 */
export function agencyScope(req: FastifyRequest): string | null {
  const p = req.principal;
  if (!p || p.role !== 'agency' || req.routePolicy?.scope !== 'own_agency') return null;
  if (!p.agencyId) throw new AppError('IOC_AUTH_FORBIDDEN', 'this agency account has no agency');
  return p.agencyId;
}

/** Who did it, for the audit trail. */
export const actorOf = (req: FastifyRequest) => ({
  principal: req.principal,
  ip: req.ip ?? null,
  correlationId: String(req.id),
});

export const accessPlugin = fp(plugin, { name: 'ioc-access', fastify: '5.x' });
