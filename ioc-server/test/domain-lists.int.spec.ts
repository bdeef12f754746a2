import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FINISHED_INCIDENT_STATUSES,
  INCIDENT_STATUSES,
  KPI_PILLARS,
  KPI_UNITS,
  RATINGS,
  ROLES,
  OPEN_DATA_DATASETS,
  OPEN_DATA_EXPORT_STATES,
} from '@hue-ioc/layers';
import { openPgliteDb } from '../src/storage/pglite.db.ts';
import { migrate } from '../src/storage/migrate.ts';
import type { Db } from '../src/storage/db.ts';

/**
 * The lists the code declares once (layers: incident statuses, roles) against the CHECK constraints the
 * migrations left in the catalogue. Applied migrations are never rewritten: when a list changes, a new
 * migration changes the constraint, and this test says whether they still agree.
 */
let db: Db;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hue-ioc-lists-'));
  db = await openPgliteDb(dir);
  await migrate(db);
});
afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Check {
  table: string;
  columns: string;
  def: string;
}

/** Every CHECK constraint of our tables, with the columns it reads (comma-separated, sorted). */
async function checks(): Promise<Check[]> {
  return db.query<Check>(
    `SELECT c.conrelid::regclass::text AS table, pg_get_constraintdef(c.oid) AS def,
            string_agg(a.attname::text, ',' ORDER BY a.attname) AS columns
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
     JOIN pg_namespace n ON n.oid = (SELECT relnamespace FROM pg_class WHERE oid = c.conrelid)
     WHERE c.contype = 'c' AND n.nspname = 'public'
     GROUP BY c.oid, c.conrelid`,
  );
}

/** The text literals of a constraint or predicate: `status = ANY (ARRAY['new'::text, …])` → ['new', …]. */
const literals = (def: string): string[] => [...def.matchAll(/'([^']*)'::text/g)].map((m) => m[1]!);

/** A CHECK that enumerates the values one column may take. */
const isEnumeration = (c: Check): boolean => !c.columns.includes(',') && /= ANY \(ARRAY\[/.test(c.def);

const PINNED: { table: string; column: string; list: readonly string[]; declared: string }[] = [
  { table: 'incidents', column: 'status', list: INCIDENT_STATUSES, declared: 'INCIDENT_STATUSES (layers)' },
  { table: 'users', column: 'role', list: ROLES, declared: 'ROLES (layers)' },
  { table: 'incidents', column: 'rating', list: RATINGS, declared: 'RATINGS (layers)' },
  { table: 'kpi_catalogue', column: 'pillar', list: KPI_PILLARS, declared: 'KPI_PILLARS (layers)' },
  { table: 'kpi_catalogue', column: 'unit', list: KPI_UNITS, declared: 'KPI_UNITS (layers)' },
  {
    table: 'open_data_exports',
    column: 'dataset',
    list: OPEN_DATA_DATASETS,
    declared: 'OPEN_DATA_DATASETS (layers)',
  },
  {
    table: 'open_data_exports',
    column: 'state',
    list: OPEN_DATA_EXPORT_STATES,
    declared: 'OPEN_DATA_EXPORT_STATES (layers)',
  },
];

/**
 * Enumerations no shared TypeScript list stands for (incident event types, KPI scope levels, import job
 * states): each is written by one service. A CHECK on a shared list (say incidents.category against
 * CATEGORY_CODES, which has none today) belongs in PINNED instead.
 */
const LOCAL = new Set([
  'incident_events.type',
  'kpi_samples.scope_level',
  'import_jobs.status',
  'outbox.status',
  // up/down: the catalogue's KpiGoodDirectionSchema, a two-value union with no list of its own.
  'kpi_catalogue.good_direction',
  // The standards' own words (issue 14): Open311 mySociety update status, CAP 1.2's msgType and status
  // (OASIS CAP-v1.2 §3.2.1), the CAP versions we read, and what a CAP message of ours or an inbound warning
  // came from / is about; each written by its one service (src/open311, src/cap).
  'open311_updates.status',
  'cap_messages.msg_type',
  'cap_messages.status',
  'cap_messages.source_kind',
  'cap_inbound.cap_version',
  'cap_inbound.hazard',
  // csv/geojson: the export's file format, one service (src/open-data/export.service.ts).
  'open_data_exports.format',
]);

describe('CHECK constraints against the lists of layers', () => {
  it.each(PINNED)('$column of $table allows exactly $declared', async ({ table, column, list }) => {
    const found = (await checks()).filter(
      (c) => c.table === table && c.columns === column && isEnumeration(c),
    );
    expect(found, `one CHECK enumerating ${table}.${column}`).toHaveLength(1);
    expect(literals(found[0]!.def).sort()).toEqual([...list].sort());
  });

  it('has no other enumerating CHECK than the pinned and the local ones', async () => {
    const pinned = new Set(PINNED.map((p) => `${p.table}.${p.column}`));
    const others = (await checks())
      .filter(isEnumeration)
      .map((c) => `${c.table}.${c.columns}`)
      .filter((k) => !pinned.has(k) && !LOCAL.has(k));
    expect(others).toEqual([]);
  });

  it('names only known statuses in the partial indexes of open incidents', async () => {
    const indexes = await db.query<{ name: string; pred: string }>(
      `SELECT indexrelid::regclass::text AS name, pg_get_expr(indpred, indrelid) AS pred
       FROM pg_index WHERE indrelid = 'incidents'::regclass AND indpred IS NOT NULL`,
    );
    expect(indexes.length).toBeGreaterThan(0);
    for (const i of indexes)
      for (const s of literals(i.pred)) expect(INCIDENT_STATUSES, `${i.name}: ${i.pred}`).toContain(s);
    // openNear asks for the open statuses (OPEN_STATES_SQL); the geo index must hold exactly those rows.
    const geo = indexes.find((i) => i.name === 'incidents_open_geo_idx');
    expect(geo?.pred).toMatch(/<> ALL/);
    expect(literals(geo!.pred).sort()).toEqual([...FINISHED_INCIDENT_STATUSES].sort());
  });
});
