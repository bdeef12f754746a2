import type { KpiDefinition, KpiPillar, KpiUnit } from '@hue-ioc/layers';
import type { Queryable } from './db.ts';

/** One row of `kpi_catalogue` (migration 0017), with whether kpi_samples hold values of it. */
export interface KpiCatalogueRow {
  id: string;
  pillar: KpiPillar;
  label_vi: string;
  label_en: string;
  unit: KpiUnit;
  target: number | null;
  good_direction: 'up' | 'down';
  description: string | null;
  active: boolean;
  sort_order: number;
  version: number;
  created_at: Date;
  updated_at: Date;
  updated_by: string | null;
  has_samples: boolean;
}

/** The columns an admin writes. */
export interface KpiCatalogueValues {
  pillar: KpiPillar;
  labelVi: string;
  labelEn: string;
  unit: KpiUnit;
  target: number | null;
  goodDirection: 'up' | 'down';
  description: string | null;
  active: boolean;
  sortOrder: number;
}

// kpi_samples' UNIQUE (kpi, scope_level, scope_code, ts) index leads with kpi: one index probe per chunk.
const COLUMNS = `c.id, c.pillar, c.label_vi, c.label_en, c.unit, c.target, c.good_direction, c.description,
  c.active, c.sort_order, c.version, c.created_at, c.updated_at, c.updated_by,
  EXISTS (SELECT 1 FROM kpi_samples s WHERE s.kpi = c.id) AS has_samples`;

/** The indicators the KPI webhook accepts and the briefing shows (issue 13). */
export class KpiCatalogueRepository {
  constructor(private readonly db: Queryable) {}

  list(q: Queryable = this.db): Promise<KpiCatalogueRow[]> {
    return q.query<KpiCatalogueRow>(`SELECT ${COLUMNS} FROM kpi_catalogue c ORDER BY c.sort_order, c.id`);
  }

  async get(id: string, q: Queryable = this.db, forUpdate = false): Promise<KpiCatalogueRow | null> {
    const rows = await q.query<KpiCatalogueRow>(
      `SELECT ${COLUMNS} FROM kpi_catalogue c WHERE c.id = $1${forUpdate ? ' FOR UPDATE OF c' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * Inserts the seed's entries that are not there yet (one statement); what an admin changed stays.
   * Returns how many were added.
   */
  async seed(defs: readonly KpiDefinition[], q: Queryable = this.db): Promise<number> {
    const rows = await q.query<{ n: number }>(
      `WITH ins AS (
         INSERT INTO kpi_catalogue (id, pillar, label_vi, label_en, unit, target, good_direction, sort_order, updated_by)
         SELECT id, pillar, vi, en, unit, target, dir, ord, 'seed'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::int[])
           AS t(id, pillar, vi, en, unit, target, dir, ord)
         ON CONFLICT (id) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [
        defs.map((d) => d.id),
        defs.map((d) => d.pillar),
        defs.map((d) => d.vi),
        defs.map((d) => d.en),
        defs.map((d) => d.unit),
        defs.map((d) => d.target ?? null),
        defs.map((d) => (d.higherIsBetter ? 'up' : 'down')),
        defs.map((_, i) => (i + 1) * 10),
      ],
    );
    return rows[0]?.n ?? 0;
  }

  /** Creates an entry; null when the id is taken (a concurrent create). */
  async insert(id: string, v: KpiCatalogueValues, by: string, q: Queryable): Promise<boolean> {
    const rows = await q.query(
      `INSERT INTO kpi_catalogue (id, pillar, label_vi, label_en, unit, target, good_direction, description,
         active, sort_order, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING RETURNING 1`,
      [id, ...valuesOf(v), by],
    );
    return rows.length > 0;
  }

  /** Updates the entry at `expectedVersion` (bumping it); false when it is not at that version. */
  async update(
    id: string,
    expectedVersion: number,
    v: KpiCatalogueValues,
    by: string,
    q: Queryable,
  ): Promise<boolean> {
    const rows = await q.query(
      `UPDATE kpi_catalogue SET pillar = $3, label_vi = $4, label_en = $5, unit = $6, target = $7,
         good_direction = $8, description = $9, active = $10, sort_order = $11, updated_by = $12,
         version = version + 1, updated_at = now()
       WHERE id = $1 AND version = $2 RETURNING 1`,
      [id, expectedVersion, ...valuesOf(v), by],
    );
    return rows.length > 0;
  }

  /** Removes the entry at `expectedVersion` if no sample refers to it; false otherwise. */
  async delete(id: string, expectedVersion: number, q: Queryable): Promise<boolean> {
    const rows = await q.query(
      `DELETE FROM kpi_catalogue c WHERE c.id = $1 AND c.version = $2
         AND NOT EXISTS (SELECT 1 FROM kpi_samples s WHERE s.kpi = c.id) RETURNING 1`,
      [id, expectedVersion],
    );
    return rows.length > 0;
  }
}

const valuesOf = (v: KpiCatalogueValues) => [
  v.pillar,
  v.labelVi,
  v.labelEn,
  v.unit,
  v.target,
  v.goodDirection,
  v.description,
  v.active,
  v.sortOrder,
];
