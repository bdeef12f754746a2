import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { advisoryLock, redisLease } from '../src/incidents/sweep-lock.ts';
import { openPostgresDb } from '../src/storage/postgres.db.ts';
import type { Db } from '../src/storage/db.ts';
import { hasBinary, REDIS_SERVER, startTestRedis, type TestService } from './support/services.ts';

/** A sweep that holds its lock until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, fn: async () => (await opened, 'swept') };
}

/** The deadline sweep's one-node-at-a-time locks (issue 12, item 5) against real servers. */
describe.skipIf(!hasBinary(REDIS_SERVER))('redisLease', () => {
  let redis: TestService;
  let a: Redis;
  let b: Redis;
  const key = `hue-ioc-test:${process.pid}:deadlines:lease`;
  beforeAll(async () => {
    redis = await startTestRedis({ appendonly: false });
    a = new Redis(redis.url);
    b = new Redis(redis.url);
  });
  afterAll(async () => {
    await a?.quit();
    await b?.quit();
    await redis?.dispose();
  });

  it('one node holds the sweep and keeps it while it renews; another takes over once it lapses', async () => {
    const onA = redisLease(a, key, 'ioc-node-a', 300);
    const onB = redisLease(b, key, 'ioc-node-b', 300);
    expect(await onA.run(async () => 'a')).toBe('a');
    expect(await onB.run(async () => 'b')).toBeNull();
    expect(await onA.run(async () => 'a again')).toBe('a again');
    expect(await a.pttl(key)).toBeGreaterThan(200);
    await new Promise((r) => setTimeout(r, 400));
    expect(await onB.run(async () => 'b')).toBe('b');
    expect(await onA.run(async () => 'a')).toBeNull();
    expect(await a.get(key)).toBe('ioc-node-b');
  });
});

const pgUrl = process.env.IOC_TEST_DATABASE_URL;

describe.skipIf(!pgUrl)('advisoryLock on PostgreSQL', () => {
  let one: Db;
  let two: Db;
  beforeAll(async () => {
    one = await openPostgresDb(pgUrl!, 2);
    two = await openPostgresDb(pgUrl!, 2);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('a second node skips while the first sweeps, and sweeps once it has finished', async () => {
    const key = 4_619_000 + (process.pid % 1000);
    const g = gate();
    const first = advisoryLock(one, key).run(g.fn);
    await new Promise((r) => setTimeout(r, 100));
    expect(await advisoryLock(two, key).run(async () => 'two')).toBeNull();
    g.open();
    expect(await first).toBe('swept');
    expect(await advisoryLock(two, key).run(async () => 'two')).toBe('two');
  });
});
