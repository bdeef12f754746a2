import { describe, expect, it } from 'vitest';
import { silentLogger, type InboundMessage } from '@hue-ioc/streams';
import { createMetrics } from '../metrics.ts';
import { isDatabaseUnavailable } from '../storage/db.ts';
import { MemorySpool } from '../../test/support/memory-ports.ts';
import { NotKeptError, ResilientBatchSink } from './resilient-batch.ts';
import { systemClock } from './ports.ts';

const at = new Date('2026-11-27T01:00:00Z');
const reading = (device: string, value = 1.2): InboundMessage => ({
  topic: `hue/sensors/water_level/${device}`,
  payload: Buffer.from(JSON.stringify({ ts: at.toISOString(), value })),
  receivedAt: at,
  duplicate: false,
});

/**
 * A database behind the port: stores batches all or nothing, refuses any batch holding a message of a
 * `poison` device (as PostgreSQL refuses a NUL in text: SQLSTATE 22021), and while `down` fails every
 * call as `pg` does when the server is gone.
 */
function fakeDatabase() {
  const db = {
    down: false,
    stored: [] as string[],
    calls: 0,
    async store(batch: readonly InboundMessage[]) {
      db.calls++;
      await Promise.resolve();
      if (db.down)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      if (batch.some((m) => m.topic.includes('poison')))
        throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
      for (const m of batch) if (!db.stored.includes(m.topic)) db.stored.push(m.topic);
    },
  };
  return db;
}

function setup(opts: { spool?: MemorySpool | null; deadLetterFails?: boolean } = {}) {
  const db = fakeDatabase();
  const letters: { topic: string; reason: string }[] = [];
  const metrics = createMetrics();
  const spool = opts.spool === undefined ? new MemorySpool() : opts.spool;
  const sink = new ResilientBatchSink({
    pipeline: 'mqtt',
    store: (b) => db.store(b),
    deadLetter: async (m, err) => {
      if (db.down) throw Object.assign(new Error('Connection terminated unexpectedly'), {});
      letters.push({ topic: m.topic, reason: err.message });
    },
    isUnavailable: isDatabaseUnavailable,
    spool,
    clock: systemClock,
    logger: silentLogger,
    metrics,
    timing: { retryMs: [0, 0], splitRetryMs: 0, drainMinMs: 1, drainMaxMs: 4 },
  });
  const count = async (name: 'ingestIsolated' | 'ingestBatchFailures') =>
    (await metrics[name].get()).values.map((v) => [v.labels, v.value]);
  return { db, sink, letters, spool, count };
}

const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ok()) throw new Error(`never: ${what}`);
};

describe('ResilientBatchSink: nothing stalls, nothing is lost', () => {
  it('a batch the database refuses for one message: retried, then split down to it; the rest is stored, it is a dead letter', async () => {
    const { db, sink, letters, count } = setup();
    const batch = Array.from({ length: 16 }, (_, i) => reading(i === 11 ? 'poison-kim-long' : `tram-${i}`));
    await sink.handle(batch);
    expect(db.stored).toHaveLength(15);
    expect(db.stored).not.toContain('hue/sensors/water_level/poison-kim-long');
    expect(letters).toEqual([
      {
        topic: 'hue/sensors/water_level/poison-kim-long',
        reason: 'invalid byte sequence for encoding "UTF8": 0x00',
      },
    ]);
    // 3 tries of the whole, then per level of the split one failing half (2 tries) and one stored half.
    expect(db.calls).toBeLessThanOrEqual(3 + 4 * 3 + 1);
    expect(await count('ingestIsolated')).toEqual([[{ pipeline: 'mqtt' }, 1]]);
    expect(sink.lastCommitAt).not.toBeNull();
  });

  it('a failure that goes away on retry stores the batch whole, without splitting', async () => {
    const { db, sink, letters } = setup();
    let failures = 2;
    const store = db.store;
    db.store = async (b) => {
      if (failures-- > 0) throw new Error('could not serialize: flaky');
      return store(b);
    };
    await sink.handle([reading('phu-oc'), reading('kim-long')]);
    expect(db.stored).toEqual(['hue/sensors/water_level/phu-oc', 'hue/sensors/water_level/kim-long']);
    expect(letters).toEqual([]);
  });

  it('database down: batches go to the spool (the source may ack them), keep their order, and are stored once it is back', async () => {
    const { db, sink, spool, letters } = setup();
    db.down = true;
    await sink.handle([reading('a'), reading('b')]);
    await sink.handle([reading('c')]);
    expect(spool!.messages).toBe(3);
    db.down = false;
    // Up again, but a batch arriving while the spool holds older ones goes behind them.
    await sink.handle([reading('d')]);
    await until('the spool drained', () => spool!.messages === 0);
    expect(db.stored.map((t) => t.split('/').at(-1))).toEqual(['a', 'b', 'c', 'd']);
    expect(letters).toEqual([]);
    // Then batches go straight to the database again.
    await sink.handle([reading('e')]);
    expect(spool!.batches).toEqual([]);
    expect(db.stored.at(-1)).toBe('hue/sensors/water_level/e');
    await sink.stop();
  });

  it('database down and no spool: handle rejects (nothing is acked), nothing is dead-lettered', async () => {
    const { db, sink, letters } = setup({ spool: null });
    db.down = true;
    await expect(sink.handle([reading('a'), reading('poison-b')])).rejects.toBeInstanceOf(NotKeptError);
    expect(letters).toEqual([]);
    db.down = false;
    await sink.handle([reading('a'), reading('poison-b')]);
    expect(db.stored).toEqual(['hue/sensors/water_level/a']);
    expect(letters.map((l) => l.topic)).toEqual(['hue/sensors/water_level/poison-b']);
  });

  it('a full spool refuses (not acked) until the drain makes room', async () => {
    const spool = new MemorySpool(2);
    const { db, sink } = setup({ spool });
    db.down = true;
    await sink.handle([reading('a'), reading('b')]);
    await expect(sink.handle([reading('c')])).rejects.toBeInstanceOf(NotKeptError);
    expect(spool.messages).toBe(2);
    db.down = false;
    await until('the spool drained', () => spool.messages === 0);
    await sink.handle([reading('c')]);
    expect(db.stored.map((t) => t.split('/').at(-1))).toEqual(['a', 'b', 'c']);
    await sink.stop();
  });

  it('the database going down while a batch is being split keeps the whole batch, dead-letters nothing', async () => {
    const { db, sink, spool, letters } = setup();
    const store = db.store;
    db.store = async (b) => {
      // Down from the first half of the split on.
      if (b.length < 4) db.down = true;
      return store(b);
    };
    await sink.handle([reading('a'), reading('b'), reading('poison-c'), reading('d')]);
    expect(letters).toEqual([]);
    expect(spool!.messages).toBe(4);
    await sink.stop();
  });

  it('what an earlier run spooled is stored on start, before what arrives next', async () => {
    const spool = new MemorySpool();
    await spool.append([reading('from-last-run')]);
    const { db, sink } = setup({ spool });
    sink.start();
    await sink.handle([reading('new')]);
    await until('the spool drained', () => spool.messages === 0);
    expect(db.stored.map((t) => t.split('/').at(-1))).toEqual(['from-last-run', 'new']);
    await sink.stop();
  });
});
