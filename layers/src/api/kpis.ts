import { Type, type Static } from '@sinclair/typebox';
import { KpiScopeLevelSchema, KpiUpdateSchema } from '../protocol.ts';
import { KpiGoodDirectionSchema, KpiPillarSchema, KpiUnitSchema } from './kpi-catalogue.ts';

/** `GET /api/kpis` query and item: the newest value of each KPI and scope with its 24 h hourly series, and
 * its catalogue entry's label, unit, pillar and direction; `target` falls back to the catalogue's. */
export const KpiQuerySchema = Type.Object(
  {
    level: Type.Optional(KpiScopeLevelSchema),
    code: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  },
  { additionalProperties: false },
);
export type KpiQuery = Static<typeof KpiQuerySchema>;

export const KpiItemSchema = Type.Composite([
  Type.Omit(KpiUpdateSchema, ['$id']),
  Type.Object({
    /** Hourly values over the last 24 h (from the kpi_samples_1h continuous aggregate), oldest first. */
    series: Type.Array(Type.Object({ t: Type.String({ format: 'date-time' }), v: Type.Number() })),
    /** From the KPI catalogue (kpi_catalogue): absent for a sample of an id the catalogue no longer has. */
    label: Type.Optional(Type.Object({ vi: Type.String(), en: Type.String() })),
    unit: Type.Optional(KpiUnitSchema),
    pillar: Type.Optional(KpiPillarSchema),
    goodDirection: Type.Optional(KpiGoodDirectionSchema),
  }),
]);
export type KpiItem = Static<typeof KpiItemSchema>;
