import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Feature } from '@hue-ioc/layers';
import { silentLogger } from '@hue-ioc/streams';
import type { EventLog, LogEntry } from '../src/live/event-log/event-log.ts';
import { MemoryEventLog } from '../src/live/event-log/memory.event-log.ts';
import { RedisEventLog } from '../src/live/event-log/redis.event-log.ts';

/**
 * One contract suite for every event log implementation (STYLE.md: socket.io adapters' habit).
 * Redis runs when IOC_TEST_REDIS_URL is set (CI sets it to the machine's Redis).
 */
const redisUrl = process.env.IOC_TEST_REDIS_URL;
const prefixes: string[] = [];
const newPrefix = () => {
  const p = `hue-ioc-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  prefixes.push(p);
  return p;
};

const impls: { name: string; make: (opts: { maxEntries: number; prefix?: string }) => Promise<EventLog> }[] =
  [{ name: 'memory', make: async ({ maxEntries }) => new MemoryEventLog(maxEntries) }];
if (redisUrl) {
  impls.push({
    name: 'redis',
    make: ({ maxEntries, prefix }) =>
      RedisEventLog.connect({
        url: redisUrl,
        prefix: prefix ?? newPrefix(),
        logger: silentLogger,
        maxEntries,
      }),
  });
}

afterAll(async () => {
  if (!redisUrl || prefixes.length === 0) return;
  const r = new Redis(redisUrl);
  for (const p of prefixes) {
    const keys = await r.keys(`${p}:*`);
    if (keys.length) await r.del(...keys);
  }
  await r.quit();
});

const gauge = (id: string, value: number): Feature => ({ id, position: [107.553, 16.462], props: { value } });

describe.each(impls)('EventLog contract: $name', ({ make }) => {
  let log: EventLog;
  beforeEach(async () => {
    log = await make({ maxEntries: 100_000 });
  });
  afterEach(async () => {
    await log.close();
  });

  it('numbers entries increasingly and keeps the state they add up to', async () => {
    const empty = await log.snapshot('sensors');
    expect(empty.features).toEqual([]);
    expect(empty.changedAt).toBeNull();
    const before = Date.now();
    const s1 = await log.append('sensors', [{ id: 'kim-long', feature: gauge('kim-long', 1.2) }]);
    const s2 = await log.append('sensors', [
      { id: 'phu-oc', feature: gauge('phu-oc', 0.8) },
      { id: 'kim-long', feature: gauge('kim-long', 2.1) },
    ]);
    const s3 = await log.append('sensors', [{ id: 'phu-oc', feature: null }]);
    expect(s1).toBeGreaterThan(empty.seq);
    expect(s2).toBeGreaterThan(s1);
    expect(s3).toBeGreaterThan(s2);
    const snap = await log.snapshot('sensors');
    expect(snap.seq).toBe(s3);
    expect(snap.features).toEqual([gauge('kim-long', 2.1)]);
    // The append time of the newest entry: how old the layer's newest data is, the same on every node.
    expect(snap.changedAt).toBeGreaterThanOrEqual(before);
    expect(snap.changedAt).toBeLessThanOrEqual(Date.now());
    expect((await log.range('sensors', s2, s3))?.[0]?.ts).toBe(snap.changedAt);
    // Sequence numbers are larger than any µs-time base of an earlier life of the log.
    expect(s1).toBeGreaterThan((Date.now() - 60_000) * 1000);
  });

  it('answers ranges and refuses one that reaches before what it holds', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++)
      seqs.push(await log.append('alerts', [{ id: `a${i}`, feature: gauge(`a${i}`, i) }]));
    const r = await log.range('alerts', seqs[1]!, seqs[3]!);
    expect(r?.map((e) => e.seq)).toEqual([seqs[2], seqs[3]]);
    expect(r?.[0]?.changes).toEqual([{ id: 'a2', feature: gauge('a2', 2) }]);
    expect(await log.range('alerts', seqs[4]!, seqs[4]!)).toEqual([]);
    expect(await log.range('alerts', seqs[0]! - 1000, seqs[4]!)).toBeNull();
  });

  it('tails entries after a snapshot, in order, including ones appended between snapshot and tail', async () => {
    await log.append('incidents', [{ id: 'i1', feature: gauge('i1', 1) }]);
    const snap = await log.snapshot('incidents');
    const between = await log.append('incidents', [{ id: 'i2', feature: gauge('i2', 2) }]);
    const got: LogEntry[] = [];
    await log.tail(new Map([['incidents', snap.seq]]), (e) => got.push(e));
    const after: number[] = [];
    for (let i = 0; i < 20; i++)
      after.push(await log.append('incidents', [{ id: `x${i}`, feature: gauge(`x${i}`, i) }]));
    const deadline = Date.now() + 5000;
    while (got.length < 21 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(got.map((e) => e.seq)).toEqual([between, ...after]);
    expect(got.every((e) => e.layer === 'incidents')).toBe(true);
  });
});

describe.skipIf(!redisUrl)('RedisEventLog across instances', () => {
  it('two nodes on one prefix see the same numbers; a new node starts from the shared state', async () => {
    const prefix = newPrefix();
    const a = await RedisEventLog.connect({ url: redisUrl!, prefix, logger: silentLogger });
    const b = await RedisEventLog.connect({ url: redisUrl!, prefix, logger: silentLogger });
    try {
      const seenByB: LogEntry[] = [];
      await b.tail(new Map([['sensors', (await b.snapshot('sensors')).seq]]), (e) => seenByB.push(e));
      const seq = await a.append('sensors', [{ id: 'kim-long', feature: gauge('kim-long', 3.6) }]);
      const deadline = Date.now() + 5000;
      while (seenByB.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(seenByB.map((e) => e.seq)).toEqual([seq]);
      const c = await RedisEventLog.connect({ url: redisUrl!, prefix, logger: silentLogger });
      expect(await c.snapshot('sensors')).toEqual({
        seq,
        features: [gauge('kim-long', 3.6)],
        changedAt: seenByB[0]!.ts,
      });
      await c.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('trims the stream to about maxEntries and then refuses ranges that were trimmed', async () => {
    const log = await RedisEventLog.connect({
      url: redisUrl!,
      prefix: newPrefix(),
      logger: silentLogger,
      maxEntries: 100,
    });
    try {
      const first = await log.append('wards', [{ id: 'w', feature: gauge('w', 0) }]);
      for (let i = 1; i < 1000; i++) await log.append('wards', [{ id: 'w', feature: gauge('w', i) }]);
      expect(await log.range('wards', first, first + 999)).toBeNull();
      const recent = await log.range('wards', first + 990, first + 999);
      expect(recent).toHaveLength(9);
      expect((await log.snapshot('wards')).features).toEqual([gauge('w', 999)]);
    } finally {
      await log.close();
    }
  });
});
