/**
 * `npm run bench:queue`: the dispatch queue's usual questions over 1,000,000 incidents (five years of Huế at
 * ~500 reports a day), through the server's own query code (listIncidents: the page and its capped count),
 * on the embedded database (PGlite + TimescaleDB) and on PostgreSQL (DATABASE_URL, default the local
 * server). Prints p50/p95 per question and the plan of each (EXPLAIN). Issue 12 asks p95 ≤ 20 ms.
 *
 *   npm run bench:queue -- [--rows 1000000] [--runs 100] [--only pglite|postgres] [--json out.json]
 *
 * `--json` writes the figures (per database and question: p50, p95, matches) for `npm run bench -- queue`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedAgencies, WardIndex } from '@hue-ioc/streams';
import { openPgliteDb } from '../ioc-server/src/storage/pglite.db.ts';
import { migrate } from '../ioc-server/src/storage/migrate.ts';
import { scratchPostgres } from '../ioc-server/test/support/plain-postgres.ts';
import type { Db } from '../ioc-server/src/storage/db.ts';
import { AgencyRepository } from '../ioc-server/src/storage/agency.repository.ts';
import { listIncidents } from '../ioc-server/src/incidents/incident-queries.ts';
import { fillIncidents, usualQueries } from '../ioc-server/test/support/incident-fixture.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const ROWS = Number(arg('rows', '1000000'));
const RUNS = Number(arg('runs', '100'));
const ONLY = arg('only', '');
const JSON_OUT = arg('json', '');
const figures: { db: string; rows: number; question: string; p50: number; p95: number; matches: number }[] =
  [];
const GEO_DIR = join(import.meta.dirname, '..', 'geo');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function run(label: string, db: Db) {
  const wards = await WardIndex.load(GEO_DIR);
  const agencies = seedAgencies(wards);
  await new AgencyRepository(db).seed(agencies);
  const wardCodes = wards.wards.map((w) => w.code);
  const agencyIds = agencies.map((a) => a.id);
  const now = new Date();
  const t0 = performance.now();
  await fillIncidents(db, {
    total: ROWS,
    open: Math.round(ROWS * 0.004),
    wards: wardCodes,
    agencies: agencyIds,
    now,
    onProgress: (n) => process.stdout.write(`\r${label}: ${n.toLocaleString('vi-VN')} incidents`),
  });
  console.log(` in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const rows: string[] = [];
  const names = usualQueries({ wards: wardCodes, agencies: agencyIds }, 0).map((q) => q.name);
  for (const [k, name] of names.entries()) {
    const times: number[] = [];
    let matched = 0;
    for (let i = 0; i < RUNS + 5; i++) {
      const q = usualQueries({ wards: wardCodes, agencies: agencyIds }, i)[k]!;
      const t = performance.now();
      const page = await listIncidents(db, { limit: 50, ...q.query }, q.agencyScope ?? null, now);
      if (i >= 5) times.push(performance.now() - t);
      matched = page.total;
      // The second page through the cursor, as a scrolling console asks it.
      if (i === 0 && page.nextCursor)
        await listIncidents(
          db,
          { limit: 50, ...q.query, cursor: page.nextCursor },
          q.agencyScope ?? null,
          now,
        );
    }
    figures.push({
      db: label,
      rows: ROWS,
      question: name,
      p50: pct(times, 50),
      p95: pct(times, 95),
      matches: matched,
    });
    rows.push(
      `  ${name.padEnd(34)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms   p95 ${pct(times, 95).toFixed(1).padStart(7)} ms   matches ${matched >= 10_000 ? '≥10.000' : matched.toLocaleString('vi-VN')}`,
    );
  }
  console.log(
    `\n${label}, ${ROWS.toLocaleString('vi-VN')} incidents, ${RUNS} runs each (page of 50 + capped count):`,
  );
  for (const r of rows) console.log(r);
}

if (ONLY !== 'postgres') {
  const dir = await mkdtemp(join(tmpdir(), 'hue-queue-'));
  const db = await openPgliteDb(dir);
  await migrate(db);
  await run('embedded (PGlite + TimescaleDB)', db);
  await db.close();
  await rm(dir, { recursive: true, force: true });
}

if (ONLY !== 'pglite') {
  // The local PostgreSQL has no TimescaleDB: the incident tables are plain tables in production too, so
  // the migrations run statement by statement and the TimescaleDB-only ones (hypertables, continuous
  // aggregates, policies) are skipped and counted. The incidents statements must all apply.
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const { db, skipped, drop } = await scratchPostgres(url, 'hue_queue');
  console.log(`PostgreSQL: ${skipped} TimescaleDB-only statements skipped`);
  await run('PostgreSQL 15 (pg)', db);
  await drop();
}

if (JSON_OUT) await writeFile(JSON_OUT, JSON.stringify(figures));
