import type { Db, Tx } from '../../src/storage/db.ts';

/**
 * A Db that can be made to fail like a PostgreSQL server that has gone away (a test double at the port:
 * the embedded PGlite cannot be cut over a network). While an outage lasts, every query, exec and
 * transaction — including statements of a transaction already open — rejects with the error `pg` raises
 * when the server is unreachable (`connect ECONNREFUSED`, errno `ECONNREFUSED`); nothing reaches the real
 * database, so nothing of a failed call is committed. Calls already inside the real database when the
 * outage begins finish, as they would on the server.
 */
export class FaultyDb implements Db {
  private downUntil = 0;
  /** Calls refused while down. */
  refused = 0;

  constructor(
    /** The real database behind: what a test reads to check what is stored, outage or not. */
    readonly inner: Db,
    private readonly now: () => number = Date.now,
  ) {}

  get kind(): Db['kind'] {
    return this.inner.kind;
  }

  /** Fails every call for `ms` from now. */
  failFor(ms: number): void {
    this.downUntil = this.now() + ms;
  }

  /** Ends an outage early. */
  restore(): void {
    this.downUntil = 0;
  }

  get down(): boolean {
    return this.now() < this.downUntil;
  }

  private check(): void {
    if (!this.down) return;
    this.refused++;
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
      address: '127.0.0.1',
      port: 5432,
    });
  }

  private wrap(tx: Tx): Tx {
    return {
      query: async (sql, params) => {
        this.check();
        return tx.query(sql, params);
      },
      exec: async (sql) => {
        this.check();
        return tx.exec(sql);
      },
    };
  }

  async query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    this.check();
    return this.inner.query<T>(sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.check();
    return this.inner.exec(sql);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.check();
    return this.inner.transaction(async (tx) => {
      const result = await fn(this.wrap(tx));
      // COMMIT is a round trip too: a server gone by then commits nothing.
      this.check();
      return result;
    });
  }

  async *cursor<T = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    batchSize?: number,
  ): AsyncGenerator<T[]> {
    this.check();
    for await (const rows of this.inner.cursor<T>(sql, params, batchSize)) {
      // Each FETCH is a round trip: an outage mid-way fails the iteration (and closes the real cursor).
      this.check();
      yield rows;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
