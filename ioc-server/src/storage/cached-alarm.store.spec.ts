import { describe, expect, it } from 'vitest';
import type { AlarmStore, DeviceAlarm } from '../ingest/ports.ts';
import { CachedAlarmStore } from './cached-alarm.store.ts';

/** An in-memory store that counts what it was asked, and can be made to fail its writes. */
function countingStore(initial: DeviceAlarm[] = []) {
  const rows = new Map(initial.map((a) => [a.deviceId, a]));
  const asked: string[][] = [];
  let failWrites = false;
  const store: AlarmStore = {
    get(ids) {
      asked.push([...ids]);
      return Promise.resolve(new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id)!]] : []))));
    },
    putMany(alarms) {
      if (failWrites) return Promise.reject(new Error('database down'));
      for (const a of alarms) rows.set(a.deviceId, a);
      return Promise.resolve();
    },
  };
  return { store, rows, asked, failWritesFromNowOn: () => (failWrites = true) };
}

const alarm = (deviceId: string, level: number): DeviceAlarm => ({
  deviceId,
  level,
  since: new Date('2026-12-01T03:00:00Z'),
  incidentId: level > 0 ? 'IOC-2612-000001' : null,
  peak: level > 0 ? 4.2 : null,
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

    inner.failWritesFromNowOn();
    await expect(cached.putMany([alarm('kim-long', 3)])).rejects.toThrow('database down');
    // The store still says 1; memory does not claim 3 and asks again.
    expect((await cached.get(['kim-long'])).get('kim-long')?.level).toBe(1);
    expect(inner.asked).toEqual([['kim-long'], ['kim-long']]);
  });

  it('stays within its bound: past it, memory is emptied and filled again from the store', async () => {
    const inner = countingStore([alarm('g-1', 1)]);
    const cached = new CachedAlarmStore(inner.store, 2);
    await cached.get(['g-1', 'g-2']);
    await cached.get(['g-3']);
    expect(inner.asked).toEqual([['g-1', 'g-2'], ['g-3']]);
    // g-1 was dropped with the rest; its state comes back from the store, unchanged.
    expect((await cached.get(['g-1'])).get('g-1')?.level).toBe(1);
    expect(inner.asked).toHaveLength(3);
  });
});
