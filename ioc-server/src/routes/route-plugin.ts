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
