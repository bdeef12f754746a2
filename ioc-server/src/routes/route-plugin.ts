import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { PluginName } from '../plugins/plugin-names.ts';

/**
 * A route module as a named, encapsulated plugin that states the decorators it uses (fastify-plugin
 * `dependencies`, plugin names: loading it without them fails at start, naming them). Every route also depends on
 * `access`, whose onRoute hook refuses a route without a row in auth/policy.ts.
 */
export function routePlugin(name: string, dependencies: readonly PluginName[], routes: FastifyPluginAsync) {
  return fp(routes, {
    name: `routes/${name}`,
    dependencies: ['access', ...dependencies],
    // Routes keep their content-type parsers and hooks to themselves.
    encapsulate: true,
  });
}
