import { join } from 'node:path';
import type { Db } from './db.ts';

/** DATABASE_URL set: a real TimescaleDB through `pg`; unset: embedded TimescaleDB under DATA_DIR. */
export async function openDb(opts: {
  databaseUrl: string | null;
  dataDir: string | null;
  /** The embedded database's thread (EMBEDDED_DB_THREAD); default `main` here, `worker` in config. */
  thread?: 'worker' | 'main';
  /** The worker thread ended without `close` (a crash): told once. */
  onStopped?: (err: Error) => void;
}): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPostgresDb } = await import('./postgres.db.ts');
    return openPostgresDb(opts.databaseUrl);
  }
  const dir = opts.dataDir ? join(opts.dataDir, 'timescaledb') : null;
  if (opts.thread !== 'worker') {
    const { openPgliteDb } = await import('./pglite.db.ts');
    return openPgliteDb(dir);
  }
  // In a worker thread: the database's WASM runs beside the event loop, not on it (pglite-worker.db.ts).
  const { openPgliteWorkerDb } = await import('./pglite-worker.db.ts');
  return openPgliteWorkerDb(dir, opts.onStopped ? { onStopped: opts.onStopped } : {});
}
