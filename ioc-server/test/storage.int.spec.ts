import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPgliteDb } from '../src/storage/pglite.db.ts';
import { openPgliteWorkerDb } from '../src/storage/pglite-worker.db.ts';
import { openPostgresDb } from '../src/storage/postgres.db.ts';
import { insertUnnest, isDatabaseUnavailable, type Db } from '../src/storage/db.ts';
import { readdir } from 'node:fs/promises';
import { migrate, MIGRATIONS_DIR, splitStatements } from '../src/storage/migrate.ts';
import { DeadLetterRepository } from '../src/storage/dead-letter.repository.ts';

/**
 * One contract suite for both Db implementations. PGlite (embedded TimescaleDB) always; a real
 * PostgreSQL when IOC_TEST_DATABASE_URL is set. The TimescaleDB-specific part (migrations) needs the
 * extension, which this machine's PostgreSQL 15 lacks, so it runs where the server has it.
 */
const targets: { name: string; open: () => Promise<{ db: Db; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'embedded TimescaleDB (PGlite)',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hue-ioc-db-'));
      const db = await openPgliteDb(dir);
      return { db, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    // What the server opens (open-db.ts): the same database in a worker thread, every call a message.
    name: 'embedded TimescaleDB (PGlite) in a worker thread',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hue-ioc-db-'));
      const db = await openPgliteWorkerDb(dir);
      return { db, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
];
const realUrl = process.env.IOC_TEST_DATABASE_URL;
if (realUrl) {
  targets.push({
    name: `PostgreSQL at ${realUrl.replace(/:[^:@/]*@/, ':***@')}`,
    open: async () => {
      // A throwaway database per run so the suite can create and drop freely.
      const name = `hue_ioc_test_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: realUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(realUrl);
      url.pathname = `/${name}`;
      const db = await openPostgresDb(url.toString(), 4);
      return {
        db,
        cleanup: async () => {
          const a = new pg.Client({ connectionString: realUrl });
          await a.connect();
          await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await a.end();
        },
      };
    },
  });
}

describe.each(targets)('Db contract on $name', ({ open }) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let hasTimescale = false;
  beforeAll(async () => {
    ({ db, cleanup } = await open());
    const ext = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'timescaledb'`,
    );
    hasTimescale = ext[0]!.n > 0;
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  it('queries with parameters and returns plain numbers, dates and json', async () => {
    const [row] = await db.query<{ n: number; big: number; t: Date; j: unknown; arr: number[] }>(
      `SELECT $1::int AS n, 9007199254740991::int8 AS big, '2026-11-27T07:00:00Z'::timestamptz AS t, $2::jsonb AS j, ARRAY[1.0, 2.0, 3.5]::float8[] AS arr`,
      [46, JSON.stringify({ ward: 'Thuận Hóa' })],
    );
    expect(row).toEqual({
      n: 46,
      big: 9007199254740991,
      t: new Date('2026-11-27T07:00:00Z'),
      j: { ward: 'Thuận Hóa' },
      arr: [1, 2, 3.5],
    });
  });

  it('commits a transaction and rolls one back on error', async () => {
    await db.exec('CREATE TABLE tx_probe (id int PRIMARY KEY); CREATE TABLE tx_probe2 (id int)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (1)');
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (2)');
        await tx.query('INSERT INTO tx_probe VALUES (1)'); // duplicate key
      }),
    ).rejects.toThrow();
    expect(await db.query('SELECT id FROM tx_probe ORDER BY id')).toEqual([{ id: 1 }]);
  });

  it('inserts a batch in one statement with unnest, skipping conflicts', async () => {
    await db.exec(
      'CREATE TABLE batch_probe (ts timestamptz, device_id text, value float8, UNIQUE (device_id, ts))',
    );
    const t = new Date('2026-11-27T07:00:00Z');
    const rows = Array.from({ length: 5000 }, (_, i) => [
      new Date(t.getTime() + i * 1000),
      `dev-${i % 7}`,
      i / 10,
    ]);
    const cols = [
      { name: 'ts', type: 'timestamptz' },
      { name: 'device_id', type: 'text' },
      { name: 'value', type: 'float8' },
    ];
    expect(await insertUnnest(db, 'batch_probe', cols, rows, 'ON CONFLICT DO NOTHING')).toBe(5000);
    expect(await insertUnnest(db, 'batch_probe', cols, rows.slice(0, 10), 'ON CONFLICT DO NOTHING')).toBe(0);
  });

  it('migrates (TimescaleDB) and a second run is a no-op', async (ctx) => {
    if (!hasTimescale) ctx.skip();
    const first = await migrate(db);
    expect(first.applied).toEqual((await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort());
    expect(first.applied.slice(0, 3)).toEqual([
      '0001_core.sql',
      '0002_hypertables.sql',
      '0003_observation_rollups.sql',
    ]);
    const second = await migrate(db);
    expect(second).toEqual({ applied: [], skipped: first.applied });
    const hypertables = await db.query<{ hypertable_name: string }>(
      `SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1`,
    );
    expect(hypertables.map((h) => h.hypertable_name)).toEqual(
      expect.arrayContaining(['camera_events', 'incident_events', 'kpi_samples', 'observations']),
    );
    const caggs = await db.query<{ view_name: string }>(
      `SELECT view_name FROM timescaledb_information.continuous_aggregates ORDER BY 1`,
    );
    expect(caggs.map((c) => c.view_name)).toEqual([
      'incident_daily',
      'incident_daily_by_agency',
      'incident_daily_by_channel',
      'incident_daily_by_ward',
      'kpi_samples_1h',
      'observations_1h',
      'observations_1m',
    ]);
    const jobs = await db.query<{ proc_name: string; hypertable_name: string }>(
      `SELECT proc_name, hypertable_name FROM timescaledb_information.jobs WHERE job_id >= 1000`,
    );
    expect(jobs).toEqual(
      expect.arrayContaining([
        { proc_name: 'policy_retention', hypertable_name: 'observations' },
        { proc_name: 'policy_compression', hypertable_name: 'observations' },
      ]),
    );
    // Dead letters keep any bytes.
    const dl = new DeadLetterRepository(db);
    await dl.insertBatch(db, [
      {
        source: 'mqtt',
        reasonCode: 'IOC_INGEST_JSON',
        reason: 'bad',
        topic: 't',
        payload: new Uint8Array([0, 255, 10]),
        details: { a: 1 },
        receivedAt: new Date(),
      },
    ]);
    const [letter] = await dl.recent(1);
    expect(Buffer.from(letter!.payload_base64!, 'base64')).toEqual(Buffer.from([0, 255, 10]));
    expect(letter!.details).toEqual({ a: 1 });
  });
});

describe('embedded TimescaleDB after a restart', () => {
  it('still has the licensed features (compression policies) for migrations added later', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hue-ioc-db-'));
    try {
      const first = await openPgliteDb(dir);
      await migrate(first);
      await first.close();
      const again = await openPgliteDb(dir);
      await again.exec(`CREATE TABLE later_series (ts timestamptz NOT NULL, v int);
        SELECT create_hypertable('later_series', by_range('ts'), if_not_exists => true);
        ALTER TABLE later_series SET (timescaledb.compress);
        SELECT add_compression_policy('later_series', INTERVAL '7 days', if_not_exists => true);`);
      const [job] = await again.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM timescaledb_information.jobs WHERE hypertable_name = 'later_series'`,
      );
      expect(job!.n).toBe(1);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('splitStatements', () => {
  it('splits on line-ending semicolons and drops comments', () => {
    expect(splitStatements('-- ioc:no-transaction\nSELECT 1;\n-- c\nSELECT\n  2;\n')).toEqual([
      'SELECT 1',
      'SELECT\n  2',
    ]);
  });
});

describe('embedded TimescaleDB in a worker thread', () => {
  let db: Db;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hue-ioc-db-'));
    db = await openPgliteWorkerDb(dir);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves the event loop free while a query runs (in-thread, the loop waits for it)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM generate_series(1, 4000000) g WHERE g % 7 = 0`,
    );
    const ms = performance.now() - started;
    clearInterval(timer);
    expect(row!.n).toBe(571428);
    // A query this long (hundreds of ms) leaves room for many 5 ms ticks when it runs off the loop.
    expect(ms).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(ms / 5 / 4));
  });

  it('keeps an error’s SQLSTATE and fields across the thread, and a transaction’s own error object', async () => {
    await db.exec(`CREATE TABLE IF NOT EXISTS probe_unique (k text PRIMARY KEY)`);
    await db.query(`INSERT INTO probe_unique VALUES ('a')`);
    const err = (await db.query(`INSERT INTO probe_unique VALUES ('a')`).catch((e: unknown) => e)) as {
      code?: string;
      constraint?: string;
      message: string;
    };
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('23505');
    expect(err.constraint).toBe('probe_unique_pkey');
    expect(isDatabaseUnavailable(err)).toBe(false);
    class Mine extends Error {}
    const mine = new Mine('mine');
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO probe_unique VALUES ('b')`);
        throw mine;
      }),
    ).rejects.toBe(mine);
    expect(await db.query(`SELECT k FROM probe_unique ORDER BY k`)).toEqual([{ k: 'a' }]);
    // Queries outside a transaction wait for it, as in one PGlite session.
    const order: string[] = [];
    await Promise.all([
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO probe_unique VALUES ('c')`);
        await new Promise((r) => setTimeout(r, 50));
        order.push('tx');
      }),
      db
        .query(`SELECT count(*)::int AS n FROM probe_unique`)
        .then((r) => order.push(`outside ${JSON.stringify(r)}`)),
    ]);
    expect(order).toEqual(['tx', 'outside [{"n":2}]']);
  });

  it('answers "unavailable" (retry later) once closed, so ingest keeps its input', async () => {
    const other = await openPgliteWorkerDb(null);
    expect(await other.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    await other.close();
    const err = await other.query(`SELECT 1`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(err)).toBe(true);
  }, 120_000);
});
