import { Type, type Static } from '@sinclair/typebox';
import { CategoryCodeSchema } from '../category.ts';
import { SensorKindSchema } from '../sensor.ts';
import { KPI_ID_PATTERN } from '../kpi.ts';
import '../formats.ts';

/**
 * Open data under `/open-data/` (issue 14, ARCHITECTURE.md "Interop"): anonymised incidents (GeoJSON, CSV),
 * sensor observations from the hourly rollups, KPIs; a DCAT catalogue and CKAN-compatible metadata for the
 * city's open-data portal (Cổng dữ liệu mở); background exports of large ranges.
 *
 * `from` / `to`: a day (`2026-11-01`) or a date-time (`2026-11-01T08:00`, `2026-11-01T08:00:00+07:00`).
 * Without an offset it is Asia/Ho_Chi_Minh time. A day in `from` means its first instant, a day in `to`
 * its end (the whole day is included); a date-time `to` is exclusive. Every time in the files has +07:00.
 */

/** A day or a date-time, with an optional offset (checked as a real calendar date by the server). */
export const OPEN_DATA_TIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?(Z|[+-]\\d{2}:\\d{2})?)?$';
const Time = (description: string) =>
  Type.String({ pattern: OPEN_DATA_TIME_PATTERN, maxLength: 40, description });

const RangeProps = {
  from: Type.Optional(Time('start (inclusive); a day or a date-time, Asia/Ho_Chi_Minh when no offset')),
  to: Type.Optional(Time('end: a day is included whole, a date-time is exclusive')),
};

export const OPEN_DATA_DATASETS = ['incidents', 'observations', 'kpis'] as const;
export const OpenDataDatasetSchema = Type.Union(
  OPEN_DATA_DATASETS.map((d) => Type.Literal(d)),
  { description: 'incidents (phản ánh hiện trường), observations (sensor rollups), kpis' },
);
export type OpenDataDataset = Static<typeof OpenDataDatasetSchema>;

export const OpenDataFormatSchema = Type.Union([Type.Literal('csv'), Type.Literal('geojson')], {
  description: 'csv (UTF-8 with BOM, CRLF) for every dataset; geojson for incidents',
});
export type OpenDataFormat = Static<typeof OpenDataFormatSchema>;

export const OpenDataIntervalSchema = Type.Union([Type.Literal('hour'), Type.Literal('day')], {
  description: 'rollup bucket: hour, or day (Asia/Ho_Chi_Minh days)',
});
export type OpenDataInterval = Static<typeof OpenDataIntervalSchema>;

const WardCode = Type.String({ pattern: '^[0-9]{5}$', description: 'GSO ward code' });
const DeviceId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$', description: 'device id' });
const ScopeLevel = Type.Union([Type.Literal('province'), Type.Literal('ward'), Type.Literal('agency')]);

export const OpenDataIncidentsQuerySchema = Type.Object(
  { ...RangeProps, category: Type.Optional(CategoryCodeSchema), ward: Type.Optional(WardCode) },
  { additionalProperties: false },
);
export type OpenDataIncidentsQuery = Static<typeof OpenDataIncidentsQuerySchema>;

export const OpenDataObservationsQuerySchema = Type.Object(
  {
    ...RangeProps,
    interval: Type.Optional(OpenDataIntervalSchema),
    device: Type.Optional(DeviceId),
    kind: Type.Optional(SensorKindSchema),
  },
  { additionalProperties: false },
);
export type OpenDataObservationsQuery = Static<typeof OpenDataObservationsQuerySchema>;

export const OpenDataKpisQuerySchema = Type.Object(
  {
    ...RangeProps,
    interval: Type.Optional(OpenDataIntervalSchema),
    kpi: Type.Optional(Type.String({ pattern: KPI_ID_PATTERN })),
    scope_level: Type.Optional(ScopeLevel),
  },
  { additionalProperties: false },
);
export type OpenDataKpisQuery = Static<typeof OpenDataKpisQuerySchema>;

/** `POST /open-data/exports`: one dataset, one format, the same filters as the synchronous files. */
export const OpenDataExportRequestSchema = Type.Object(
  {
    dataset: OpenDataDatasetSchema,
    format: Type.Optional(OpenDataFormatSchema),
    ...RangeProps,
    category: Type.Optional(CategoryCodeSchema),
    ward: Type.Optional(WardCode),
    interval: Type.Optional(OpenDataIntervalSchema),
    device: Type.Optional(DeviceId),
    kind: Type.Optional(SensorKindSchema),
    kpi: Type.Optional(Type.String({ pattern: KPI_ID_PATTERN })),
    scope_level: Type.Optional(ScopeLevel),
  },
  { additionalProperties: false },
);
export type OpenDataExportRequest = Static<typeof OpenDataExportRequestSchema>;

export const OPEN_DATA_EXPORT_STATES = ['queued', 'running', 'done', 'failed', 'expired'] as const;
export const OpenDataExportStateSchema = Type.Union(OPEN_DATA_EXPORT_STATES.map((s) => Type.Literal(s)));
export type OpenDataExportState = Static<typeof OpenDataExportStateSchema>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const OpenDataExportJobSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  dataset: OpenDataDatasetSchema,
  format: OpenDataFormatSchema,
  state: OpenDataExportStateSchema,
  /** The filters as the server understood them, with the range resolved to +07:00 instants. */
  params: Type.Record(Type.String(), Type.String()),
  rowsWritten: Type.Integer({ minimum: 0 }),
  /** The planner's estimate of the rows (EXPLAIN), null before the job starts. */
  estimatedTotal: Nullable(Type.Integer({ minimum: 0 })),
  bytes: Type.Integer({ minimum: 0 }),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Nullable(Type.String({ format: 'date-time' })),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  /** When the file is removed (done jobs). */
  expiresAt: Nullable(Type.String({ format: 'date-time' })),
  error: Nullable(Type.String()),
  /** Where to download the file once `state` is done. */
  fileUrl: Nullable(Type.String()),
});
export type OpenDataExportJob = Static<typeof OpenDataExportJobSchema>;

export const OpenDataExportParamsSchema = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** DCAT-AP JSON-LD (`/open-data/catalog.json`): documented loosely, its vocabulary is DCAT's. */
export const OpenDataCatalogSchema = Type.Object(
  {
    '@context': Type.Record(Type.String(), Type.String()),
    '@type': Type.Literal('dcat:Catalog'),
    'dcat:dataset': Type.Array(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true },
);

/** CKAN action API answers (`/open-data/api/3/action/*`): `{ help, success, result }` or `{ success, error }`. */
export const CkanResponseSchema = Type.Object(
  {
    help: Type.String(),
    success: Type.Boolean(),
    result: Type.Optional(Type.Unknown()),
    // CKAN's `__type` and `message`, and our catalogue's `code` beside them (a harvester ignores it; our
    // logs, clients and the fuzz read it as on every other error).
    error: Type.Optional(
      Type.Object({ __type: Type.String(), message: Type.String(), code: Type.Optional(Type.String()) }),
    ),
  },
  { additionalProperties: false },
);

export const CkanPackageShowQuerySchema = Type.Object(
  { id: Type.String({ maxLength: 100 }) },
  { additionalProperties: true },
);
