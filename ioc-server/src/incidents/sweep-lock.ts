import type { Redis } from 'ioredis';
import type { Db } from '../storage/db.ts';
import type { SweepLock } from './deadline.scheduler.ts';

/** Renews the lease only for the node that holds it (compare, then extend). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * A Redis lease (`SET key node NX PX ttl`): the node that takes it sweeps, and keeps sweeping while it renews
 * it; when it dies the lease runs out and the next node to ask takes over. Two sweeps that overlap anyway (a
 * sweep longer than the lease) are still harmless: each mark is decided again on the locked row.
 */
export function redisLease(redis: Redis, key: string, nodeId: string, ttlMs: number): SweepLock {
  return {
    async run(fn) {
      const taken = (await redis.set(key, nodeId, 'PX', ttlMs, 'NX')) === 'OK';
      const held = taken || (await redis.eval(RENEW, 1, key, nodeId, String(ttlMs))) === 1;
      return held ? fn() : null;
    },
  };
}

/**
 * PostgreSQL without Redis: a transaction-level advisory lock (`pg_try_advisory_xact_lock`) held by an open
 * transaction for the sweep's length; another node's sweep finds it taken and skips. The marks themselves
 * run in their own transactions (the workflow's), on other connections of the pool.
 */
export function advisoryLock(db: Db, key: number): SweepLock {
  return {
    run: (fn) =>
      db.transaction(async (tx) => {
        const [row] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [key]);
        return row?.ok ? fn() : null;
      }),
  };
}

/** The embedded database is one process: the scheduler's own "one sweep at a time" is enough. */
export const processLock: SweepLock = { run: (fn) => fn() };
