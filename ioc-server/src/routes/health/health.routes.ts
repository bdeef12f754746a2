import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { IocContext } from '../../context.ts';

const Checks = Type.Object({ db: Type.Boolean(), mqtt: Type.Boolean(), live: Type.Boolean() });

export const healthRoutes: FastifyPluginAsync<{ ctx: IocContext }> = async (app, { ctx }) => {
  app.get(
    '/healthz',
    { schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({
      status: 'ok' as const,
    }),
  );

  /** 200 only when the database answers, the MQTT subscription is up and /live is attached. */
  app.get(
    '/readyz',
    {
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks: Checks }),
          503: Type.Object({
            status: Type.Literal('not_ready'),
            checks: Checks,
            failing: Type.Array(Type.String()),
          }),
        },
      },
    },
    async (_req, reply) => {
      const checks = ctx.readiness();
      checks.db = await ctx.db.query('SELECT 1').then(
        () => true,
        () => false,
      );
      const failing = Object.entries(checks)
        .filter(([, up]) => !up)
        .map(([name]) => name);
      if (failing.length > 0) return reply.code(503).send({ status: 'not_ready' as const, checks, failing });
      return { status: 'ready' as const, checks };
    },
  );

  app.get('/metrics', async (_req, reply) => {
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
};
