import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import {
  ErrorBodySchema,
  FeedbackBodySchema,
  FeedbackOutcomeSchema,
  ImportJobSchema,
  ImportQuerySchema,
  IngestOutcomeSchema,
} from '@hue-ioc/layers';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  HotlineTicketSchema,
  HueSReportSchema,
  KpiSampleSchema,
  MAX_WEBHOOK_BODY_BYTES,
  normaliseHotlineTicket,
  normaliseHueSReport,
  normaliseKpiSample,
  parseJsonBody,
  timeWindow,
  verifySignature,
  type NormalisedReport,
  type Reject,
  type Result,
} from '@hue-ioc/streams';
import { AppError, codeOr, errorBody } from '../../errors.ts';
import { reportInput } from '../../incidents/inputs.ts';
import { deadLetterOf } from '../../ingest/ports.ts';
import { rateLimited } from '../../auth/rate-limit.ts';
import { routePlugin } from '../route-plugin.ts';
import { answerUnavailable } from './ingest-unavailable.ts';

type Source = 'hue-s' | 'hotline' | 'kpi';

const responses = {
  200: IngestOutcomeSchema,
  201: IngestOutcomeSchema,
  401: ErrorBodySchema,
  503: ErrorBodySchema,
};

/**
 * The signed bodies, for the OpenAPI document only (docs.plugin.ts): the route reads raw bytes, since the
 * HMAC covers them exactly, and validates them itself after the signature (streams' schemas), so that a
 * well-signed bad body is kept as a dead letter instead of being refused by Fastify.
 */
const signedJson = (schema: TSchema) => ({ signedBody: { 'application/json': schema } });

const checkFeedback = TypeCompiler.Compile(FeedbackBodySchema);

/** A month of a busy call centre is a few MB. */
const MAX_CSV_BYTES = 20 * 1024 * 1024;

/**
 * Signed webhooks (ARCHITECTURE.md "Access"): the signature is checked on the raw body before anything
 * is parsed; a bad signature is refused and stored nowhere. A well-signed body that fails validation is
 * answered 400 with the reason and kept in dead_letters. A retried delivery finds its incident and changes
 * nothing.
 */
/** The plugins the webhooks use; `outbox` holds the feedback service (the citizen's rating). */
const USES = ['ingest', 'kpis', 'geo', 'repositories', 'outbox'] as const;

export const webhookRoutes = routePlugin('ingest', USES, async (app) => {
  // Database unreachable: 503 with Retry-After; requests tracked as the `webhooks` pipeline.
  answerUnavailable(app);
  // Keep the raw bytes: the HMAC covers them exactly.
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BODY_BYTES * 2 },
    (_req, body, done) => done(null, body),
  );
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  const secrets: Record<Source, string | null> = {
    'hue-s': app.config.ingestSecrets.hueS,
    hotline: app.config.ingestSecrets.hotline,
    kpi: app.config.ingestSecrets.kpi,
  };

  /** Checks the signature over the raw body; on failure answers and returns null. */
  const verified = (source: Source, req: FastifyRequest, reply: FastifyReply): Buffer | null => {
    const secret = secrets[source];
    if (!secret) {
      reply
        .code(503)
        .send(
          errorBody('IOC_INGEST_NOT_CONFIGURED', `no secret is configured for ${source} (INGEST_SECRET_*)`),
        );
      return null;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const sig = verifySignature({
      secret,
      timestamp: req.headers['x-timestamp'],
      signature: req.headers['x-signature'],
      rawBody: raw,
      now: new Date(),
    });
    if (!sig.ok) {
      app.metrics.webhookRejects.inc({ source, code: sig.reject.code });
      req.log.warn({ source, code: sig.reject.code }, 'webhook signature refused');
      reply.code(401).send(errorBody(sig.reject.code, sig.reject.reason));
      return null;
    }
    return raw;
  };

  /**
   * Verifies and parses JSON; on failure answers and returns null. The body comes boxed: a signed body
   * that is the JSON `null` is a body like any other (refused by the schema), not "already answered".
   */
  const accept = async (
    source: Source,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ body: unknown } | null> => {
    const raw = verified(source, req, reply);
    if (raw === null) return null;
    const parsed = parseJsonBody(raw, MAX_WEBHOOK_BODY_BYTES);
    if (!parsed.ok) {
      await reject(source, req, reply, raw, parsed.reject);
      return null;
    }
    return { body: parsed.value };
  };

  /** A well-signed body the pipeline refused: kept through the DeadLetterSink, answered 400 with the reason. */
  const reject = async (source: Source, req: FastifyRequest, reply: FastifyReply, raw: Buffer, r: Reject) => {
    await app.deadLetterSink.reject([
      deadLetterOf(source, r, { topic: req.url, payload: raw, receivedAt: new Date() }),
    ]);
    reply.code(400).send(errorBody(r.code, r.reason, r.details));
  };

  const reportRoute =
    (source: 'hue-s' | 'hotline', normalise: (body: unknown) => Result<NormalisedReport>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const accepted = await accept(source, req, reply);
      if (accepted === null) return reply;
      const report = normalise(accepted.body);
      if (!report.ok) return reject(source, req, reply, req.body as Buffer, report.reject);
      let result: Awaited<ReturnType<typeof app.incidents.ingest>>;
      try {
        result = await app.incidents.ingest(reportInput(report.value));
      } catch (e) {
        // The database refused the report's content (a data exception, class 22, e.g. text it cannot
        // store): the sender's to fix, so a 400 with the reason and a dead letter, not a 500 it retries
        // forever (issue 11). Anything else (the database down) stays a server error.
        const code = (e as { code?: unknown }).code;
        if (typeof code === 'string' && code.startsWith('22'))
          return reject(source, req, reply, req.body as Buffer, {
            code: 'IOC_INGEST_CONTENT',
            reason: `the database refused the report's content (${code}): ${(e as Error).message}`.slice(
              0,
              500,
            ),
          });
        throw e;
      }
      app.metrics.ingestMessages.inc({
        source,
        outcome: result.outcome === 'duplicate' ? 'duplicate' : 'stored',
      });
      return reply.code(result.outcome === 'duplicate' ? 200 : 201).send({
        id: result.incidentId,
        outcome: result.outcome,
        ...(result.outcome === 'merged' ? { reason: result.reason } : {}),
      });
    };

  const { maxAgeDays, maxSkewS } = app.config.ingestTimeWindow;
  const window = timeWindow(maxAgeDays, maxSkewS);
  const ctxFor = () => ({ receivedAt: new Date(), wards: app.wards, timeWindow: window });

  /**
   * Per source and sending address (auth/rate-limit.ts): counted before the signature is checked, so an
   * unsigned flood from one address spends that address's budget, not the real source's.
   */
  const limit = app.config.ingestRateLimit;
  const limited = (source: string, max = limit) =>
    rateLimited(max, '1 minute', (req) => `ingest:${source}:${req.ip}`);
  app.post(
    '/api/ingest/hue-s',
    {
      schema: {
        description: 'A Hue-S report (phản ánh hiện trường), signed.',
        response: responses,
      },
      config: { ...signedJson(HueSReportSchema), ...limited('hue-s') },
    },
    reportRoute('hue-s', (b) => normaliseHueSReport(b, ctxFor())),
  );
  app.post(
    '/api/ingest/hotline',
    {
      schema: {
        description: 'A ticket of the hotline 19001075, signed.',
        response: responses,
      },
      config: { ...signedJson(HotlineTicketSchema), ...limited('hotline') },
    },
    reportRoute('hotline', (b) => normaliseHotlineTicket(b, ctxFor())),
  );

  /**
   * Bulk import of a call-centre export (text/csv, signed with the hotline secret). Answers with the
   * final report, or at once with 202 and the job when `?wait=false`; progress at /api/ingest/imports/:id.
   */
  app.post(
    '/api/ingest/hotline/csv',
    {
      schema: {
        querystring: ImportQuerySchema,
        response: {
          200: ImportJobSchema,
          202: ImportJobSchema,
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
      config: {
        // A whole export per request: a few a minute is generous.
        ...limited('hotline-csv', Math.max(5, Math.ceil(limit / 60))),
        signedBody: {
          'text/csv': Type.String({
            description:
              'UTF-8 CSV with a header row (a BOM is accepted): ticket_id, created_at, category, summary, ' +
              'address, lat, lon, caller_phone, agent, urgent, or their Vietnamese names ma_phieu, thoi_gian, ' +
              'linh_vuc, noi_dung, dia_chi, vi_do, kinh_do, so_dien_thoai, dien_thoai_vien, khan_cap',
          }),
        },
      },
    },
    async (req, reply) => {
      const raw = verified('hotline', req, reply);
      if (raw === null) return reply;
      let rows: Record<string, string>[];
      try {
        rows = await app.hotlineImport.parse(raw);
      } catch (e) {
        const err = e as Error & { code?: string };
        return reply.code(400).send(errorBody(codeOr(err.code, 'IOC_INGEST_CSV'), err.message));
      }
      const q = req.query;
      const job = await app.hotlineImport.start(rows, q.filename ?? null);
      const done = app.hotlineImport.run(job, rows);
      if (q.wait === false) {
        void done;
        return reply.code(202).header('location', `/api/ingest/imports/${job.id}`).send(job);
      }
      return reply.code(200).send(await done);
    },
  );

  app.get(
    '/api/ingest/imports/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: ImportJobSchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
      config: limited('imports'),
    },
    async (req, reply) => {
      if (verified('hotline', req, reply) === null) return reply;
      const job = await app.hotlineImport.get(req.params.id);
      if (!job) return reply.code(404).send(errorBody('IOC_NOT_FOUND', 'no such import'));
      return job;
    },
  );

  app.post(
    '/api/ingest/kpi',
    {
      schema: {
        description: 'A KPI sample of a public-service system, signed.',
        response: responses,
      },
      config: { ...signedJson(KpiSampleSchema), ...limited('kpi') },
    },
    async (req, reply) => {
      const accepted = await accept('kpi', req, reply);
      if (accepted === null) return reply;
      // Checked against the KPI catalogue an admin edits (cached per node: no query per sample).
      const sample = normaliseKpiSample(accepted.body, {
        ...ctxFor(),
        catalogue: (id) => app.kpiCatalogue.lookup(id),
      });
      if (!sample.ok) return reject('kpi', req, reply, req.body as Buffer, sample.reject);
      const stored = await app.kpis.store(sample.value);
      app.metrics.ingestMessages.inc({ source: 'kpi', outcome: stored ? 'stored' : 'duplicate' });
      return reply
        .code(stored ? 201 : 200)
        .send({ id: sample.value.sourceId, outcome: stored ? 'stored' : 'duplicate' });
    },
  );
  /**
   * The citizen's rating of the published reply (ARCHITECTURE.md "REST", Citizen feedback; issue 12): signed
   * with the Hue-S secret, `id` the Hue-S report id. Resolved → closed with the rating, or reopened when not
   * satisfied within FEEDBACK_REOPEN_DAYS. A retried delivery answers 200 `duplicate`; an unknown report is
   * 404 and kept as a dead letter (Hue-S may hold a report we never got); a case not resolved is 409.
   */
  app.post(
    '/api/ingest/hue-s/feedback',
    {
      schema: {
        description: "A Hue-S citizen's rating (đánh giá) of the reply to a report, signed.",
        response: {
          200: FeedbackOutcomeSchema,
          400: ErrorBodySchema,
          401: ErrorBodySchema,
          404: ErrorBodySchema,
          409: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
      config: { ...signedJson(FeedbackBodySchema), ...limited('hue-s-feedback') },
    },
    async (req, reply) => {
      const accepted = await accept('hue-s', req, reply);
      if (accepted === null) return reply;
      const body = accepted.body;
      if (!checkFeedback.Check(body)) {
        const first = checkFeedback.Errors(body).First();
        return reject('hue-s', req, reply, req.body as Buffer, {
          code: 'IOC_INGEST_SCHEMA',
          reason: `${first?.path || '/'} ${first?.message ?? 'does not match the feedback schema'}`,
        });
      }
      try {
        const outcome = await app.feedback.rate(body);
        app.metrics.ingestMessages.inc({
          source: 'hue-s-feedback',
          outcome: outcome.outcome === 'duplicate' ? 'duplicate' : 'stored',
        });
        return reply
          .code(200)
          .send({ id: outcome.incidentId, status: outcome.status, outcome: outcome.outcome });
      } catch (e) {
        if (e instanceof AppError && e.code === 'IOC_INCIDENT_NOT_FOUND') {
          await app.deadLetterSink.reject([
            deadLetterOf(
              'hue-s',
              { code: e.code, reason: e.message },
              {
                topic: req.url,
                payload: req.body as Buffer,
                receivedAt: new Date(),
              },
            ),
          ]);
        }
        throw e;
      }
    },
  );
});
