/**
 * The one small query interface that storage code uses. Two implementations: embedded TimescaleDB
 * (PGlite with the timescaledb extension, in-process WASM) and a real TimescaleDB through `pg`.
 * Keep it small: everything here must mean the same on both.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Tx extends Queryable {
  /** Runs SQL text that may hold several statements and no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Tx {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The rows of one SELECT, `batchSize` at a time, from a server-side cursor (`DECLARE … CURSOR` +
   * `FETCH n`): memory stays flat for any result size (open data, issue 14). Ending the iteration early
   * (`break`, `return()`, a destroyed stream around it) closes the cursor and ends its transaction.
   */
  cursor<T = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    batchSize?: number,
  ): AsyncIterable<T[]>;
  close(): Promise<void>;
}

/** Rows per FETCH when the caller does not say: large enough to amortise a round trip, small in memory. */
export const CURSOR_BATCH = 1000;

/** A cursor name unique in its session (PGlite's one session is shared by every concurrent cursor). */
export const cursorName = (): string => `ioc_cursor_${crypto.randomUUID().replace(/-/g, '')}`;

export interface Column {
  name: string;
  /** PostgreSQL element type used for the unnest array cast, e.g. 'timestamptz', 'text', 'float8'. */
  type: string;
}

/**
 * One multi-row insert for a batch: `INSERT INTO t (cols) SELECT * FROM unnest($1::type[], ...)`, so a
 * batch of any size is one round trip and one statement plan (ARCHITECTURE.md: writes are batched).
 */
export async function insertUnnest(
  q: Queryable,
  table: string,
  columns: readonly Column[],
  rows: readonly (readonly unknown[])[],
  onConflict = '',
): Promise<number> {
  if (rows.length === 0) return 0;
  const arrays = columns.map((_, i) => rows.map((r) => r[i] ?? null));
  const casts = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const names = columns.map((c) => c.name).join(', ');
  const result = await q.query<{ n: number }>(
    `WITH ins AS (INSERT INTO ${table} (${names}) SELECT * FROM unnest(${casts}) ${onConflict} RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    arrays,
  );
  return result[0]?.n ?? 0;
}

/**
 * SQLSTATE classes that say the database cannot serve now, not that the statement is wrong (PostgreSQL
 * Appendix A): 08 connection exception, 53 insufficient resources (disk full, out of memory, too many
 * connections), 57 operator intervention (shutdown, cannot connect now, statement timeout), 58 system error,
 * 40 transaction rollback (serialization failure, deadlock: retry as it is).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58|40)/;
/** What node:net and the `pg` driver raise when the server is gone or unreachable (no SQLSTATE). */
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|not queryable|connection timeout|query read timeout|server closed the connection/i;

/**
 * True when an error of either Db says "the database is unreachable or overloaded, try again" rather than
 * "this input cannot be stored": ingest then keeps the input (spool, or no acknowledgement) and retries,
 * where a content error isolates the message and dead-letters it.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string') {
      if (UNAVAILABLE_ERRNO.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE.test(code);
    }
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    e = cause;
  }
  return false;
}
