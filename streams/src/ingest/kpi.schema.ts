import { Type, type Static } from '@sinclair/typebox';
import { ISO_DATE_TIME } from '../sensors/sensor-reading.schema.ts';

export const KPI_SCOPE_LEVELS = ['province', 'ward', 'agency'] as const;
export type KpiScopeLevel = (typeof KPI_SCOPE_LEVELS)[number];

/**
 * Body of `POST /api/ingest/kpi`: one sample of an indicator (QĐ 766/QĐ-TTg and local ones), signed with
 * `INGEST_SECRET_KPI`. `kpi` is a snake_case id, optionally dotted (`ty_le_xu_ly_dung_han`; labels in layers/src/kpi.ts).
 */
export const KpiSampleSchema = Type.Object(
  {
    kpi: Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){0,3}$', maxLength: 64 }),
    scope: Type.Object(
      {
        level: Type.Union(KPI_SCOPE_LEVELS.map((l) => Type.Literal(l))),
        code: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
      },
      { additionalProperties: false },
    ),
    value: Type.Number({ minimum: -1e12, maximum: 1e12 }),
    target: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12 })),
    ts: Type.String({ pattern: ISO_DATE_TIME }),
  },
  { additionalProperties: false },
);
export type KpiSamplePayload = Static<typeof KpiSampleSchema>;
