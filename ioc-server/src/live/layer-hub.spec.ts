import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  applyDelta,
  stateFromSnapshot,
  type Feature,
  type LayerDelta,
  type LayerState,
} from '@hue-ioc/layers';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { LayerHub, threadCpuMs } from './layer-hub.ts';
import { MemoryEventLog } from './event-log/memory.event-log.ts';

const f = (id: string, value: number): Feature => ({ id, position: [107.58, 16.46], props: { value } });

async function hubWithLog(historyLimit?: number) {
  const emitted: LayerDelta[] = [];
  const log = new MemoryEventLog();
  const hub = new LayerHub({
    log,
    tickMs: 60_000,
    flush: 'manual',
    layers: ['sensors'],
    ...(historyLimit ? { historyLimit } : {}),
  });
  hub.onDelta((d) => emitted.push(d));
  await hub.start();
  return { hub, emitted, base: hub.seq('sensors') };
}

describe('LayerHub', () => {
  it('batches entries per flush into one coalesced delta chained on seq', async () => {
    const { hub, emitted, base } = await hubWithLog();
    await hub.apply('sensors', [f('kim-long', 1), f('phu-oc', 1)]);
    await hub.apply('sensors', [f('kim-long', 2)]);
    hub.flushAll();
    await hub.apply('sensors', [], ['phu-oc']);
    hub.flushAll();
    expect(emitted).toHaveLength(2);
    expect(emitted[0]).toMatchObject({ from: base, seq: base + 2, removes: [] });
    expect(emitted[0]!.upserts.map((x) => [x.id, (x.props as { value: number }).value])).toEqual([
      ['phu-oc', 1],
      ['kim-long', 2],
    ]);
    expect(emitted[1]).toMatchObject({ from: base + 2, seq: base + 3, upserts: [], removes: ['phu-oc'] });
    hub.stop();
  });

  it('a snapshot flushes first, so the next delta starts at the snapshot seq', async () => {
    const { hub, emitted } = await hubWithLog();
    await hub.apply('sensors', [f('kim-long', 1)]);
    const snap = hub.snapshot('sensors');
    expect(emitted.at(-1)!.seq).toBe(snap.seq);
    await hub.apply('sensors', [f('kim-long', 3)]);
    hub.flushAll();
    expect(emitted.at(-1)!.from).toBe(snap.seq);
    hub.stop();
  });

  it('answers `since` with only what was missed, and null outside its memory', async () => {
    const { hub, base } = await hubWithLog(3);
    await hub.apply('sensors', [f('a', 1), f('b', 1)]);
    hub.flushAll();
    await hub.apply('sensors', [f('a', 2)]);
    hub.flushAll();
    const missed = hub.since('sensors', base + 1)!;
    expect(missed).toMatchObject({ from: base + 1, seq: base + 2, removes: [] });
    expect(missed.upserts.map((x) => x.id)).toEqual(['a']);
    expect(hub.since('sensors', base + 2)).toMatchObject({
      from: base + 2,
      seq: base + 2,
      upserts: [],
      removes: [],
    });
    expect(hub.since('sensors', base - 1)).toBeNull(); // from before this log
    expect(hub.since('sensors', base + 99)).toBeNull(); // from the future: another log's life
    for (let i = 0; i < 10; i++) await hub.apply('sensors', [f('c', i)]);
    hub.flushAll();
    expect(hub.since('sensors', base + 1)).toBeNull(); // trimmed from memory
    // ... but the log still has it.
    const older = await hub.olderEntries('sensors', base + 1);
    expect(older?.entries.map((e) => e.seq)).toEqual(
      Array.from({ length: older!.upTo - base - 1 }, (_, i) => base + 2 + i),
    );
    hub.stop();
  });

  it('counts what changed since a seq as `since` would answer it, stopping past the bound', async () => {
    const { hub, base } = await hubWithLog(20);
    await hub.apply('sensors', [f('kim-long', 1), f('phu-oc', 1), f('vy-da', 1)]);
    hub.flushAll();
    // Pending changes count too (flushed first, as `since` does); an id changed twice counts once.
    await hub.apply('sensors', [f('kim-long', 2)], ['phu-oc']);
    await hub.apply('sensors', [f('kim-long', 3), f('an-cuu', 1)]);
    const sizeOf = (since: number) => {
      const d = hub.since('sensors', since)!;
      return d.upserts.length + d.removes.length;
    };
    expect(hub.changedSince('sensors', base, 100)).toBe(sizeOf(base));
    expect(hub.changedSince('sensors', base, 100)).toBe(4);
    expect(hub.changedSince('sensors', base + 1, 100)).toBe(sizeOf(base + 1));
    expect(hub.changedSince('sensors', base + 1, 100)).toBe(3);
    expect(hub.changedSince('sensors', base + 3, 100)).toBe(0);
    // Past the bound it stops counting: a number over the bound, not the whole count.
    expect(hub.changedSince('sensors', base, 1)).toBe(2);
    expect(hub.changedSince('sensors', base - 1, 100)).toBeNull(); // from before this log
    expect(hub.changedSince('sensors', base + 99, 100)).toBeNull(); // from the future
    hub.stop();
  });

  it('property: a client that disconnects anywhere and resumes with `since` ends with the server state', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('up' as const),
        id: fc.constantFrom('a', 'b', 'c', 'd'),
        v: fc.integer(),
      }),
      fc.record({ kind: fc.constant('rm' as const), id: fc.constantFrom('a', 'b', 'c', 'd') }),
      fc.record({ kind: fc.constant('tick' as const) }),
      fc.record({ kind: fc.constant('drop' as const) }),
      fc.record({ kind: fc.constant('resume' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const { hub, emitted } = await hubWithLog(1000);
        let client: LayerState = stateFromSnapshot(hub.snapshot('sensors'));
        let connected = true;
        let read = emitted.length;
        const receive = () => {
          for (; read < emitted.length; read++)
            if (connected) client = applyDelta(client, emitted[read]!).state;
        };
        const resume = () => {
          const missed = hub.since('sensors', client.seq);
          client = missed ? applyDelta(client, missed).state : stateFromSnapshot(hub.snapshot('sensors'));
          read = emitted.length; // since/snapshot flushed: those deltas are included
          connected = true;
        };
        for (const o of ops) {
          if (o.kind === 'up') await hub.apply('sensors', [f(o.id, o.v)]);
          else if (o.kind === 'rm') await hub.apply('sensors', [], [o.id]);
          else if (o.kind === 'tick') hub.flushAll();
          else if (o.kind === 'drop') connected = false;
          else if (!connected) resume();
          receive();
        }
        if (!connected) resume();
        hub.flushAll();
        receive();
        const server = stateFromSnapshot(hub.snapshot('sensors'));
        expect(client.seq).toBe(server.seq);
        expect([...client.features.entries()].sort()).toEqual([...server.features.entries()].sort());
        hub.stop();
      }),
      { numRuns: 200 },
    );
  });

  describe('automatic flush', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    const turn = () => new Promise((r) => setImmediate(r));

    /** An automatic hub whose listener "costs" `costMs` of CPU on an injected clock (no real waiting). */
    async function busyHub(tickMs: number, costMs: number) {
      let t = 1_000;
      const emitted: { delta: LayerDelta; at: number }[] = [];
      const clock = () => t;
      const hub = new LayerHub({
        log: new MemoryEventLog(),
        tickMs,
        layers: ['sensors'],
        clock,
        cpuClock: clock,
      });
      hub.onDelta((delta) => {
        emitted.push({ delta, at: t });
        t += costMs;
      });
      await hub.start();
      return { hub, emitted, base: hub.seq('sensors'), advance: (ms: number) => (t += ms) };
    }

    it('flushes a change at once when idle, entries of the same turn in one delta', async () => {
      // The tick is a minute: a delta within one turn of the event loop was not waiting for it.
      const { hub, emitted, base } = await busyHub(60_000, 0);
      void hub.apply('sensors', [f('kim-long', 1)]);
      void hub.apply('sensors', [f('phu-oc', 1)]);
      await turn();
      expect(emitted.map((e) => [e.delta.from, e.delta.seq])).toEqual([[base, base + 2]]);
      await hub.apply('sensors', [f('kim-long', 2)]);
      await turn();
      expect(emitted.map((e) => [e.delta.from, e.delta.seq])).toEqual([
        [base, base + 2],
        [base + 2, base + 3],
      ]);
      hub.stop();
    });

    it('under load, waits as long as the last flush cost and coalesces what came meanwhile', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { hub, emitted, base } = await busyHub(250, 40);
      await hub.apply('sensors', [f('kim-long', 1)]);
      await turn();
      expect(emitted).toHaveLength(1); // idle: at once; that flush cost 40 ms
      for (let i = 2; i <= 5; i++) await hub.apply('sensors', [f('kim-long', i), f('phu-oc', i)]);
      await turn();
      expect(emitted).toHaveLength(1);
      vi.advanceTimersByTime(39);
      expect(emitted).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(emitted).toHaveLength(2);
      const second = emitted[1]!.delta;
      expect(second).toMatchObject({ from: base + 1, seq: base + 5, removes: [] });
      expect(second.upserts.map((x) => [x.id, (x.props as { value: number }).value])).toEqual([
        ['kim-long', 5],
        ['phu-oc', 5],
      ]);
      hub.stop();
    });

    it('never waits longer than the tick, however long a flush took', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { hub, emitted } = await busyHub(250, 900);
      await hub.apply('sensors', [f('kim-long', 1)]);
      await turn();
      await hub.apply('sensors', [f('kim-long', 2)]);
      await turn();
      vi.advanceTimersByTime(249);
      expect(emitted).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(emitted).toHaveLength(2);
      hub.stop();
    });

    it('is idle again once the pause is over: the next change goes at once', async () => {
      const { hub, emitted, advance } = await busyHub(250, 40);
      await hub.apply('sensors', [f('kim-long', 1)]);
      await turn();
      advance(41); // the 40 ms owed after that flush have passed
      await hub.apply('sensors', [f('kim-long', 2)]);
      await turn();
      expect(emitted).toHaveLength(2);
      hub.stop();
    });

    it('stop() flushes what is pending and no automatic flush runs after it', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { hub, emitted } = await busyHub(250, 40);
      await hub.apply('sensors', [f('kim-long', 1)]);
      await turn();
      await hub.apply('sensors', [f('kim-long', 2)]);
      hub.stop();
      expect(emitted).toHaveLength(2);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});

const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const hasThreadClock =
  typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function' ||
  existsSync('/proc/thread-self/schedstat');

describe.runIf(hasThreadClock)('threadCpuMs (the cost of a flush)', () => {
  it("counts this thread's CPU, not a busy worker thread's beside it", async () => {
    // Own work advances it, and never by more than the whole process's clock.
    const own0 = threadCpuMs();
    const p0 = processCpuMs();
    const deadline = Date.now() + 10_000;
    while (threadCpuMs() - own0 < 50 && Date.now() < deadline);
    const ownMs = threadCpuMs() - own0;
    expect(ownMs).toBeGreaterThanOrEqual(50);
    expect(processCpuMs() - p0).toBeGreaterThanOrEqual(ownMs - 1);

    // A worker spins ~600 ms of CPU while this thread sleeps.
    const worker = new Worker(
      'const s = process.cpuUsage(); while ((process.cpuUsage(s).user + process.cpuUsage(s).system) < 600_000);',
      { eval: true },
    );
    const main0 = threadCpuMs();
    const proc0 = processCpuMs();
    await new Promise<void>((resolve, reject) => {
      worker.once('exit', () => resolve());
      worker.once('error', reject);
    });
    const mainMs = threadCpuMs() - main0;
    const procMs = processCpuMs() - proc0;
    expect(procMs).toBeGreaterThan(500);
    expect(mainMs).toBeLessThan(procMs / 3);
  }, 30_000);
});
