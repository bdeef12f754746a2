import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Config } from './config.ts';
import { createContext, type IocContext } from './context.ts';
import { AppError, errorBody } from './errors.ts';
import { healthRoutes } from './routes/health/health.routes.ts';
import { referenceRoutes } from './routes/reference/reference.routes.ts';
import { accessPlugin } from './auth/access.plugin.ts';
import { LOG_REDACT, logSerializers } from './auth/personal-data.ts';
import { authRoutes } from './routes/auth/auth.routes.ts';
import { adminRoutes } from './routes/admin/admin.routes.ts';
import { webhookRoutes } from './routes/ingest/webhooks.routes.ts';
import { kpiRoutes } from './routes/kpis/kpis.routes.ts';
import { wallRoutes } from './routes/wall/wall.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    ioc: IocContext;
  }
}

/**
 * Builds the whole IOC as one Fastify instance: storage, live layers, /live, REST and the web app.
 * Tests build it with their own config and `listen({ port: 0 })`; `server.ts` adds signals and logging.
 */
export async function buildApp(
  config: Config,
  options: { logger?: FastifyServerOptions['logger'] } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    // No credentials or reporter data in the logs (auth/personal-data.ts).
    logger: options.logger ?? { level: config.logLevel, redact: LOG_REDACT, serializers: logSerializers },
    bodyLimit: 1024 * 1024,
    // Correlation id on every log line and error response.
    genReqId: () => crypto.randomUUID(),
  });
  const ctx = await createContext(config, app.log);
  app.decorate('ioc', ctx);
  ctx.attachLive(app.server, app.log);
  // Live sockets first: Fastify's close waits for every open connection before its onClose hooks run,
  // and a wall screen's websocket never ends by itself (without this, stopping a node with screens
  // attached hung until close-with-grace gave up).
  app.addHook('preClose', async () => ctx.closeLive());
  app.addHook('onClose', async () => ctx.close());

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof AppError)
      return reply.code(err.statusCode).send(errorBody(err.code, err.message, err.details));
    const e = err as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation) {
      return reply.code(400).send(errorBody('IOC_REQUEST_INVALID', e.message, e.validation));
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.code(e.statusCode).send(errorBody('IOC_REQUEST_INVALID', e.message));
    }
    req.log.error({ err, reqId: req.id }, 'unhandled error');
    return reply.code(500).send(errorBody('IOC_INTERNAL', `internal error (reference ${req.id})`));
  });

  // Before every route: it refuses to start when a route has no row in auth/policy.ts.
  await app.register(accessPlugin, { access: ctx.access, webDir: config.webDir });
  await app.register(authRoutes, { ctx });
  await app.register(adminRoutes, { ctx });
  await app.register(healthRoutes, { ctx });
  await app.register(referenceRoutes, { ctx });
  await app.register(webhookRoutes, { ctx });
  await app.register(kpiRoutes, { ctx });
  await app.register(wallRoutes, { ctx });

  if (config.webDir) {
    await app.register(fastifyStatic, { root: config.webDir, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const isApi = /^\/(api|open311|cap|open-data|socket\.io)(\/|$)/.test(path);
    // The web app routes on the client: any other GET gets its shell.
    if (config.webDir && req.method === 'GET' && !isApi) return reply.sendFile('index.html');
    return reply.code(404).send(errorBody('IOC_NOT_FOUND', `no route for ${req.method} ${path}`));
  });

  app.addHook('onReady', async () => {
    await ctx.startIngest();
  });
  return app;
}
