import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { MIGRATIONS_DIR, splitStatements } from '../../src/storage/migrate.ts';
import { openPostgresDb } from '../../src/storage/postgres.db.ts';
import type { Db } from '../../src/storage/db.ts';

/**
 * A scratch database on a PostgreSQL without TimescaleDB (this machine's PostgreSQL 15), with our migrations
 * applied statement by statement: what needs TimescaleDB (hypertables, continuous aggregates, policies) fails
 * and is skipped and counted; a failing statement on the relational tables (incidents, agencies…) is an
 * error. Production runs the timescale/timescaledb image, where all of them apply; the relational tables are
 * the same plain tables there.
 */
export async function scratchPostgres(
  url: string,
  prefix: string,
): Promise<{ db: Db; skipped: number; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openPostgresDb(target.toString(), 4);
  let skipped = 0;
  for (const file of (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort()) {
    for (const stmt of splitStatements(await readFile(join(MIGRATIONS_DIR, file), 'utf8'))) {
      try {
        await db.exec(stmt);
      } catch (e) {
        if (
          /CREATE TABLE IF NOT EXISTS (incidents|agencies)\b|\bON incidents\b|ALTER TABLE incidents\b/.test(
            stmt,
          )
        )
          throw new Error(`${file}: ${(e as Error).message}\n${stmt}`);
        skipped++;
      }
    }
  }
  return {
    db,
    skipped,
    drop: async () => {
      await db.close();
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
