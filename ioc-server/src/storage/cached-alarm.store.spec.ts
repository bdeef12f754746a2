import { describe, expect, it, vi } from 'vitest';
import type { AlarmStore, DeviceAlarm } from '../ingest/ports.ts';
import { CachedAlarmStore, PEAK_WRITE_INTERVAL_MS } from './cached-alarm.store.ts';

/** An in-memory store that counts what it was asked, and can be made to fail its writes. */
function countingStore(initial: DeviceAlarm[] = []) {
  const rows = new Map(initial.map((a) => [a.deviceId, a]));
  const asked: string[][] = [];
  let failWrites = false;
  const writes: DeviceAlarm[][] = [];
  const store: AlarmStore = {
    get(ids) {
      asked.push([...ids]);
      return Promise.resolve(new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id)!]] : []))));
    },
    putMany(alarms) {
      if (failWrites) return Promise.reject(new Error('database down'));
      writes.push([...alarms]);
      for (const a of alarms) rows.set(a.deviceId, a);
      return Promise.resolve();
    },
  };
  return {
    store,
    rows,
    asked,
    writes,
    failWrites: (fail: boolean) => (failWrites = fail),
  };
}

const alarm = (deviceId: string, level: number, peak = 4.2): DeviceAlarm => ({
  deviceId,
  level,
  since: new Date('2026-12-01T03:00:00Z'),
  incidentId: level > 0 ? 'IOC-2612-000001' : null,
  peak: level > 0 ? peak : null,
});

describe('CachedAlarmStore', () => {
  it('asks the store once per device, its absence included, and answers from memory after', async () => {
    const inner = countingStore([alarm('kim-long', 2)]);
    const cached = new CachedAlarmStore(inner.store);
    const first = await cached.get(['kim-long', 'phu-oc']);
    expect([...first.keys()]).toEqual(['kim-long']);
    expect(first.get('kim-long')?.level).toBe(2);
    const again = await cached.get(['phu-oc', 'kim-long']);
    expect(again.get('kim-long')?.level).toBe(2);
    expect(again.has('phu-oc')).toBe(false);
    expect(inner.asked).toEqual([['kim-long', 'phu-oc']]);
    // Only a device never seen goes to the store.
    await cached.get(['kim-long', 'ta-trach']);
    expect(inner.asked).toEqual([['kim-long', 'phu-oc'], ['ta-trach']]);
  });

  it('a write reaches memory once stored; a failed one makes the devices asked of the store again', async () => {
    const inner = countingStore();
    const cached = new CachedAlarmStore(inner.store);
    await cached.get(['kim-long']);
    await cached.putMany([alarm('kim-long', 1)]);
    expect(inner.rows.get('kim-long')?.level).toBe(1);
    expect((await cached.get(['kim-long'])).get('kim-long')?.level).toBe(1);
    expect(inner.asked).toHaveLength(1);

    inner.failWrites(true);
    await expect(cached.putMany([alarm('kim-long', 3)])).rejects.toThrow('database down');
    // The store still says 1; memory does not claim 3 and asks again.
    expect((await cached.get(['kim-long'])).get('kim-long')?.level).toBe(1);
    expect(inner.asked).toEqual([['kim-long'], ['kim-long']]);
  });

  it('stays within its bound: past it, memory is emptied and filled again from the store', async () => {
    const inner = countingStore([alarm('g-1', 1)]);
    const cached = new CachedAlarmStore(inner.store, { maxDevices: 2 });
    await cached.get(['g-1', 'g-2']);
    await cached.get(['g-3']);
    expect(inner.asked).toEqual([['g-1', 'g-2'], ['g-3']]);
    // g-1 was dropped with the rest; its state comes back from the store, unchanged.
    expect((await cached.get(['g-1'])).get('g-1')?.level).toBe(1);
    expect(inner.asked).toHaveLength(3);
  });

  it('a new peak alone waits in memory: written with the next level change, after the interval, or at flush', async () => {
    let now = 0;
    const inner = countingStore([alarm('kim-long', 1, 3.0), alarm('phu-oc', 1, 2.0)]);
    const cached = new CachedAlarmStore(inner.store, { now: () => now });
    await cached.get(['kim-long', 'phu-oc']);
    // The first write of the run goes at once (nothing written for an interval).
    await cached.putMany([alarm('kim-long', 1, 3.1)]);
    expect(inner.writes).toHaveLength(1);
    now += 100;
    await cached.putMany([alarm('kim-long', 1, 3.2)]);
    await cached.putMany([alarm('kim-long', 1, 3.3)]);
    expect(inner.writes).toHaveLength(1);
    // Memory answers the newest peak; the database still has the first.
    expect((await cached.get(['kim-long'])).get('kim-long')?.peak).toBe(3.3);
    expect(inner.rows.get('kim-long')?.peak).toBe(3.1);
    // A level change of another gauge carries the waiting peak in the same statement.
    await cached.putMany([alarm('phu-oc', 2, 2.5)]);
    expect(inner.writes).toHaveLength(2);
    expect(inner.writes[1]!.map((a) => [a.deviceId, a.level, a.peak])).toEqual([
      ['phu-oc', 2, 2.5],
      ['kim-long', 1, 3.3],
    ]);
    // Past the interval a peak alone is written at once; at flush whatever waits is written.
    now += 50;
    await cached.putMany([alarm('kim-long', 1, 3.4)]);
    expect(inner.writes).toHaveLength(2);
    now += PEAK_WRITE_INTERVAL_MS;
    await cached.putMany([alarm('kim-long', 1, 3.5)]);
    expect(inner.writes).toHaveLength(3);
    expect(inner.rows.get('kim-long')?.peak).toBe(3.5);
    now += 10;
    await cached.putMany([alarm('kim-long', 1, 3.6)]);
    await cached.flush();
    expect(inner.rows.get('kim-long')?.peak).toBe(3.6);
    await cached.flush();
    expect(inner.writes).toHaveLength(4);
  });

  it('a peak whose write failed waits for the next write; a timer writes one that nothing else carries', async () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const inner = countingStore([alarm('kim-long', 1, 3.0)]);
      const errors: Error[] = [];
      const cached = new CachedAlarmStore(inner.store, {
        now: () => now,
        onPeakWriteError: (e) => errors.push(e),
      });
      await cached.get(['kim-long']);
      await cached.putMany([alarm('kim-long', 1, 3.1)]);
      now += 10;
      await cached.putMany([alarm('kim-long', 1, 3.2)]);
      inner.failWrites(true);
      now += PEAK_WRITE_INTERVAL_MS;
      await vi.advanceTimersByTimeAsync(PEAK_WRITE_INTERVAL_MS);
      expect(errors.map((e) => e.message)).toEqual(['database down']);
      expect(inner.rows.get('kim-long')?.peak).toBe(3.1);
      // Retried by the timer once the database is back.
      inner.failWrites(false);
      now += PEAK_WRITE_INTERVAL_MS;
      await vi.advanceTimersByTimeAsync(PEAK_WRITE_INTERVAL_MS);
      expect(inner.rows.get('kim-long')?.peak).toBe(3.2);
      expect(errors).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
