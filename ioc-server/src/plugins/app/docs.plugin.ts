import fp from 'fastify-plugin';
import type { TSchema } from '@sinclair/typebox';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { ErrorBodySchema } from '@hue-ioc/layers';
import { isMutating, policyFor } from '../../auth/policy.ts';
import { isStaticFile } from '../../auth/access.plugin.ts';
import { CSRF_HEADER, CSRF_COOKIE, SESSION_COOKIE } from '../../auth/access.service.ts';
import { toOpenApi30Document } from './openapi-30.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A signed webhook's body by media type, for the document only (the route validates after the HMAC). */
    signedBody?: Record<string, TSchema>;
    /** A body the route reads itself (multipart uploads), by media type, for the document only. */
    documentedBody?: Record<string, TSchema>;
    /** A 200 answer that is not JSON (file downloads), by media type, for the document only. */
    documentedOk?: Record<string, TSchema>;
  }
}

/**
 * OpenAPI 3 at `/docs` (Swagger UI) and `/docs/json`, generated from the routes' own schemas (the TypeBox
 * schemas of `layers`, which the server validates and serialises with). Each operation's security comes
 * from its row in auth/policy.ts, so the document cannot disagree with what the server enforces.
 * Load before the routes: @fastify/swagger collects them as they register.
 */
export default fp(
  async (app) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Huế IOC API',
          description:
            'Trung tâm Giám sát, điều hành đô thị thông minh Huế: ingest, reference data, KPIs, access, ' +
            'live wall configuration. Live layers are on the socket.io namespace `/live` (see the README). ' +
            'Every error is `{ error: { code, message, details? } }` with a code of the IOC error catalogue.',
          version: '0.1.0',
          license: { name: 'MIT' },
        },
        tags: [
          { name: 'auth', description: 'Đăng nhập · Login, logout, the current principal' },
          { name: 'admin', description: 'Quản trị · Accounts, wall-screen tokens, the audit trail' },
          { name: 'reference', description: 'Danh mục · Wards (GSO codes), agencies, devices' },
          {
            name: 'ingest',
            description: 'Tiếp nhận · Signed webhooks of Hue-S, the hotline 19001075 and KPI feeds',
          },
          { name: 'kpis', description: 'Chỉ số · KPI values and their 24 h series' },
          { name: 'wall', description: 'Màn hình tường · The wall scenes and playlists' },
          { name: 'health', description: 'Vận hành · Liveness, readiness, Prometheus metrics' },
        ],
        components: {
          securitySchemes: {
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: SESSION_COOKIE,
              description: `Set by POST /api/auth/login. Mutations also need ${CSRF_HEADER} (the ${CSRF_COOKIE} cookie).`,
            },
            csrf: {
              type: 'apiKey',
              in: 'header',
              name: CSRF_HEADER,
              description: `The ${CSRF_COOKIE} cookie's value (or csrfToken of GET /api/auth/me), on every POST/PATCH/DELETE made with the session cookie.`,
            },
            displayToken: {
              type: 'http',
              scheme: 'bearer',
              description:
                'A wall screen or scraper token (POST /api/admin/display-tokens): the display role.',
            },
            signature: {
              type: 'apiKey',
              in: 'header',
              name: 'X-Signature',
              description:
                'sha256=<hex HMAC-SHA256(secret, X-Timestamp + "." + raw body)> with the source\'s INGEST_SECRET_*.',
            },
            signatureTimestamp: {
              type: 'apiKey',
              in: 'header',
              name: 'X-Timestamp',
              description: 'Unix seconds; older than 5 minutes is refused.',
            },
          },
        },
      },
      // Signed webhooks read raw bytes (the HMAC covers them) and validate after the signature: their bodies
      // are documented from `config.signedBody` (media type → schema) instead of a validating `body`.
      // Uploads and downloads the same way: `documentedBody` / `documentedOk`.
      transform: ({ schema, url, route }) => {
        const body = route.config?.signedBody ?? route.config?.documentedBody;
        const ok = route.config?.documentedOk;
        if (!body && !ok) return { schema, url };
        const content = (m: Record<string, TSchema>) =>
          Object.fromEntries(Object.entries(m).map(([type, s]) => [type, { schema: s }]));
        const out = { ...schema } as Record<string, unknown>;
        if (body) out.body = { content: content(body) };
        if (ok)
          out.response = {
            ...((schema as { response?: Record<string, unknown> }).response ?? {}),
            200: { description: 'the file', content: content(ok) },
          };
        return { schema: out as typeof schema, url };
      },
      transformObject: (documents) =>
        'openapiObject' in documents
          ? toOpenApi30Document(documents.openapiObject as Record<string, unknown>)
          : documents.swaggerObject,
      // Shared schemas with an $id become components instead of being inlined in every operation.
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) =>
          typeof json.$id === 'string' ? json.$id : `def-${i}`,
      },
    });

    // The one error shape, referenced by every operation's error answers (and used to serialise them).
    app.addSchema({ ...ErrorBodySchema, $id: 'ErrorBody' });
    const errorRef = { $ref: 'ErrorBody#' };

    // Security, roles and error answers of each operation, from the policy table; the web app's files
    // are not the API.
    app.addHook('onRoute', (route) => {
      if (isStaticFile(route.config) || route.url.startsWith('/docs')) {
        route.schema = { ...route.schema, hide: true };
        return;
      }
      const method = Array.isArray(route.method) ? route.method[0]! : route.method;
      const policy = policyFor(method, route.url);
      if (!policy) return; // the access plugin refuses the route and says why
      const schema = { ...route.schema } as Record<string, unknown>;
      // The errors this route can answer: 400 for input it validates, 401/403 by its policy, 500 always.
      const errors: Record<string, unknown> = { 500: errorRef };
      if (schema.body || schema.querystring || schema.params || isMutating(method)) errors[400] = errorRef;
      if (policy.scope === 'signed') errors[401] = errorRef;
      if (policy.scope === 'all' || policy.scope === 'own_agency') {
        errors[401] = errorRef;
        errors[403] = errorRef;
      }
      schema.response = { ...errors, ...(schema.response as Record<string, unknown> | undefined) };
      if (policy.scope === 'public') schema.security = [];
      else if (policy.scope === 'signed') schema.security = [{ signature: [], signatureTimestamp: [] }];
      else {
        const session = isMutating(method) ? { session: [], csrf: [] } : { session: [] };
        schema.security = policy.roles.includes('display') ? [session, { displayToken: [] }] : [session];
        const who = `Roles: ${policy.roles.join(', ')}${policy.scope === 'own_agency' ? ' (an agency account: its own agency only)' : ''}.`;
        schema.description = schema.description ? `${String(schema.description)}\n\n${who}` : who;
      }
      route.schema = schema;
    });

    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
      // The UI's own script and styles are files under /docs/static, allowed by the app's CSP ('self').
      staticCSP: false,
    });
  },
  { name: 'docs', dependencies: ['config'] },
);
