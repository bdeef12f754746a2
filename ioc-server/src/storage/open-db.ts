import { join } from 'node:path';
import type { Db } from './db.ts';

/** DATABASE_URL set: a real TimescaleDB through `pg`; unset: embedded TimescaleDB under DATA_DIR. */
export async function openDb(opts: { databaseUrl: string | null; dataDir: string | null }): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPostgresDb } = await import('./postgres.db.ts');
    return openPostgresDb(opts.databaseUrl);
  }
  const { openPgliteDb } = await import('./pglite.db.ts');
  return openPgliteDb(opts.dataDir ? join(opts.dataDir, 'timescaledb') : null);
}
