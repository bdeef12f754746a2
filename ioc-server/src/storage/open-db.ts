import { join } from 'node:path';
import type { Db } from './db.ts';

/** DATABASE_URL set: a real TimescaleDB through `pg`; unset: embedded TimescaleDB under DATA_DIR. */
export async function openDb(opts: { databaseUrl: string | null; dataDir: string | null }): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPostgresDb } = await import('./postgres.db.ts');
    return openPostgresDb(opts.databaseUrl);
  }
  // In a worker thread: the database's WASM runs beside the event loop, not on it (pglite-worker.db.ts).
  const { openPgliteWorkerDb } = await import('./pglite-worker.db.ts');
  return openPgliteWorkerDb(opts.dataDir ? join(opts.dataDir, 'timescaledb') : null);
}
