import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../config.ts';
import type { Db } from './db.ts';

export const MIGRATIONS_DIR = resolve(REPO_ROOT, 'ioc-server/migrations');
const NO_TRANSACTION = /^--\s*ioc:no-transaction/m;
/** Same key on every node, so replicas starting together migrate one at a time. */
const MIGRATION_LOCK = 4_619_753;

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

/**
 * Runs the plain SQL files of `migrations/` in name order, each once, recorded in schema_migrations.
 * A file marked `-- ioc:no-transaction` (continuous aggregates) runs statement by statement outside a
 * transaction; its statements are written to be re-runnable (IF NOT EXISTS) in case one fails midway.
 */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const result: MigrationResult = { applied: [], skipped: [] };
  if (db.kind === 'postgres') await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    const done = new Set(
      (await db.query<{ version: string }>('SELECT version FROM schema_migrations')).map((r) => r.version),
    );
    for (const file of files) {
      if (done.has(file)) {
        result.skipped.push(file);
        continue;
      }
      const sql = await readFile(join(dir, file), 'utf8');
      try {
        if (NO_TRANSACTION.test(sql)) {
          for (const statement of splitStatements(sql)) await db.exec(statement);
          await db.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
        } else {
          await db.transaction(async (tx) => {
            await tx.exec(sql);
            await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
          });
        }
      } catch (e) {
        throw new Error(`migration ${file} failed: ${(e as Error).message}`);
      }
      result.applied.push(file);
    }
  } finally {
    if (db.kind === 'postgres') await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
  return result;
}

/**
 * Splits on semicolons that end a line; no-transaction files hold no function bodies. Comment lines go
 * first, so a comment that ends in a semicolon does not end a statement.
 */
export function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
    .split(/;\s*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
