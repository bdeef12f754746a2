import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { HealthSchema, NotReadySchema, ReadySchema } from '@hue-ioc/layers';
import { routePlugin } from '../route-plugin.ts';

/** What /readyz checks besides the database: the MQTT subscription, the /live gateway, ingest progress. */
const readiness = (app: FastifyInstance, stalled: readonly string[]) => ({
  db: true,
  mqtt: app.mqttIngest.connected,
  live: app.hasDecorator('live'),
  ingest: stalled.length === 0,
});

export const healthRoutes = routePlugin('health', ['db', 'mqtt-ingest', 'ingest'], async (app) => {
  app.get('/healthz', { schema: { response: { 200: HealthSchema } } }, async () => ({
    status: 'ok' as const,
  }));

  /**
   * 200 only when the database answers, the MQTT subscription is up, /live is attached and no ingest
   * pipeline is stalled (issue 11: a stalled pipeline once kept this at 200 while nothing reached the map).
   */
  app.get(
    '/readyz',
    {
      schema: {
        response: {
          200: ReadySchema,
          503: NotReadySchema,
        },
      },
    },
    async (_req, reply) => {
      const stalled = app.ingestHealth.stalled();
      const checks = readiness(app, stalled);
      checks.db = await app.db.query('SELECT 1').then(
        () => true,
        () => false,
      );
      const failing = Object.entries(checks)
        .filter(([, up]) => !up)
        .map(([name]) => name);
      if (failing.length > 0)
        return reply.code(503).send({
          status: 'not_ready' as const,
          checks,
          failing,
          ...(stalled.length > 0 ? { stalled } : {}),
        });
      return { status: 'ready' as const, checks };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        description: 'Prometheus text exposition format: ingest, dead letters, /live, event-log lag.',
        response: { 200: { content: { 'text/plain': { schema: Type.String() } } } },
      },
    },
    async (_req, reply) => {
      // The stall gauges are computed at scrape time, from each pipeline's progress.
      app.ingestHealth.check();
      reply.type(app.metrics.registry.contentType);
      return app.metrics.registry.metrics();
    },
  );
});
