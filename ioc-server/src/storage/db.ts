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
  close(): Promise<void>;
}

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
