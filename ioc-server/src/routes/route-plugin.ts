import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import fp from 'fastify-plugin';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { PluginName } from '../plugins/plugin-names.ts';
import { AppError } from '../errors.ts';

/**
 * The app as routes see it: with the TypeBox type provider, a handler's `req.query`, `req.params`,
 * `req.body` and its reply are typed from the route's schemas (the same TypeBox schemas validate and
 * serialise them at run time), with no casts.
 */
export type RouteApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * A route module as a named, encapsulated plugin that states the plugins it uses (fastify-plugin
 * `dependencies`, plugin names: loading it without them fails at start, naming them). Every route also
 * depends on `access`, whose onRoute hook refuses a route without a row in auth/policy.ts.
 */
export function routePlugin(
  name: string,
  dependencies: readonly PluginName[],
  routes: (app: RouteApp) => Promise<void>,
) {
  return fp(
    async (app) => {
      // The module's name is its operations' tag in the OpenAPI document (docs.plugin.ts names the tags).
      app.addHook('onRoute', (route) => {
        const schema = (route.schema ?? {}) as { tags?: string[] };
        if (!schema.tags) route.schema = { ...schema, tags: [name] };
      });
      // Ajv coerces "1e309" in a path or query string to Infinity, which passes `integer` and skips
      // `minimum`/`maximum` (it checks those only for finite numbers): PATCH /api/admin/users/1e309 reached
      // the database and answered 500 (issue 11). After validation, refuse what the schema let through.
      app.addHook('preHandler', async (req) => {
        const where = nonFinite(req.params, 'params') ?? nonFinite(req.query, 'querystring');
        if (where) throw new AppError('IOC_REQUEST_INVALID', `${where} must be a finite number`);
      });
      await routes(app.withTypeProvider<TypeBoxTypeProvider>());
    },
    {
      name: `routes/${name}`,
      dependencies: ['access', ...dependencies],
      // Routes keep their content-type parsers and hooks to themselves.
      encapsulate: true,
    },
  );
}

/** The first parameter (`params/id`) holding a non-finite number after coercion, or null. */
function nonFinite(values: unknown, part: string): string | null {
  if (typeof values !== 'object' || values === null) return null;
  for (const [key, value] of Object.entries(values)) {
    const items: unknown[] = Array.isArray(value) ? value : [value];
    if (items.some((v) => typeof v === 'number' && !Number.isFinite(v))) return `${part}/${key}`;
  }
  return null;
}
