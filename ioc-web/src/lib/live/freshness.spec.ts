import { describe, expect, it } from 'vitest';
import type { LayerSnapshot } from '@hue-ioc/layers';
import { formatAge } from '../format';
import { clockOf, freshnessOf, layerAgeMs, staleAfterMs } from './freshness';
import { LayerSync } from './layer-sync';

const T = Date.UTC(2026, 10, 27, 3, 0, 0);

describe('layer freshness', () => {
  it('measures age on the server clock even when the wall PC clock is off', () => {
    // The server sent at T a layer that last changed 12 s earlier; this PC's clock is 7 minutes slow.
    let clientNow = T - 7 * 60_000;
    const sync = new LayerSync('sensors', () => clientNow);
    const snapshot: LayerSnapshot = {
      layer: 'sensors',
      seq: 1,
      serverTime: T,
      changedAt: T - 12_000,
      features: [],
    };
    sync.applySnapshot(snapshot);
    const clock = clockOf(sync.view!);
    expect(layerAgeMs(clock, clientNow)).toBe(12_000);
    clientNow += 5_000;
    expect(layerAgeMs(clock, clientNow)).toBe(17_000);
  });

  it('keeps the last known change time across a delta that carries none, and null when unknown', () => {
    const sync = new LayerSync('incidents', () => T);
    sync.applySnapshot({ layer: 'incidents', seq: 1, serverTime: T, changedAt: null, features: [] });
    expect(layerAgeMs(clockOf(sync.view!), T)).toBeNull();
    sync.applyDelta({
      layer: 'incidents',
      from: 1,
      seq: 2,
      serverTime: T,
      changedAt: T - 1_000,
      upserts: [],
      removes: ['x'],
    });
    expect(sync.view!.changedAt).toBe(T - 1_000);
    // An older server that sends no changedAt: the previous value stands.
    sync.applyDelta({ layer: 'incidents', from: 2, seq: 3, serverTime: T, upserts: [], removes: ['y'] });
    expect(sync.view!.changedAt).toBe(T - 1_000);
  });

  it('says a sensor feed is stale after three intervals of its most frequent device', () => {
    const features = [
      { props: { expectedIntervalS: 600 } },
      { props: { expectedIntervalS: 60 } },
      { props: { expectedIntervalS: 300 } },
    ];
    expect(staleAfterMs('sensors', features)).toBe(180_000);
    expect(staleAfterMs('sensors', [{ props: { expectedIntervalS: 5 } }])).toBe(60_000);
    expect(staleAfterMs('sensors', [])).toBeNull();
    expect(staleAfterMs('incidents', features)).toBeNull();
    const clock = { changedAt: T - 200_000, serverTime: T, receivedAt: T };
    expect(freshnessOf('sensors', clock, 180_000, T)).toMatchObject({ ageMs: 200_000, stale: true });
    expect(freshnessOf('sensors', { ...clock, changedAt: T - 150_000 }, 180_000, T + 29_000)).toMatchObject({
      ageMs: 179_000,
      stale: false,
    });
    expect(freshnessOf('incidents', clock, null, T)).toMatchObject({ stale: false });
  });

  it('formats ages in their largest unit, Vietnamese first', () => {
    expect(formatAge(4_900, 'vi-VN')).toBe('4 giây');
    expect(formatAge(185_000, 'vi-VN')).toBe('3 phút');
    expect(formatAge(2 * 3_600_000 + 1, 'vi-VN')).toBe('2 giờ');
    expect(formatAge(3 * 86_400_000, 'vi-VN')).toBe('3 ngày');
    expect(formatAge(-5, 'vi-VN')).toBe('0 giây');
    expect(formatAge(185_000, 'en-GB')).toBe('3 mins');
  });
});
