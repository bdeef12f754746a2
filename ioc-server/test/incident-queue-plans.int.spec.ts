import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedAgencies, WardIndex } from '@hue-ioc/streams';
import { openPgliteDb } from '../src/storage/pglite.db.ts';
import { migrate } from '../src/storage/migrate.ts';
import type { Db } from '../src/storage/db.ts';
import { AgencyRepository } from '../src/storage/agency.repository.ts';
import { listIncidents, listSql } from '../src/incidents/incident-queries.ts';
import { fillIncidents, usualQueries } from './support/incident-fixture.ts';
import { scratchPostgres } from './support/plain-postgres.ts';

/**
 * The dispatch queue's usual questions use indexes, not a scan of every incident (issue 12: p95 ≤ 20 ms over
 * a million; `npm run bench:queue` measures that). Checked with EXPLAIN on the embedded database and, when
 * IOC_TEST_DATABASE_URL names one, on PostgreSQL, over 60,000 incidents so the planner has a reason to care.
 */
const GEO_DIR = join(import.meta.dirname, '..', '..', 'geo');
const ROWS = 60_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

async function plan(db: Db, sql: string, params: unknown[]): Promise<PlanNode> {
  const rows = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(
    `EXPLAIN (FORMAT JSON) ${sql}`,
    params,
  );
  const raw = rows[0]!['QUERY PLAN'];
  return (typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan as PlanNode;
}

const databases: { name: string; open: () => Promise<{ db: Db; close: () => Promise<void> }> }[] = [
  {
    name: 'embedded (PGlite + TimescaleDB)',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hue-plans-'));
      const db = await openPgliteDb(dir);
      await migrate(db);
      return {
        db,
        close: async () => {
          await db.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  ...(process.env.IOC_TEST_DATABASE_URL
    ? [
        {
          name: 'PostgreSQL',
          open: async () => {
            const s = await scratchPostgres(process.env.IOC_TEST_DATABASE_URL!, 'hue_ioc_plans');
            return { db: s.db, close: s.drop };
          },
        },
      ]
    : []),
];

describe.each(databases)('the queue queries on $name', ({ open }) => {
  let db: Db;
  let close: () => Promise<void>;
  let wards: string[];
  let agencies: string[];
  const now = new Date();

  beforeAll(async () => {
    ({ db, close } = await open());
    const index = await WardIndex.load(GEO_DIR);
    const seeded = seedAgencies(index);
    await new AgencyRepository(db).seed(seeded);
    wards = index.wards.map((w) => w.code);
    agencies = seeded.map((a) => a.id);
    await fillIncidents(db, { total: ROWS, open: 600, wards, agencies, now });
  }, 120_000);
  afterAll(async () => {
    await close?.();
  });

  it('answers every usual question from an index (no sequential scan of incidents), page and count', async () => {
    const problems: string[] = [];
    for (const q of usualQueries({ wards, agencies }, 3)) {
      const { page, count } = listSql({ limit: 50, ...q.query }, q.agencyScope ?? null, now);
      for (const [part, s] of [
        ['page', page],
        ['count', count],
      ] as const) {
        const p = await plan(db, s.sql, s.params);
        const scans = nodes(p).filter(
          (n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'incidents',
        );
        if (scans.length) problems.push(`${q.name} (${part}): sequential scan of incidents`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives the same answers as a plain filter over every row (the indexes change speed, not results)', async () => {
    const open = usualQueries({ wards, agencies }, 1)[0]!;
    const page = await listIncidents(db, { limit: 500, ...open.query }, null, now);
    const all = await db.query<{ id: string }>(
      `SELECT id FROM incidents WHERE status NOT IN ('resolved', 'closed', 'rejected')
       ORDER BY coalesce(due_at, 'infinity'::timestamptz), id LIMIT 500`,
    );
    expect(page.rows.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(page.total).toBe(600);
  });
});
