import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Config } from './config.ts';
import type { Db } from './storage/db.ts';
import { AppError, errorBody, frameworkCode, statusOf } from './errors.ts';
import { LOG_REDACT, logSerializers } from './auth/personal-data.ts';
import { proxyTrust } from './auth/origin.ts';
import { PLUGIN_NAMES, type PluginName } from './plugins/plugin-names.ts';
import configPlugin from './plugins/external/config.plugin.ts';
import dbPlugin from './plugins/external/db.plugin.ts';
import redisPlugin from './plugins/external/redis.plugin.ts';
import mqttBrokerPlugin from './plugins/external/mqtt-broker.plugin.ts';
import geoPlugin from './plugins/app/geo.plugin.ts';
import repositoriesPlugin from './plugins/app/repositories.plugin.ts';
import attachmentsPlugin from './plugins/app/attachments.plugin.ts';
import accessPlugin from './plugins/app/access.plugin.ts';
import slaPlugin from './plugins/app/sla.plugin.ts';
import eventLogPlugin from './plugins/app/event-log.plugin.ts';
import layerHubPlugin from './plugins/app/layer-hub.plugin.ts';
import liveLayersPlugin from './plugins/app/live-layers.plugin.ts';
import kpisPlugin from './plugins/app/kpis.plugin.ts';
import liveGatewayPlugin from './plugins/app/live-gateway.plugin.ts';
import ingestPlugin from './plugins/app/ingest.plugin.ts';
import workflowPlugin from './plugins/app/workflow.plugin.ts';
import outboxPlugin from './plugins/app/outbox.plugin.ts';
import deadlinesPlugin from './plugins/app/deadlines.plugin.ts';
import mqttIngestPlugin from './plugins/app/mqtt-ingest.plugin.ts';
import simulatorPlugin from './plugins/app/simulator.plugin.ts';
import docsPlugin from './plugins/app/docs.plugin.ts';
import { healthRoutes } from './routes/health/health.routes.ts';
import { referenceRoutes } from './routes/reference/reference.routes.ts';
import { authRoutes } from './routes/auth/auth.routes.ts';
import { adminRoutes } from './routes/admin/admin.routes.ts';
import { deviceCredentialRoutes } from './routes/admin/device-credentials.routes.ts';
import { webhookRoutes } from './routes/ingest/webhooks.routes.ts';
import { kpiRoutes } from './routes/kpis/kpis.routes.ts';
import { wallRoutes } from './routes/wall/wall.routes.ts';
import { outboxRoutes } from './routes/admin/outbox.routes.ts';
import { attachmentRoutes } from './routes/incidents/attachments.routes.ts';
import { mapRoutes } from './routes/map/map.routes.ts';
import { slaRoutes } from './routes/sla/sla.routes.ts';
import { kpiCatalogueRoutes } from './routes/kpi-catalogue/kpi-catalogue.routes.ts';
import { briefingRoutes } from './routes/briefing/briefing.routes.ts';
import { incidentRoutes } from './routes/incidents/incidents.routes.ts';
import { briefingPdfRoutes } from './routes/briefing/briefing-pdf.routes.ts';
import { open311Routes } from './routes/open311/open311.routes.ts';
import { capRoutes } from './routes/cap/cap.routes.ts';
import { openDataRoutes } from './routes/open-data/open-data.routes.ts';
import { congKhaiRoutes } from './routes/public/cong-khai.routes.ts';
import { sendOpen311Errors } from './open311/open311-errors.ts';

/**
 * The app's plugins by name (fastify/demo's layout): external plugins (config, database, Redis, MQTT broker)
 * before app plugins (storage, access, live state, ingest), before routes. Each declares what it depends
 * on, so fastify-plugin refuses a subset that lacks a dependency, naming it; start-up follows this order and
 * shutdown the reverse.
 */
const PLUGINS: Record<Exclude<PluginName, 'config' | 'db'>, FastifyPluginAsync> = {
  redis: redisPlugin,
  'mqtt-broker': mqttBrokerPlugin,
  geo: geoPlugin,
  repositories: repositoriesPlugin,
  attachments: attachmentsPlugin,
  access: accessPlugin,
  sla: slaPlugin,
  'event-log': eventLogPlugin,
  'layer-hub': layerHubPlugin,
  'live-layers': liveLayersPlugin,
  kpis: kpisPlugin,
  'live-gateway': liveGatewayPlugin,
  ingest: ingestPlugin,
  workflow: workflowPlugin,
  outbox: outboxPlugin,
  deadlines: deadlinesPlugin,
  'mqtt-ingest': mqttIngestPlugin,
  simulator: simulatorPlugin,
  docs: docsPlugin,
};

/** Route modules by name; each states the plugins it needs (routes/route-plugin.ts). */
export const ROUTES = {
  auth: authRoutes,
  admin: adminRoutes,
  'device-credentials': deviceCredentialRoutes,
  health: healthRoutes,
  reference: referenceRoutes,
  ingest: webhookRoutes,
  kpis: kpiRoutes,
  wall: wallRoutes,
  outbox: outboxRoutes,
  attachments: attachmentRoutes,
  map: mapRoutes,
  sla: slaRoutes,
  'kpi-catalogue': kpiCatalogueRoutes,
  incidents: incidentRoutes,
  briefing: briefingRoutes,
  'briefing-pdf': briefingPdfRoutes,
  open311: open311Routes,
  cap: capRoutes,
  'open-data': openDataRoutes,
  'cong-khai': congKhaiRoutes,
} as const;
export type RouteName = keyof typeof ROUTES;

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
  /**
   * Load only these plugins and routes (tests of one part); `config` always loads. Default: everything.
   * A plugin whose dependencies are not in the subset makes `buildApp` fail, naming them.
   */
  only?: { plugins: readonly PluginName[]; routes: readonly RouteName[] };
  /** Wraps the opened database (a test double at the port, e.g. one that injects an outage). */
  wrapDb?: (db: Db) => Db;
}

/**
 * pino's options: JSON lines for collectors, or pino-pretty's lines for a person at a terminal (`npm start`
 * on a TTY). The redaction and serializers are the same either way: no credentials or reporter data.
 */
export function loggerOptions(config: Config, isTty = process.stdout.isTTY === true) {
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && isTty);
  return {
    level: config.logLevel,
    redact: LOG_REDACT,
    serializers: logSerializers,
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: isTty, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,reqId' },
          },
        }
      : {}),
  };
}

/**
 * Builds the whole IOC as one Fastify instance: storage, live layers, /live, REST and the web app.
 * Tests build it with their own config and `listen({ port: 0 })`; `server.ts` adds signals and logging.
 */
export async function buildApp(config: Config, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // No credentials or reporter data in the logs (auth/personal-data.ts).
    logger: options.logger ?? loggerOptions(config),
    bodyLimit: 1024 * 1024,
    // Correlation id on every log line and error response.
    genReqId: () => crypto.randomUUID(),
    // X-Forwarded-For/-Proto/-Host count only from the proxies TRUST_PROXY names (off: from nobody), so a
    // client cannot claim TLS (the cookie's Secure flag, HSTS) or another address (rate limits, the audit).
    trustProxy: config.trustProxy === false ? false : proxyTrust(config.trustProxy),
    // Opening the embedded database and running migrations on a loaded 2-core machine takes tens of
    // seconds (avvio's default allows a plugin 10 s); a plugin that hangs still fails start-up, by name.
    pluginTimeout: 120_000,
    // Errors of the router (a malformed URL) and of the HTTP parser (headers too large) in our shape too.
    frameworkErrors: (err, req, reply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 400;
      req.log.info({ code: (err as { code?: string }).code, reqId: req.id }, 'request refused by the router');
      const code = frameworkCode(status);
      void (reply as FastifyReply).code(statusOf(code)).send(errorBody(code, err.message));
    },
    clientErrorHandler: (err, socket) => {
      const status = (err as { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      if (!socket.writable) return socket.destroy();
      const body = JSON.stringify(
        errorBody(frameworkCode(status), status === 431 ? 'request headers too large' : 'malformed request'),
      );
      socket.end(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    },
  });

  // One handler for every error (Fastify core's model: each code declared once, errors.ts): expected
  // errors answer with their catalogue status; Fastify's own 4xx come out in the same shape; anything else
  // is logged with the correlation id and answered 500 without a stack or personal data.
  app.setErrorHandler((err, req, reply) => {
    if (err instanceof AppError)
      return reply.code(err.statusCode).send(errorBody(err.code, err.message, err.details));
    const e = err as { validation?: unknown; statusCode?: number; message: string };
    if (e.validation) {
      return reply.code(400).send(errorBody('IOC_REQUEST_INVALID', e.message, e.validation));
    }
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      const code = frameworkCode(e.statusCode);
      return reply.code(statusOf(code)).send(errorBody(code, e.message));
    }
    req.log.error({ err, reqId: req.id }, 'unhandled error');
    return reply.code(500).send(errorBody('IOC_INTERNAL', `internal error (reference ${req.id})`));
  });

  await app.register(configPlugin, { config });
  const plugins = new Set<PluginName>(options.only?.plugins ?? PLUGIN_NAMES);
  for (const name of PLUGIN_NAMES) {
    if (name === 'config' || !plugins.has(name)) continue;
    // The database takes the one option a test may give it (BuildAppOptions.wrapDb).
    if (name === 'db') await app.register(dbPlugin, { wrapDb: options.wrapDb });
    else await app.register(PLUGINS[name]);
  }
  const routes = options.only?.routes ?? (Object.keys(ROUTES) as RouteName[]);
  for (const name of routes) await app.register(ROUTES[name]);

  if (config.webDir && !options.only) {
    await app.register(fastifyStatic, { root: config.webDir, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const isApi = /^\/(api|open311|cap|open-data|socket\.io|docs)(\/|$)/.test(path);
    // The web app routes on the client: any other GET gets its shell.
    if (config.webDir && !options.only && req.method === 'GET' && !isApi) return reply.sendFile('index.html');
    if (path.startsWith('/open311/'))
      // The format is the answer's, not part of what was not found (the .json and .xml say the same).
      return sendOpen311Errors(
        req,
        reply,
        404,
        'IOC_NOT_FOUND',
        `no Open311 resource ${req.method} ${path.replace(/\.(json|xml)$/, '')}`,
      );
    return reply.code(404).send(errorBody('IOC_NOT_FOUND', `no route for ${req.method} ${path}`));
  });
  return app;
}
