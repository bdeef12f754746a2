import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  ERROR_CATALOGUE,
  isErrorCode,
  Open311DiscoverySchema,
  Open311ErrorsSchema,
  Open311JurisdictionQuerySchema,
  Open311PostResponseSchema,
  Open311RequestFormSchema,
  Open311RequestListSchema,
  Open311RequestsQuerySchema,
  Open311ServiceDefinitionSchema,
  Open311ServiceListSchema,
  Open311TokenResponseSchema,
  Open311UpdateFormSchema,
  Open311UpdateListSchema,
  Open311UpdatePostResponseSchema,
} from '@hue-ioc/layers';
import { MAX_WEBHOOK_BODY_BYTES, normaliseOpen311Request, timeWindow, type Reject } from '@hue-ioc/streams';
import { AppError, frameworkCode } from '../../errors.ts';
import { reportInput } from '../../incidents/inputs.ts';
import { deadLetterOf } from '../../ingest/ports.ts';
import { rateLimited } from '../../auth/rate-limit.ts';
import { isDatabaseUnavailable } from '../../storage/db.ts';
import { Open311Api, checkJurisdiction, requestToken } from '../../open311/open311.service.ts';
import { open311Xml } from '../../open311/open311-xml.ts';
import { sendOpen311Errors } from '../../open311/open311-errors.ts';
import { parseForm } from '../../open311/open311-form.ts';
import { routePlugin } from '../route-plugin.ts';
import { RETRY_AFTER_S } from '../ingest/ingest-unavailable.ts';

const PREFIX = '/open311/v2';

/** GeoReport v2 errors: `[{ code: <HTTP status>, description: "<IOC code>: …" }]`, in the format asked for. */
const errorResponses = Object.fromEntries(
  [400, 403, 404, 413, 415, 429, 500, 503].map((s) => [s, Open311ErrorsSchema]),
) as Record<number, TSchema>;

/**
 * The .xml twins' responses: every answer, success or error, is a GeoReport XML document (the same content as
 * the .json; errors as <errors><error><code/><description/></error></errors>).
 */
const xmlDocument = (description: string) => ({
  description,
  content: { 'text/xml': { schema: Type.String() } },
});
const xmlResponses = (...ok: number[]) =>
  Object.fromEntries([
    ...ok.map((s) => [s, xmlDocument('GeoReport v2 XML: the same content as the .json')]),
    ...[400, 403, 404, 413, 415, 429, 500, 503].map((s) => [s, xmlDocument('GeoReport v2 XML errors')]),
  ]) as Record<number, unknown>;

const sendErrors = sendOpen311Errors;

const checkUpdateForm = TypeCompiler.Compile(
  Type.Object(
    {
      ...Open311UpdateFormSchema.properties,
      // Sent by mySociety's clients with an update; not stored (the unit's system speaks for the unit).
      account_id: Type.Optional(Type.String({ maxLength: 120 })),
      first_name: Type.Optional(Type.String({ maxLength: 80 })),
      last_name: Type.Optional(Type.String({ maxLength: 80 })),
      email: Type.Optional(Type.String({ maxLength: 254 })),
      media_url: Type.Optional(Type.String({ maxLength: 2048 })),
      service_request_id: Type.String({ minLength: 1, maxLength: 64 }),
      update_id: Type.String({ minLength: 1, maxLength: 64 }),
      updated_datetime: Type.String({ maxLength: 40 }),
      status: Type.String({ maxLength: 10 }),
      description: Type.String({ maxLength: 8000 }),
    },
    { additionalProperties: false },
  ),
);

/** Same length and content, in constant time. */
function sameSecret(given: string, secret: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

/**
 * Open311 GeoReport v2 under /open311/v2/ (issue 14; http://wiki.open311.org/GeoReport_v2) and mySociety's
 * servicerequestupdates. Every resource in JSON and XML with the same content. GETs are public (published
 * cases only, anonymised: public/anonymise.ts); the POSTs carry `api_key` = INGEST_SECRET_OPEN311 and go
 * through the same ingest as a Hue-S report (normalise, enrich, merge, deadline) or the workflow. Errors use
 * the specification's shape instead of our usual body.
 */
export const open311Routes = routePlugin(
  'open311',
  ['repositories', 'geo', 'live-layers', 'ingest', 'workflow'],
  async (app) => {
    const open311 = new Open311Api({
      db: app.db,
      workflow: app.workflow,
      getIncident: (id) => app.repos.incidents.get(id),
    });

    app.setErrorHandler((err, req, reply) => {
      if (err instanceof AppError) return sendErrors(req, reply, err.statusCode, err.code, err.message);
      if (isDatabaseUnavailable(err)) {
        req.log.warn({ err: (err as Error).message, url: req.url }, 'open311: database unavailable');
        reply.header('retry-after', String(RETRY_AFTER_S));
        return sendErrors(
          req,
          reply,
          503,
          'IOC_INGEST_UNAVAILABLE',
          ERROR_CATALOGUE.IOC_INGEST_UNAVAILABLE.message,
        );
      }
      const e = err as { validation?: unknown; statusCode?: number; message: string };
      if (e.validation) return sendErrors(req, reply, 400, 'IOC_REQUEST_INVALID', e.message);
      if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
        const code = frameworkCode(e.statusCode);
        return sendErrors(req, reply, ERROR_CATALOGUE[code].status, code, e.message);
      }
      req.log.error({ err, reqId: req.id }, 'open311: unhandled error');
      return sendErrors(req, reply, 500, 'IOC_INTERNAL', `internal error (reference ${req.id})`);
    });

    // GeoReport v2 POSTs are application/x-www-form-urlencoded (UTF-8); kept as text: the handler parses it.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: MAX_WEBHOOK_BODY_BYTES },
      (_req, body, done) => done(null, body),
    );

    const limit = app.config.ingestRateLimit;
    /** Per route and address, like the webhooks (auth/rate-limit.ts). */
    const limited = (what: string) => rateLimited(limit, '1 minute', (req) => `open311:${what}:${req.ip}`);

    const baseUrl = (req: FastifyRequest) =>
      app.config.publicBaseUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.host}`;

    /** One resource as `<path>.json` and `<path>.xml`, the same content; `root` names the XML document. */
    const twin = <Q extends TSchema, P extends TSchema>(
      path: string,
      opts: { description: string; root: string; json: TSchema; querystring?: Q; params?: P; rate: string },
      handler: (req: FastifyRequest) => Promise<unknown> | unknown,
    ) => {
      for (const ext of ['json', 'xml'] as const) {
        const xml = ext === 'xml';
        app.get(
          `${PREFIX}/${path}.${ext}`,
          {
            schema: {
              description: xml
                ? `${opts.description} (XML: the same content as the .json)`
                : opts.description,
              ...(opts.querystring ? { querystring: opts.querystring } : {}),
              ...(opts.params ? { params: opts.params } : {}),
              response: xml ? xmlResponses(200) : { 200: opts.json, ...errorResponses },
            },
            config: limited(`get:${path}`),
          },
          async (req, reply) => {
            const data = await handler(req);
            if (xml) return reply.type('text/xml; charset=utf-8').send(open311Xml(opts.root, data));
            return reply.type('application/json; charset=utf-8').send(data);
          },
        );
      }
    };

    type Jq = { jurisdiction_id?: string };
    const jurisdiction = (req: FastifyRequest) =>
      checkJurisdiction((req.query as Jq | undefined)?.jurisdiction_id);

    twin(
      'discovery',
      {
        description: 'Service discovery (GeoReport v2)',
        root: 'discovery',
        json: Open311DiscoverySchema,
        rate: 'discovery',
      },
      (req) => open311.discovery(baseUrl(req)),
    );
    twin(
      'services',
      {
        description: 'The services: our categories (service_code), Vietnamese names and descriptions',
        root: 'services',
        json: Open311ServiceListSchema,
        querystring: Open311JurisdictionQuerySchema,
        rate: 'services',
      },
      (req) => {
        jurisdiction(req);
        return open311.services();
      },
    );
    const CodeParams = Type.Object({ code: Type.String({ maxLength: 64 }) });
    twin(
      'services/:code',
      {
        description: 'A service definition: the attributes of a service with metadata',
        root: 'service_definition',
        json: Open311ServiceDefinitionSchema,
        querystring: Open311JurisdictionQuerySchema,
        params: CodeParams,
        rate: 'service',
      },
      (req) => {
        jurisdiction(req);
        return open311.definition((req.params as { code: string }).code);
      },
    );
    twin(
      'requests',
      {
        description:
          'Published service requests, newest first, at most 1,000; by default those received in the last 90 days. ' +
          'Filters: service_request_id (comma list, overrides the others), service_code (comma list), start_date, end_date, status.',
        root: 'service_requests',
        json: Open311RequestListSchema,
        querystring: Open311RequestsQuerySchema,
        rate: 'requests',
      },
      (req) => {
        jurisdiction(req);
        return open311.requests(req.query as Parameters<typeof open311.requests>[0]);
      },
    );
    const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
    twin(
      'requests/:id',
      {
        description: 'One published service request',
        root: 'service_requests',
        json: Open311RequestListSchema,
        querystring: Open311JurisdictionQuerySchema,
        params: IdParams,
        rate: 'request',
      },
      async (req) => {
        jurisdiction(req);
        return [await open311.request((req.params as { id: string }).id)];
      },
    );
    const TokenParams = Type.Object({ token: Type.String({ maxLength: 64 }) });
    twin(
      'tokens/:token',
      {
        description: 'The service_request_id of a token given by POST requests',
        root: 'service_requests',
        json: Open311TokenResponseSchema,
        querystring: Open311JurisdictionQuerySchema,
        params: TokenParams,
        rate: 'token',
      },
      (req) => {
        jurisdiction(req);
        return open311.token((req.params as { token: string }).token);
      },
    );
    twin(
      'servicerequestupdates',
      {
        description:
          "mySociety's extension: the public changes of published requests (status changes, the published reply, " +
          'public comments) between start_date and end_date (default: the last 7 days, at most 90 days).',
        root: 'service_requests_updates',
        json: Open311UpdateListSchema,
        querystring: Type.Object({
          jurisdiction_id: Type.Optional(Type.String({ maxLength: 200 })),
          start_date: Type.Optional(Type.String({ maxLength: 40 })),
          end_date: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        rate: 'updates',
      },
      (req) => {
        jurisdiction(req);
        return open311.updates(req.query as { start_date?: string; end_date?: string });
      },
    );

    const { maxAgeDays, maxSkewS } = app.config.ingestTimeWindow;
    const window = timeWindow(maxAgeDays, maxSkewS);

    /** The form with its key checked; on failure answers and returns null. Never stores a bad key's body. */
    const authorised = (req: FastifyRequest, reply: FastifyReply, source: string) => {
      const secret = app.config.ingestSecrets.open311;
      if (!secret) {
        void sendErrors(
          req,
          reply,
          503,
          'IOC_INGEST_NOT_CONFIGURED',
          'no secret is configured for Open311 (INGEST_SECRET_OPEN311)',
        );
        return null;
      }
      const raw = typeof req.body === 'string' ? req.body : '';
      const parsed = parseForm(raw);
      const key = new URLSearchParams(raw).get('api_key') ?? '';
      if (!sameSecret(key, secret)) {
        app.metrics.webhookRejects.inc({ source, code: 'IOC_OPEN311_API_KEY' });
        req.log.warn({ source, code: 'IOC_OPEN311_API_KEY' }, 'open311: api_key refused');
        void sendErrors(req, reply, 403, 'IOC_OPEN311_API_KEY', ERROR_CATALOGUE.IOC_OPEN311_API_KEY.message);
        return null;
      }
      return { raw, parsed, key };
    };

    /** A refused request from a client with the right key: a dead letter (the key removed), then the answer. */
    const reject = async (
      req: FastifyRequest,
      reply: FastifyReply,
      source: string,
      raw: string,
      r: Reject,
    ) => {
      const kept = new URLSearchParams(raw);
      if (kept.has('api_key')) kept.set('api_key', '[redacted]');
      await app.deadLetterSink.reject([
        deadLetterOf(source, r, {
          topic: req.url,
          payload: Buffer.from(kept.toString()),
          receivedAt: new Date(),
        }),
      ]);
      app.metrics.webhookRejects.inc({ source, code: r.code });
      const status = isErrorCode(r.code) ? ERROR_CATALOGUE[r.code].status : 400;
      return sendErrors(req, reply, status, r.code, r.reason);
    };

    const formBody = (schema: TSchema) => ({
      documentedBody: { 'application/x-www-form-urlencoded': schema },
    });

    for (const ext of ['json', 'xml'] as const) {
      app.post(
        `${PREFIX}/requests.${ext}`,
        {
          schema: {
            description:
              'POST Service Request (form-urlencoded, api_key = INGEST_SECRET_OPEN311): the same ingest as a Hue-S report. ' +
              'lat+long or address_string; a retried POST (the same fields, or the same Idempotency-Key header) answers 200 with the same ids.',
            response:
              ext === 'json'
                ? { 200: Open311PostResponseSchema, 201: Open311PostResponseSchema, ...errorResponses }
                : xmlResponses(200, 201),
          },
          config: { ...limited('post:requests'), ...formBody(Open311RequestFormSchema) },
        },
        async (req, reply) => {
          const auth = authorised(req, reply, 'open311');
          if (!auth) return reply;
          const { raw, parsed, key } = auth;
          if (!parsed.ok)
            return reject(req, reply, 'open311', raw, { code: 'IOC_INGEST_SCHEMA', reason: parsed.reason });
          const j = parsed.form.jurisdiction_id;
          try {
            checkJurisdiction(typeof j === 'string' ? j : undefined);
          } catch (e) {
            const err = e as AppError;
            return reject(req, reply, 'open311', raw, { code: err.code, reason: err.message });
          }
          const idem = req.headers['idempotency-key'];
          const token = requestToken(
            key,
            typeof idem === 'string' ? idem.slice(0, 200) : undefined,
            parsed.params,
          );
          const report = normaliseOpen311Request(parsed.form, token, {
            receivedAt: new Date(),
            wards: app.wards,
            timeWindow: window,
          });
          if (!report.ok) return reject(req, reply, 'open311', raw, report.reject);
          let result: Awaited<ReturnType<typeof app.incidents.ingest>>;
          try {
            result = await app.incidents.ingest(reportInput(report.value));
          } catch (e) {
            // As for Hue-S: content the database refuses (class 22) is the sender's to fix, not a 500.
            const code = (e as { code?: unknown }).code;
            if (typeof code === 'string' && code.startsWith('22'))
              return reject(req, reply, 'open311', raw, {
                code: 'IOC_INGEST_CONTENT',
                reason: `the database refused the request's content (${code})`,
              });
            throw e;
          }
          app.metrics.ingestMessages.inc({
            source: 'open311',
            outcome: result.outcome === 'duplicate' ? 'duplicate' : 'stored',
          });
          const notice =
            result.outcome === 'created'
              ? 'Đã tiếp nhận phản ánh. Theo dõi kết quả tại requests/{id}.json.'
              : result.outcome === 'merged'
                ? `Đã gộp vào phản ánh ${result.incidentId} về cùng sự việc.`
                : 'Phản ánh này đã được tiếp nhận trước đó.';
          const body = [
            { service_request_id: result.incidentId, token, service_notice: notice, account_id: null },
          ];
          reply.code(result.outcome === 'duplicate' ? 200 : 201);
          if (ext === 'xml')
            return reply.type('text/xml; charset=utf-8').send(open311Xml('service_requests', body));
          return reply.type('application/json; charset=utf-8').send(body);
        },
      );

      app.post(
        `${PREFIX}/servicerequestupdates.${ext}`,
        {
          schema: {
            description:
              "mySociety's POST servicerequestupdates, from the handling unit's own system (api_key = INGEST_SECRET_OPEN311): " +
              'CLOSED with a description resolves the request with it as the published reply (when the unit may resolve it now), ' +
              'OPEN adds it as a public comment. update_id is the idempotency key.',
            response:
              ext === 'json'
                ? {
                    200: Open311UpdatePostResponseSchema,
                    201: Open311UpdatePostResponseSchema,
                    ...errorResponses,
                  }
                : xmlResponses(200, 201),
          },
          config: { ...limited('post:updates'), ...formBody(Open311UpdateFormSchema) },
        },
        async (req, reply) => {
          const source = 'open311-update';
          const auth = authorised(req, reply, source);
          if (!auth) return reply;
          const { raw, parsed } = auth;
          if (!parsed.ok)
            return reject(req, reply, source, raw, { code: 'IOC_INGEST_SCHEMA', reason: parsed.reason });
          const form = parsed.form;
          if (Object.keys(form.attributes as object).length > 0)
            return reject(req, reply, source, raw, {
              code: 'IOC_INGEST_SCHEMA',
              reason: 'an update takes no attributes',
            });
          delete form.attributes;
          if (!checkUpdateForm.Check(form)) {
            const first = checkUpdateForm.Errors(form).First();
            return reject(req, reply, source, raw, {
              code: 'IOC_INGEST_SCHEMA',
              reason: `servicerequestupdates ${first?.path || '/'} ${first?.message ?? 'does not match its schema'}`,
            });
          }
          let out: Awaited<ReturnType<typeof open311.pushUpdate>>;
          try {
            checkJurisdiction(form.jurisdiction_id);
            out = await open311.pushUpdate(form);
          } catch (e) {
            if (e instanceof AppError && e.statusCode < 500 && e.code !== 'IOC_INCIDENT_STALE')
              return reject(req, reply, source, raw, { code: e.code, reason: e.message });
            throw e;
          }
          app.metrics.ingestMessages.inc({ source, outcome: out.created ? 'stored' : 'duplicate' });
          const body = [{ update_id: out.update_id }];
          reply.code(out.created ? 201 : 200);
          if (ext === 'xml')
            return reply.type('text/xml; charset=utf-8').send(open311Xml('service_request_updates', body));
          return reply.type('application/json; charset=utf-8').send(body);
        },
      );
    }
  },
);
