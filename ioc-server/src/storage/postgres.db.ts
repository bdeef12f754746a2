import pg from 'pg';
import { CURSOR_BATCH, cursorName, type Db, type Tx } from './db.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * A real PostgreSQL/TimescaleDB through a `pg` pool. int8 and numeric come back as numbers, as they
 * do from PGlite, so code above does not care which database it talks to (our counts stay < 2^53).
 */
export async function openPostgresDb(connectionString: string, max = 10): Promise<Db> {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: 'hue-ioc',
    // A database that is gone must fail a query, not hang it: ingest then spools or withholds the MQTT
    // acknowledgement, and webhooks answer 503 (issue 11, "Database outage"). Without these a connect to a
    // host that drops packets waits for the kernel's TCP timeout (minutes).
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries in flight still reject.
  });
  // Fail fast with a clear message when the server is unreachable.
  const probe = await pool.connect().catch((e: Error) => {
    void pool.end();
    throw new Error(`cannot connect to DATABASE_URL: ${e.message}`);
  });
  probe.release();
  const asTx = (c: pg.Pool | pg.PoolClient): Tx => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      const r = await c.query(sql, params ? [...params] : undefined);
      return r.rows as T[];
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  const base = asTx(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction(fn) {
      const client = await pool.connect();
      // A checked-out client that loses its connection between two queries emits 'error' with no listener
      // of the pool's, which would end the process; the next query rejects anyway, so only note it.
      let lost: Error | undefined;
      const onError = (e: Error) => {
        lost = e;
      };
      client.on('error', onError);
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(asTx(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        // A ROLLBACK that fails means the connection is gone: the client must not go back to the pool.
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      } finally {
        client.off('error', onError);
        client.release(broken || lost ? (lost ?? true) : undefined);
      }
    },
    // A plain cursor in a read-only transaction on a connection of its own: rows are produced as the
    // consumer fetches them, nothing is materialised. The consumer's pace holds the connection, so callers
    // bound how many cursors are open at once (open-data.service.ts); idle_in_transaction_session_timeout
    // ends one whose consumer stopped reading and never returned.
    async *cursor<T>(sql: string, params?: readonly unknown[], batchSize = CURSOR_BATCH) {
      const client = await pool.connect();
      let lost: Error | undefined;
      const onError = (e: Error) => {
        lost = e;
      };
      client.on('error', onError);
      const name = cursorName();
      let done = false;
      let broken = false;
      try {
        await client.query('BEGIN READ ONLY');
        await client.query(`SET LOCAL idle_in_transaction_session_timeout = '120s'`);
        await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params ? [...params] : undefined);
        const n = Math.max(1, Math.floor(batchSize));
        for (;;) {
          const r = await client.query(`FETCH FORWARD ${n} FROM ${name}`);
          if (r.rows.length > 0) yield r.rows as T[];
          if (r.rows.length < n) break;
        }
        await client.query('COMMIT');
        done = true;
      } finally {
        // Stopped early (the client went away) or failed: end the transaction, which closes the cursor.
        if (!done) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        }
        client.off('error', onError);
        client.release(broken || lost ? (lost ?? true) : undefined);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
