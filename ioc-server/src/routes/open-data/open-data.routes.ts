import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  CkanPackageShowQuerySchema,
  CkanResponseSchema,
  ErrorBodySchema,
  OpenDataCatalogSchema,
  OpenDataExportJobSchema,
  OpenDataExportParamsSchema,
  OpenDataExportRequestSchema,
  OpenDataIncidentsQuerySchema,
  OpenDataKpisQuerySchema,
  OpenDataObservationsQuerySchema,
  type OpenDataDataset,
  type OpenDataFormat,
} from '@hue-ioc/layers';
import { AppError } from '../../errors.ts';
import { rateLimited } from '../../auth/rate-limit.ts';
import { DATASETS, EXPORT_MAX_DAYS, type DatasetFilters } from '../../open-data/datasets.ts';
import { MEDIA_TYPES, OpenDataService } from '../../open-data/open-data.service.ts';
import { ExportService } from '../../open-data/export.service.ts';
import { resolveRange, vnIso } from '../../open-data/range.ts';
import { ckanHelp, ckanPackage, ckanPackageList, dcatCatalog, indexPage } from '../../open-data/catalog.ts';
import { routePlugin } from '../route-plugin.ts';

/** Direct downloads open at once on a node (each holds a cursor; on PostgreSQL a pooled connection). */
const MAX_DOWNLOADS = 4;
/** A client that reads nothing for this long is dropped, which closes its cursor. */
const STALL_MS = 60_000;
const EXPORT_TTL_MS = 24 * 3_600_000;

const byIp = (prefix: string) => (req: FastifyRequest) => `open-data:${prefix}:${req.ip}`;

/**
 * Open data under /open-data/ (issue 14): anonymised incidents (CSV, GeoJSON), sensor rollups and KPIs
 * (CSV), streamed from a database cursor; the index page, DCAT catalogue and CKAN metadata; background
 * exports for ranges longer than a direct download allows.
 *
 * Everything is public (open data needs no account), rate-limited per address. Exports are public too,
 * since they only produce what the direct downloads give, but they are limited hard (5 an hour per
 * address, at most 8 waiting on a node, 1 running at a time), the same request gets the same job and
 * file while it lives, and files expire after 24 h: a stranger cannot fill the disk or queue.
 * A direct download of a range within its limit streams whatever its row count (memory is flat); a longer
 * range answers 422 IOC_OPEN_DATA_RANGE_TOO_LARGE pointing to the export.
 */
export const openDataRoutes = routePlugin('open-data', ['db', 'geo'], async (app) => {
  const lookups = {
    wardName: (code: string | null) => (code ? (app.wards.byCode(code)?.name ?? null) : null),
  };
  const downloads = new OpenDataService({ db: app.db, lookups, maxStreams: MAX_DOWNLOADS });
  const exportStreams = new OpenDataService({ db: app.db, lookups, maxStreams: 1 });
  const exports = new ExportService(app.db, exportStreams, {
    dir: join(app.config.dataDir, 'open-data'),
    nodeId: app.config.nodeId,
    concurrency: 1,
    maxPending: 8,
    ttlMs: EXPORT_TTL_MS,
    onError: (err, id) => app.log.error({ err, exportId: id }, 'open-data export failed'),
  });
  await exports.start();
  const sweep = setInterval(() => {
    exports.expire().catch((err: unknown) => app.log.warn({ err }, 'open-data export expiry failed'));
  }, 10 * 60_000);
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await exports.stop();
  });

  const base = (req: FastifyRequest) =>
    app.config.publicBaseUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.host}`;

  const tooLarge = (dataset: OpenDataDataset, maxDays: number) => () =>
    new AppError('IOC_OPEN_DATA_RANGE_TOO_LARGE', `a direct download covers at most ${maxDays} days`, {
      maxDays,
      export: { method: 'POST', url: '/open-data/exports', body: { dataset } },
    });

  const download = async (
    req: FastifyRequest,
    reply: FastifyReply,
    dataset: OpenDataDataset,
    format: OpenDataFormat,
    query: DatasetFilters & { from?: string; to?: string },
  ) => {
    const def = DATASETS[dataset];
    const { from, to, ...filters } = query;
    const maxDays = def.maxDays(filters);
    const range = resolveRange(
      { from, to },
      { defaultDays: def.defaultDays, maxDays, tooLarge: tooLarge(dataset, maxDays) },
    );
    const stamp = (d: Date) => vnIso(d).slice(0, 10);
    reply
      .type(MEDIA_TYPES[format])
      .header(
        'content-disposition',
        `attachment; filename="hue-ioc-${dataset}-${stamp(range.from)}-${stamp(new Date(range.to.getTime() - 1))}.${format}"`,
      )
      .header('x-open-data-from', vnIso(range.from))
      .header('x-open-data-to', vnIso(range.to))
      .header('cache-control', 'public, max-age=300');
    if (req.method === 'HEAD') return reply.send();
    let stream;
    try {
      stream = await downloads.stream({ dataset, format, range, filters });
    } catch (e) {
      if (e instanceof AppError && e.code === 'IOC_OPEN_DATA_BUSY') reply.header('retry-after', '30');
      throw e;
    }
    // A client that stops reading (the socket stays quiet) is dropped: the stream is destroyed with it.
    reply.raw.setTimeout(STALL_MS, () => reply.raw.destroy());
    reply.raw.once('finish', () => reply.raw.setTimeout(0));
    return reply.send(stream);
  };

  const errors = { 400: ErrorBodySchema, 422: ErrorBodySchema, 429: ErrorBodySchema, 503: ErrorBodySchema };
  const file = (description: string) => ({
    200: { description, content: { 'text/csv': { schema: Type.String() } } },
  });

  // The index page at /open-data/ and /open-data (both are what people type).
  for (const url of ['/open-data/', '/open-data']) {
    app.get(
      url,
      {
        config: rateLimited(120, '1 minute', byIp('meta')),
        schema: {
          summary: 'Trang dữ liệu mở: các bộ dữ liệu, cột, giấy phép, ví dụ (HTML)',
          response: {
            200: { description: 'HTML', content: { 'text/html': { schema: Type.String() } } },
            429: ErrorBodySchema,
          },
        },
      },
      async (_req, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .send(indexPage() as never),
    );
  }
  app.get(
    '/open-data/catalog.json',
    {
      config: rateLimited(120, '1 minute', byIp('meta')),
      schema: { summary: 'DCAT-AP catalogue (JSON-LD)', response: { 200: OpenDataCatalogSchema } },
    },
    async (req, reply) => reply.type('application/ld+json; charset=utf-8').send(dcatCatalog(base(req))),
  );
  app.get(
    '/open-data/api/3/action/package_list',
    {
      config: rateLimited(120, '1 minute', byIp('meta')),
      schema: { summary: 'CKAN package_list', response: { 200: CkanResponseSchema } },
    },
    (req) => ({ help: ckanHelp(base(req), 'package_list'), success: true, result: ckanPackageList() }),
  );
  // CKAN's own answer shape, errors included: a CKAN harvester reads `success` and `error.__type`.
  app.get(
    '/open-data/api/3/action/package_show',
    {
      config: rateLimited(120, '1 minute', byIp('meta')),
      schema: {
        summary: 'CKAN package_show',
        querystring: CkanPackageShowQuerySchema,
        response: { 200: CkanResponseSchema, 404: CkanResponseSchema },
      },
    },
    async (req, reply) => {
      const help = ckanHelp(base(req), 'package_show');
      const pkg = ckanPackage(base(req), req.query.id);
      if (!pkg)
        return reply.code(404).send({
          help,
          success: false,
          error: { __type: 'Not Found Error', message: 'Not found', code: 'IOC_NOT_FOUND' },
        });
      return { help, success: true, result: pkg };
    },
  );

  const dl = rateLimited(30, '1 minute', byIp('download'));
  app.get(
    '/open-data/incidents.csv',
    {
      config: dl,
      schema: {
        summary: 'Phản ánh (CSV, ẩn danh)',
        querystring: OpenDataIncidentsQuerySchema,
        response: { ...file('CSV'), ...errors },
      },
    },
    (req, reply) => download(req, reply, 'incidents', 'csv', req.query),
  );
  app.get(
    '/open-data/incidents.geojson',
    {
      config: dl,
      schema: {
        summary: 'Phản ánh (GeoJSON, ẩn danh)',
        querystring: OpenDataIncidentsQuerySchema,
        response: {
          200: {
            description: 'RFC 7946 FeatureCollection',
            content: { 'application/geo+json': { schema: Type.Object({}, { additionalProperties: true }) } },
          },
          ...errors,
        },
      },
    },
    (req, reply) => download(req, reply, 'incidents', 'geojson', req.query),
  );
  app.get(
    '/open-data/observations.csv',
    {
      config: dl,
      schema: {
        summary: 'Quan trắc cảm biến theo giờ/ngày (CSV)',
        querystring: OpenDataObservationsQuerySchema,
        response: { ...file('CSV'), ...errors },
      },
    },
    (req, reply) => download(req, reply, 'observations', 'csv', { interval: 'hour', ...req.query }),
  );
  app.get(
    '/open-data/kpis.csv',
    {
      config: dl,
      schema: {
        summary: 'Chỉ số (CSV)',
        querystring: OpenDataKpisQuerySchema,
        response: { ...file('CSV'), ...errors },
      },
    },
    (req, reply) => download(req, reply, 'kpis', 'csv', { interval: 'day', ...req.query }),
  );

  app.post(
    '/open-data/exports',
    {
      config: rateLimited(5, '1 hour', byIp('export')),
      schema: {
        summary: 'Tạo yêu cầu xuất dữ liệu (khoảng thời gian dài)',
        body: OpenDataExportRequestSchema,
        response: {
          202: OpenDataExportJobSchema,
          400: ErrorBodySchema,
          429: ErrorBodySchema,
          503: ErrorBodySchema,
        },
      },
    },
    async (req, reply) => {
      const { dataset, format = 'csv', from, to, ...rest } = req.body;
      const def = DATASETS[dataset];
      if (!def.formats.includes(format))
        throw new AppError('IOC_OPEN_DATA_FORMAT', `${dataset} is offered as ${def.formats.join(', ')}`);
      // Only the filters this dataset has (the rest would be stored and ignored).
      const allowed: Record<OpenDataDataset, (keyof DatasetFilters)[]> = {
        incidents: ['category', 'ward'],
        observations: ['interval', 'device', 'kind'],
        kpis: ['interval', 'kpi', 'scope_level'],
      };
      const extra = Object.keys(rest).filter((k) => !allowed[dataset].includes(k as keyof DatasetFilters));
      if (extra.length)
        throw new AppError('IOC_REQUEST_INVALID', `${dataset} has no filter ${extra.join(', ')}`);
      const filters: DatasetFilters = { ...rest };
      if (dataset === 'observations') filters.interval ??= 'hour';
      if (dataset === 'kpis') filters.interval ??= 'day';
      const range = resolveRange({ from, to }, { defaultDays: def.defaultDays, maxDays: EXPORT_MAX_DAYS });
      try {
        const { job } = await exports.create({ dataset, format, range, filters });
        return reply.code(202).header('location', `/open-data/exports/${job.id}`).send(job);
      } catch (e) {
        if (e instanceof AppError && e.code === 'IOC_OPEN_DATA_BUSY') reply.header('retry-after', '60');
        throw e;
      }
    },
  );
  app.get(
    '/open-data/exports/:id',
    {
      config: rateLimited(120, '1 minute', byIp('export-status')),
      schema: {
        summary: 'Tiến độ xuất dữ liệu',
        params: OpenDataExportParamsSchema,
        response: { 200: OpenDataExportJobSchema, 404: ErrorBodySchema },
      },
    },
    (req) => exports.get(req.params.id),
  );
  app.get(
    '/open-data/exports/:id/file',
    {
      config: rateLimited(30, '1 minute', byIp('download')),
      schema: {
        summary: 'Tải tệp xuất dữ liệu',
        params: OpenDataExportParamsSchema,
        response: { ...file('the file'), 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const { path, job } = await exports.file(req.params.id);
      const from = job.params.from?.slice(0, 10) ?? 'from';
      const to = job.params.to?.slice(0, 10) ?? 'to';
      return reply
        .type(MEDIA_TYPES[job.format])
        .header('content-length', String(job.bytes))
        .header(
          'content-disposition',
          `attachment; filename="hue-ioc-${job.dataset}-${from}-${to}.${job.format}"`,
        )
        .send(createReadStream(path) as unknown as string);
    },
  );
});
