import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPgliteDb } from '../src/storage/pglite.db.ts';
import { openPostgresDb } from '../src/storage/postgres.db.ts';
import type { Db } from '../src/storage/db.ts';

/**
 * Db.cursor (open data, issue 14) on both implementations: rows in batches, parameters bound, and a
 * consumer that stops early or a query that fails leaves no cursor and no transaction behind. PGlite
 * always; a real PostgreSQL when IOC_TEST_DATABASE_URL is set (a scratch database of its own).
 */
const targets: {
  name: string;
  open: () => Promise<{ db: Db; url?: string; cleanup: () => Promise<void> }>;
}[] = [
  {
    name: 'embedded TimescaleDB (PGlite)',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hue-ioc-cursor-'));
      const db = await openPgliteDb(dir);
      return {
        db,
        cleanup: async () => {
          await db.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
const realUrl = process.env.IOC_TEST_DATABASE_URL;
if (realUrl) {
  targets.push({
    name: 'PostgreSQL',
    open: async () => {
      const name = `hue_ioc_cursor_${process.pid}_${Date.now()}`;
      const admin = new pg.Client({ connectionString: realUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(realUrl);
      url.pathname = `/${name}`;
      // A pool of 3: two cursors open at once and a query beside them; a cursor that leaked its connection
      // would make the repeated cursors below wait for a connection and time out.
      const db = await openPostgresDb(url.toString(), 3);
      return {
        db,
        url: url.toString(),
        cleanup: async () => {
          await db.close();
          const a = new pg.Client({ connectionString: realUrl });
          await a.connect();
          await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await a.end();
        },
      };
    },
  });
}

describe.each(targets)('Db.cursor on $name', ({ open }) => {
  let db: Db;
  let url: string | undefined;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, url, cleanup } = await open());
  });
  afterAll(async () => {
    await cleanup?.();
  });

  /** Cursors and transactions left open: named cursors of PGlite's one session, or idle-in-transaction backends. */
  const leftOpen = async (): Promise<number> => {
    if (db.kind === 'pglite')
      return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_cursors WHERE name <> ''`))[0]!
        .n;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`,
    );
    await c.end();
    return r.rows[0]!.n;
  };

  it('yields every row in batches, with bound parameters', async () => {
    const sizes: number[] = [];
    let sum = 0;
    for await (const rows of db.cursor<{ g: number; t: string }>(
      `SELECT g, $1::text AS t FROM generate_series(1, $2::int) AS g ORDER BY g`,
      ['Thừa Thiên Huế', 2500],
      1000,
    )) {
      sizes.push(rows.length);
      for (const r of rows) {
        sum += r.g;
        expect(r.t).toBe('Thừa Thiên Huế');
      }
    }
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(sum).toBe((2500 * 2501) / 2);
    expect(await leftOpen()).toBe(0);
  });

  it('an empty result and an exact multiple of the batch end cleanly', async () => {
    const batches = async (n: number) => {
      const out: number[] = [];
      for await (const rows of db.cursor(`SELECT g FROM generate_series(1, $1::int) AS g`, [n], 100))
        out.push(rows.length);
      return out;
    };
    expect(await batches(0)).toEqual([]);
    expect(await batches(200)).toEqual([100, 100]);
    expect(await leftOpen()).toBe(0);
  });

  it('a consumer that stops early closes the cursor and ends its transaction', async () => {
    for (let i = 0; i < 5; i++) {
      for await (const rows of db.cursor(`SELECT g FROM generate_series(1, 100000) AS g`, [], 50)) {
        expect(rows.length).toBe(50);
        break;
      }
    }
    expect(await leftOpen()).toBe(0);
    expect(await db.query<{ n: number }>(`SELECT 1 AS n`)).toEqual([{ n: 1 }]);
  });

  it('a query that fails part-way rejects the iteration and leaves nothing open', async () => {
    let seen = 0;
    await expect(async () => {
      for await (const rows of db.cursor<{ v: number }>(
        `SELECT 10 / (2000 - g) AS v FROM generate_series(1, 3000) AS g`,
        [],
        500,
      ))
        seen += rows.length;
    }).rejects.toThrow(/division by zero/);
    expect(seen).toBeLessThan(2000);
    expect(await leftOpen()).toBe(0);
    expect(await db.query<{ n: number }>(`SELECT 2 AS n`)).toEqual([{ n: 2 }]);
  });

  it('two cursors at once, and other queries between their fetches', async () => {
    const up = `SELECT g FROM generate_series(1, 300) AS g ORDER BY g`;
    const down = `SELECT -g AS g FROM generate_series(1, 300) AS g ORDER BY g DESC`;
    const a = db.cursor<{ g: number }>(up, [], 100)[Symbol.asyncIterator]();
    const b = db.cursor<{ g: number }>(down, [], 100)[Symbol.asyncIterator]();
    try {
      const firstA = await a.next();
      const firstB = await b.next();
      expect(firstA.value?.[0]?.g).toBe(1);
      expect(firstB.value?.[0]?.g).toBe(-1);
      // With both cursors open and waiting, the database still answers others (PGlite: no transaction held).
      expect(await db.query<{ n: number }>(`SELECT 3 AS n`)).toEqual([{ n: 3 }]);
      let restA = 0;
      for (let r = await a.next(); !r.done; r = await a.next()) restA += r.value.length;
      expect(restA).toBe(200);
      await b.return?.(undefined);
    } finally {
      await a.return?.(undefined);
      await b.return?.(undefined);
    }
    expect(await leftOpen()).toBe(0);
  });
});
