import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fastifyCompress from '@fastify/compress';
import { Type } from '@sinclair/typebox';
import { CATEGORY_CODES, ERROR_CATALOGUE, isErrorCode } from '@hue-ioc/layers';
import { constants as zlib } from 'node:zlib';
import { AppError } from '../../errors.ts';
import { rateLimited } from '../../auth/rate-limit.ts';
import { routePlugin } from '../route-plugin.ts';
import { buildWardMap } from '../../public/ward-map.ts';
import { CONG_KHAI_CSS } from '../../public/cong-khai.css.ts';
import {
  detailPage,
  errorPage,
  listPage,
  PARAM,
  type Lang,
  type PageContext,
} from '../../public/cong-khai.page.ts';
import {
  MAX_QUERY_CHARS,
  PUBLIC_PERIODS,
  PUBLIC_STATUSES,
  TransparencyService,
  type PublicFilters,
} from '../../public/transparency.service.ts';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
// No control characters (a NUL byte cannot reach PostgreSQL text) anywhere in what the page echoes.
const NO_CONTROL = '^[^\\u0000-\\u001f\\u007f]*$';

const ListQuerySchema = Type.Object(
  {
    [PARAM.q]: Type.Optional(Type.String({ maxLength: MAX_QUERY_CHARS, pattern: NO_CONTROL })),
    [PARAM.category]: Type.Optional(Type.Union([literals(CATEGORY_CODES), Type.Literal('')])),
    [PARAM.ward]: Type.Optional(Type.String({ pattern: '^(\\d{5})?$' })),
    [PARAM.unit]: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]{0,64}$' })),
    [PARAM.status]: Type.Optional(Type.Union([literals(PUBLIC_STATUSES), Type.Literal('')])),
    [PARAM.period]: Type.Optional(literals(PUBLIC_PERIODS)),
    [PARAM.after]: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]*$' })),
    [PARAM.lang]: Type.Optional(literals(['vi', 'en'])),
  },
  { additionalProperties: false },
);
const LangQuerySchema = Type.Object(
  { [PARAM.lang]: Type.Optional(literals(['vi', 'en'])) },
  { additionalProperties: false },
);
const IdParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});

const HTML_OK = { 'text/html': Type.String({ description: 'the page, server-rendered (no script)' }) };
/** Pages change as cases move: a phone may keep one for half a minute, then revalidates by ETag. */
const PAGE_CACHE = 'public, max-age=30';
/** The stylesheet and the ward outlines change with a release only. */
const ASSET_CACHE = 'public, max-age=86400';

/**
 * The public transparency page /cong-khai (issue 14, item 4): published reports with their unit, deadline,
 * date handled, reply and rating, searchable without diacritics, filtered, on a light SVG map, with the
 * units' on-time figures; /cong-khai/{id} is one report's public timeline. Server-rendered HTML: the web
 * app is a static SPA that cannot render on the server, and a citizen's phone on a slow link should get a
 * page it can read without running a framework. No login (policy.ts), rate-limited per address, compressed
 * (br/gzip) and cached briefly with an ETag. Anonymised as the open data is (public/anonymise.ts).
 */
export const congKhaiRoutes = routePlugin('cong-khai', ['geo', 'repositories'], async (app) => {
  const service = new TransparencyService({ db: app.db });
  const map = buildWardMap(app.wards);
  const wards = app.wards.wards;
  const cssEtag = `"${createHash('sha256').update(CONG_KHAI_CSS).digest('base64url').slice(0, 22)}"`;

  // Brotli at quality 5: most of 11's saving on HTML at a fraction of its CPU (every page is dynamic).
  await app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } },
  });

  const langOf = (req: FastifyRequest): Lang =>
    (req.query as Record<string, unknown> | undefined)?.[PARAM.lang] === 'en' ? 'en' : 'vi';
  const context = async (lang: Lang): Promise<PageContext> => ({
    lang,
    wards,
    agencies: await service.agencies(),
    map,
    now: new Date(),
  });

  /** If-None-Match compares weakly (RFC 9110 §13.1.2). */
  const weak = (t: string) => t.replace(/^W\//, '');
  /** Sends a body with an ETag, or 304 when the client has it already. */
  const sendCached = (
    req: FastifyRequest,
    reply: FastifyReply,
    type: string,
    body: string,
    etag: string,
    cache: string,
  ) => {
    reply.header('cache-control', cache).header('etag', etag).header('vary', 'accept-encoding');
    const inm = req.headers['if-none-match'];
    if (typeof inm === 'string' && inm.split(',').some((t) => weak(t.trim()) === weak(etag)))
      return reply.code(304).send();
    return reply.type(type).send(body);
  };
  const sendPage = (req: FastifyRequest, reply: FastifyReply, body: string) =>
    sendCached(
      req,
      reply,
      'text/html; charset=utf-8',
      body,
      `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      PAGE_CACHE,
    );

  // Errors of these pages are pages too (a citizen follows a link, not an API): the code and status of the
  // catalogue, the Vietnamese or English text, never a stack. Anything unexpected is logged and a 500 page.
  app.setErrorHandler(async (err, req, reply) => {
    const lang = langOf(req);
    let status = 500;
    let code = 'IOC_INTERNAL';
    let message = '';
    const e = err as { validation?: unknown; statusCode?: number; code?: string; message: string };
    if (err instanceof AppError) {
      status = err.statusCode;
      code = err.code;
      message = err.message;
    } else if (e.validation) {
      status = 400;
      code = 'IOC_REQUEST_INVALID';
      message = e.message;
    } else if (e.statusCode === 429) {
      status = 429;
      code = 'IOC_RATE_LIMITED';
    } else if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      status = e.statusCode;
      code = 'IOC_REQUEST_INVALID';
      message = e.message;
    } else {
      req.log.error({ err, reqId: req.id }, 'unhandled error on /cong-khai');
      message = `reference ${req.id}`;
    }
    const entry = isErrorCode(code) ? ERROR_CATALOGUE[code] : null;
    const text = lang === 'vi' && entry ? entry.vi : (entry?.message ?? message);
    const detail = status === 500 ? `${text} (${message})` : lang === 'vi' ? text : message || text;
    let c: PageContext;
    try {
      c = await context(lang);
    } catch {
      c = { lang, wards, agencies: [], map, now: new Date() };
    }
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(errorPage(c, status, code, detail));
  });

  const limit = rateLimited(120, '1 minute', (req) => `cong-khai:${req.ip}`);

  app.get(
    '/cong-khai',
    {
      schema: {
        summary: 'Công khai phản ánh · Published reports (HTML page, no login)',
        querystring: ListQuerySchema,
      },
      config: { ...limit, documentedOk: HTML_OK },
    },
    async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      const filters: PublicFilters = {
        q: q[PARAM.q]?.trim() || undefined,
        category: (q[PARAM.category] || undefined) as PublicFilters['category'],
        ward: q[PARAM.ward] || undefined,
        unit: q[PARAM.unit] || undefined,
        status: (q[PARAM.status] || undefined) as PublicFilters['status'],
        period: (q[PARAM.period] as PublicFilters['period'] | undefined) ?? '30d',
        after: q[PARAM.after] || undefined,
      };
      if (filters.ward && !app.wards.byCode(filters.ward))
        throw new AppError('IOC_REQUEST_INVALID', `no phường/xã with the GSO code ${filters.ward}`);
      const c = await context(langOf(req));
      if (filters.unit && !c.agencies.some((a) => a.id === filters.unit))
        throw new AppError('IOC_REQUEST_INVALID', `no unit ${filters.unit}`);
      const [page, figures] = await Promise.all([service.page(filters), service.unitFigures(filters)]);
      return sendPage(req, reply, listPage(c, filters, page, figures));
    },
  );

  app.get(
    '/cong-khai/kieu.css',
    {
      schema: { summary: 'The stylesheet of /cong-khai' },
      config: { documentedOk: { 'text/css': Type.String() } },
    },
    async (req, reply) =>
      sendCached(req, reply, 'text/css; charset=utf-8', CONG_KHAI_CSS, cssEtag, ASSET_CACHE),
  );

  app.get(
    '/cong-khai/phuong.svg',
    {
      schema: { summary: 'The phường/xã outlines of the /cong-khai map (SVG)' },
      config: { documentedOk: { 'image/svg+xml': Type.String() } },
    },
    async (req, reply) => sendCached(req, reply, 'image/svg+xml', map.svg, map.etag, ASSET_CACHE),
  );

  app.get(
    '/cong-khai/:id',
    {
      schema: {
        summary: 'Một phản ánh · One published report and its public timeline (HTML page, no login)',
        params: IdParamsSchema,
        querystring: LangQuerySchema,
      },
      config: { ...limit, documentedOk: HTML_OK },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const found = await service.report(id);
      // Unknown, merged into another case, or refused as invalid: the same 404, no oracle.
      if (!found) throw new AppError('IOC_INCIDENT_NOT_FOUND', `no published report ${id}`);
      const c = await context(langOf(req));
      return sendPage(req, reply, detailPage(c, found.report, found.timeline));
    },
  );
});
