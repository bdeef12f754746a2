import { Type, type Static } from '@sinclair/typebox';
import { KPI_ID_PATTERN, KPI_PILLARS, KPI_UNITS } from '../kpi.ts';
import { PlainLine, PlainText } from './text.ts';
import '../formats.ts';

/**
 * The KPI catalogue an admin extends (issue 13, item 1): `GET /api/admin/kpi-catalogue`,
 * `PUT /api/admin/kpi-catalogue/:id` (create or update one entry) and `DELETE` (only an entry without
 * samples: one with samples is deactivated instead, so its history keeps its label and unit). Values
 * arrive through `POST /api/ingest/kpi`, which refuses an id not in the catalogue or inactive.
 */

export const KpiPillarSchema = Type.Union(
  KPI_PILLARS.map((p) => Type.Literal(p)),
  { description: 'chinh_quyen_so (Chính quyền số), kinh_te_so (Kinh tế số), xa_hoi_so (Xã hội số)' },
);
export const KpiUnitSchema = Type.Union(
  KPI_UNITS.map((u) => Type.Literal(u)),
  { description: "'%' a share 0–100, 'count' a whole number ≥ 0, 'hours', 'days', 'vnd' (đồng) ≥ 0" },
);
export const KpiGoodDirectionSchema = Type.Union([Type.Literal('up'), Type.Literal('down')], {
  description: 'up: a higher value is better (on-time rate); down: a lower one is (overdue count)',
});

export const KpiCatalogueIdSchema = Type.String({
  pattern: KPI_ID_PATTERN,
  maxLength: 64,
  description: 'snake_case id the feeds send as `kpi`, e.g. ty_le_xu_ly_dung_han',
});
export const KpiCatalogueParamsSchema = Type.Object(
  { id: KpiCatalogueIdSchema },
  { additionalProperties: false },
);

export const KPI_CATALOGUE_LIMITS = {
  label: 120,
  description: 1000,
  sortOrder: 10_000,
} as const;

const Label = () => PlainLine({ minLength: 1, maxLength: KPI_CATALOGUE_LIMITS.label });

/** One entry as an admin writes it. `expectedVersion` 0 creates it; otherwise it is the version read. */
export const KpiCatalogueInputSchema = Type.Object(
  {
    pillar: KpiPillarSchema,
    label: Type.Object({ vi: Label(), en: Label() }, { additionalProperties: false }),
    unit: KpiUnitSchema,
    target: Type.Optional(
      Type.Union([Type.Number({ minimum: 0, maximum: 1e12 }), Type.Null()], {
        description: "the target the briefing compares with when a feed sends none; within the unit's range",
      }),
    ),
    goodDirection: KpiGoodDirectionSchema,
    description: Type.Optional(
      Type.Union([PlainText({ maxLength: KPI_CATALOGUE_LIMITS.description }), Type.Null()]),
    ),
    active: Type.Boolean({
      description: 'false: the KPI webhook refuses its samples; the briefing hides it',
    }),
    sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: KPI_CATALOGUE_LIMITS.sortOrder })),
    expectedVersion: Type.Integer({
      minimum: 0,
      maximum: 2_147_483_647,
      description:
        '0 to create the entry; else the version you read (409 IOC_KPI_CATALOGUE_STALE if it changed)',
    }),
  },
  { additionalProperties: false },
);
export type KpiCatalogueInput = Static<typeof KpiCatalogueInputSchema>;

export const KpiCatalogueEntrySchema = Type.Object({
  id: Type.String(),
  pillar: KpiPillarSchema,
  label: Type.Object({ vi: Type.String(), en: Type.String() }),
  unit: KpiUnitSchema,
  target: Type.Union([Type.Number(), Type.Null()]),
  goodDirection: KpiGoodDirectionSchema,
  description: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  sortOrder: Type.Integer(),
  version: Type.Integer(),
  /** Whether kpi_samples hold values of it: then its unit is fixed and it can only be deactivated. */
  hasSamples: Type.Boolean(),
  /** Whether DELETE may remove it: no samples and not one of the seed's (KPI_CATALOGUE) indicators. */
  removable: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
});
export type KpiCatalogueEntry = Static<typeof KpiCatalogueEntrySchema>;

export const KpiCatalogueListSchema = Type.Object({ items: Type.Array(KpiCatalogueEntrySchema) });
export type KpiCatalogueList = Static<typeof KpiCatalogueListSchema>;

export const KpiCatalogueDeleteQuerySchema = Type.Object(
  { expectedVersion: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) },
  { additionalProperties: false },
);
