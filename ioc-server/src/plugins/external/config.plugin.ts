import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import { createMetrics, type Metrics } from '../../metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated configuration (config.ts): the only place that read the environment. */
    config: Config;
    /** Prometheus metrics of this app instance (a registry per instance, so tests can run several). */
    metrics: Metrics;
  }
}

/** The configuration and the metrics registry: everything else depends on these two. */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    app.decorate('config', config);
    app.decorate('metrics', createMetrics());
  },
  { name: 'config', fastify: '5.x' },
);
