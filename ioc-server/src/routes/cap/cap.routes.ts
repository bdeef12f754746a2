import { Type } from '@sinclair/typebox';
import { Counter } from 'prom-client';
import {
  CapCancelBodySchema,
  CapIdParamsSchema,
  CapIngestOutcomeSchema,
  CapPromoteBodySchema,
  CapPublishedSchema,
  ErrorBodySchema,
} from '@hue-ioc/layers';
import { verifySignature } from '@hue-ioc/streams';
import { AppError, errorBody } from '../../errors.ts';
import { requirePrincipal } from '../../auth/access.plugin.ts';
import { rateLimited } from '../../auth/rate-limit.ts';
import { systemClock } from '../../ingest/ports.ts';
import { isDatabaseUnavailable } from '../../storage/db.ts';
import { DeviceAlarmRepository } from '../../storage/device-alarm.repository.ts';
import { RETRY_AFTER_S } from '../ingest/ingest-unavailable.ts';
import { routePlugin } from '../route-plugin.ts';
import { CapRepository, type CapMessageRow } from '../../cap/cap.repository.ts';
import { CapOutService } from '../../cap/cap-out.service.ts';
import { CapInService } from '../../cap/cap-in.service.ts';
import { CapFeedPoller } from '../../cap/cap-feed.poller.ts';
import { atomFeed } from '../../cap/cap-document.ts';
import { capTime } from '../../cap/cap-time.ts';

/** Bodies past this are refused by Fastify itself (413); up to it, ours are dead-lettered with a code. */
const MAX_RAW_BYTES = 16 * 1024 * 1024;
const XML_TYPES = ['application/cap+xml', 'application/xml', 'text/xml', 'application/atom+xml'];

const published = (r: CapMessageRow, url: string) => ({
  identifier: r.identifier,
  msgType: r.msg_type,
  sent: r.sent_text,
  references: r.references,
  chain: r.chain,
  url,
});

/**
 * CAP 1.2 out (/cap/alerts.atom, /cap/alerts/{id}.xml; POST /api/cap/alerts to promote, …/cancel) and in
 * (POST /api/ingest/cap, signed like every webhook; the CAP_FEED_URL poller). The logic is in src/cap; this
 * module wires it to the alarm service, the alerts layer and the dead letters (issue 14).
 */
export const capRoutes = routePlugin('cap', ['repositories', 'ingest', 'live-layers', 'geo'], async (app) => {
  const repo = new CapRepository(app.db);
  const baseUrl = (app.config.publicBaseUrl ?? `http://localhost:${app.config.port}`).replace(/\/$/, '');
  const out = new CapOutService({ db: app.db, repo, wards: app.wards, clock: systemClock, baseUrl });
  app.alarms.onLevelChange(async (c) => {
    await out.onLevelChange(c);
  });
  const messages = new Counter({
    name: 'ioc_cap_inbound_total',
    help: 'Inbound CAP messages by way in (webhook, feed) and outcome (stored, duplicate, rejected)',
    labelNames: ['via', 'outcome'] as const,
    registers: [app.metrics.registry],
  });
  const polls = new Counter({
    name: 'ioc_cap_feed_polls_total',
    help: 'Polls of CAP_FEED_URL by outcome (ok, not_modified, rejected, failed, document_failed)',
    labelNames: ['outcome'] as const,
    registers: [app.metrics.registry],
  });
  const capIn = new CapInService({
    repo,
    wards: app.wards,
    alerts: app.alertsLayer,
    deadLetters: app.deadLetterSink,
    clock: systemClock,
    logger: app.log,
    messages,
  });
  await capIn.start();
  const feed = app.config.capFeed.url
    ? new CapFeedPoller({
        url: app.config.capFeed.url,
        intervalS: app.config.capFeed.intervalS,
        capIn,
        logger: app.log,
        polls,
      })
    : null;
  app.addHook('onReady', async () => feed?.start());
  app.addHook('onClose', async () => {
    capIn.stop();
    await feed?.stop();
  });

  app.addContentTypeParser(XML_TYPES, { parseAs: 'buffer', bodyLimit: MAX_RAW_BYTES }, (_req, body, done) =>
    done(null, body),
  );
  // The database unreachable: 503 with Retry-After, so a sender retries (ingest-unavailable.ts's rule).
  app.setErrorHandler((err, req, reply) => {
    if (!isDatabaseUnavailable(err)) throw err;
    req.log.warn({ err: (err as Error).message, url: req.url }, 'CAP not stored: database unavailable');
    return reply
      .code(503)
      .header('retry-after', String(RETRY_AFTER_S))
      .send(errorBody('IOC_INGEST_UNAVAILABLE'));
  });

  const xml = { 200: Type.String() };
  app.get(
    '/cap/alerts.atom',
    {
      schema: {
        description: 'The IOC\u2019s active CAP 1.2 alerts as an Atom feed (public).',
        response: xml,
      },
      config: rateLimited(600, '1 minute', (req) => `cap-feed:${req.ip}`),
    },
    async (_req, reply) => {
      const active = await repo.active(new Date());
      const self = `${baseUrl}/cap/alerts.atom`;
      const body = atomFeed({
        id: self,
        title: 'Cảnh báo của IOC Huế (CAP 1.2)',
        updated: capTime(active[0]?.sent ?? new Date()),
        self,
        author: 'Trung tâm IOC Huế',
        entries: active.map((r) => ({
          id: out.documentUrl(r.identifier),
          title: r.info[0]?.headline ?? r.identifier,
          updated: r.sent_text,
          summary: r.info[0]?.description ?? '',
          href: out.documentUrl(r.identifier),
          severity: r.info[0]?.severity ?? 'Unknown',
          expires: r.expires ? capTime(r.expires) : null,
        })),
      });
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=30')
        .send(body);
    },
  );

  app.get(
    '/cap/alerts/:id.xml',
    {
      schema: {
        description:
          'One CAP 1.2 document we published (any, active or not: Update/Cancel references resolve).',
        params: CapIdParamsSchema,
        response: { ...xml, 404: ErrorBodySchema },
      },
      config: rateLimited(600, '1 minute', (req) => `cap-doc:${req.ip}`),
    },
    async (req, reply) => {
      const row = await repo.get(req.params.id);
      if (!row) throw new AppError('IOC_CAP_NOT_FOUND', `no CAP message ${req.params.id}`);
      // The document never changes once published.
      return reply
        .type('application/cap+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=3600, immutable')
        .send(row.document);
    },
  );

  const alarms = new DeviceAlarmRepository(app.db);
  app.post(
    '/api/cap/alerts',
    {
      schema: {
        description:
          'Promote a sensor in alarm (`deviceId`) or an incident (`incidentId`) to a public CAP alert; a second ' +
          'promotion of the same source publishes an Update.',
        body: CapPromoteBodySchema,
        response: {
          201: CapPublishedSchema,
          400: ErrorBodySchema,
          404: ErrorBodySchema,
          409: ErrorBodySchema,
        },
      },
    },
    async (req, reply) => {
      const by = requirePrincipal(req).id;
      const { deviceId, incidentId, level } = req.body;
      if ((deviceId === undefined) === (incidentId === undefined))
        throw new AppError('IOC_REQUEST_INVALID', 'give exactly one of deviceId and incidentId');
      let row: CapMessageRow;
      if (deviceId !== undefined) {
        const device = (await app.repos.devices.list()).find((d) => d.id === deviceId);
        if (!device) throw new AppError('IOC_NOT_FOUND', `no device ${deviceId}`);
        const alarm = (await alarms.get([deviceId])).get(deviceId);
        const value = await app.db.query<{ peak_value: number | null }>(
          `SELECT peak_value FROM device_alarms WHERE device_id = $1`,
          [deviceId],
        );
        row = await out.promoteAlarm(device, alarm?.level ?? 0, value[0]?.peak_value ?? null, by);
      } else {
        const incident = await app.repos.incidents.get(incidentId!);
        if (!incident) throw new AppError('IOC_INCIDENT_NOT_FOUND', `no incident ${incidentId}`);
        row = await out.promoteIncident(incident, level ?? null, by);
      }
      req.log.info({ identifier: row.identifier, msgType: row.msg_type, by }, 'CAP alert published');
      return reply.code(201).send(published(row, out.documentUrl(row.identifier)));
    },
  );

  app.post(
    '/api/cap/alerts/:id/cancel',
    {
      schema: {
        description:
          'Cancel the CAP alert chain this message belongs to (a Cancel referencing every earlier one).',
        params: CapIdParamsSchema,
        body: CapCancelBodySchema,
        response: { 201: CapPublishedSchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const by = requirePrincipal(req).id;
      const row = await out.cancel(req.params.id, by, req.body.reason ?? null);
      req.log.info({ identifier: row.identifier, chain: row.chain, by }, 'CAP alert cancelled');
      return reply.code(201).send(published(row, out.documentUrl(row.identifier)));
    },
  );

  app.post(
    '/api/ingest/cap',
    {
      schema: {
        description:
          'A CAP 1.1 or 1.2 document from a warning service, signed (X-Signature/X-Timestamp over the raw body, ' +
          'INGEST_SECRET_CAP). DOCTYPE/ENTITY declarations, bodies over 512 KB, nesting past 16 levels and ' +
          'documents that are not CAP are refused with a code and kept as dead letters.',
        response: {
          200: CapIngestOutcomeSchema,
          201: CapIngestOutcomeSchema,
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          413: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
      config: {
        signedBody: { 'application/cap+xml': Type.String({ description: 'a CAP <alert> document' }) },
        ...rateLimited(app.config.ingestRateLimit, '1 minute', (req) => `ingest:cap:${req.ip}`),
      },
    },
    async (req, reply) => {
      const secret = app.config.ingestSecrets.cap;
      if (!secret)
        return reply
          .code(503)
          .send(
            errorBody('IOC_INGEST_NOT_CONFIGURED', 'no secret is configured for cap (INGEST_SECRET_CAP)'),
          );
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const sig = verifySignature({
        secret,
        timestamp: req.headers['x-timestamp'],
        signature: req.headers['x-signature'],
        rawBody: raw,
        now: new Date(),
      });
      if (!sig.ok) {
        app.metrics.webhookRejects.inc({ source: 'cap', code: sig.reject.code });
        req.log.warn({ source: 'cap', code: sig.reject.code }, 'webhook signature refused');
        return reply.code(401).send(errorBody(sig.reject.code, sig.reject.reason));
      }
      const result = await capIn.accept(raw, 'webhook', req.url);
      if (!result.ok) {
        const r = result.reject;
        return reply
          .code(r.code === 'IOC_CAP_TOO_LARGE' ? 413 : 400)
          .send(errorBody(r.code, r.reason, r.details));
      }
      return reply.code(result.value.outcome === 'stored' ? 201 : 200).send(result.value);
    },
  );
});
