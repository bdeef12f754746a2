import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Feature, LayerDelta, LayerSnapshot, SensorProps } from '@hue-ioc/layers';
import { LayerSync } from './layer-sync';

function gauge(id: string, value: number): Feature<Partial<SensorProps>> {
  return { id, position: [107.553, 16.462], props: { kind: 'water_level', value, unit: 'm' } };
}

const snapshot: LayerSnapshot = {
  layer: 'sensors',
  seq: 10,
  serverTime: Date.UTC(2025, 9, 27, 3, 0, 0),
  changedAt: Date.UTC(2025, 9, 27, 2, 59, 55),
  features: [gauge('kim-long', 3.62), gauge('phu-oc', 3.3)],
};

function delta(from: number, seq: number, value: number): LayerDelta {
  return {
    layer: 'sensors',
    from,
    seq,
    serverTime: snapshot.serverTime + seq * 1000,
    changedAt: snapshot.serverTime + seq * 1000 - 100,
    upserts: [gauge('kim-long', value)],
    removes: [],
  };
}

describe('LayerSync', () => {
  it('ignores deltas until the first snapshot', () => {
    const sync = new LayerSync('sensors');
    expect(sync.applyDelta(delta(10, 11, 3.7))).toBe('ignored');
    expect(sync.since).toBeUndefined();
  });

  it('applies a snapshot, then deltas in order, and keeps the server time', () => {
    const sync = new LayerSync('sensors');
    expect(sync.applySnapshot(snapshot)).toBe(true);
    expect(sync.applyDelta(delta(10, 12, 3.7))).toBe('applied');
    expect(sync.since).toBe(12);
    expect(sync.view?.serverTime).toBe(snapshot.serverTime + 12_000);
    expect(sync.view?.changedAt).toBe(snapshot.serverTime + 12_000 - 100);
    expect((sync.view?.state.features.get('kim-long')?.props as SensorProps).value).toBe(3.7);
  });

  it('says gap for a delta that skips changes, stale for one already applied', () => {
    const sync = new LayerSync('sensors');
    sync.applySnapshot(snapshot);
    expect(sync.applyDelta(delta(11, 12, 3.7))).toBe('gap');
    expect(sync.applyDelta(delta(9, 10, 3.5))).toBe('stale');
    expect(sync.since).toBe(10);
  });

  it('keeps each feature in its row and reuses a removed one, in Map order', () => {
    const sync = new LayerSync('sensors');
    sync.applySnapshot(snapshot);
    const features = sync.view!.state.features;
    expect([features.rowOf('kim-long'), features.rowOf('phu-oc')]).toEqual([0, 1]);
    const vyDa = { ...snapshot.features[1]!, id: 'vy-da' };
    const base = delta(10, 11, 3.9);
    expect(sync.applyDelta({ ...base, removes: ['phu-oc'], upserts: [vyDa, ...base.upserts] })).toBe(
      'applied',
    );
    // phu-oc's row went to vy-da; kim-long kept its row and its place, vy-da is last (as in a Map).
    expect([...sync.view!.changes!.rows!.upserted]).toEqual([1, 0]);
    expect([...features.keys()]).toEqual(['kim-long', 'vy-da']);
    expect([...features.values()]).toEqual([base.upserts[0], vyDa]);
    expect(new Map(features)).toEqual(
      new Map([
        ['kim-long', base.upserts[0]],
        ['vy-da', vyDa],
      ]),
    );
    const rows: [string, number][] = [];
    features.forEachRow((f, row) => rows.push([f.id, row]));
    expect(rows).toEqual([
      ['kim-long', 0],
      ['vy-da', 1],
    ]);
    expect(features.has('phu-oc')).toBe(false);
    expect(features.get('phu-oc')).toBeUndefined();
    expect([features.size, features.rowCount]).toEqual([2, 2]);
  });

  it('changes its one map in place and says what each delta changed', () => {
    const sync = new LayerSync('sensors');
    sync.applySnapshot(snapshot);
    expect(sync.view?.changes).toBeNull();
    const features = sync.view!.state.features;
    const next = delta(10, 11, 3.9);
    expect(sync.applyDelta({ ...next, removes: ['phu-oc', 'not-there'] })).toBe('applied');
    expect(sync.view!.state.features).toBe(features);
    expect([...features.keys()]).toEqual(['kim-long']);
    const changes = sync.view!.changes!;
    expect(changes.removed).toEqual(['phu-oc', 'not-there']);
    expect(changes.upserted).toBe(next.upserts);
    // Each upsert's row in the view's table (kim-long came first in the snapshot: row 0).
    expect(changes.rows?.table).toBe(features);
    expect([...changes.rows!.upserted]).toEqual([0]);
    // A gap changes nothing; a new snapshot is a new map (views holding the old one rebuild).
    expect(sync.applyDelta(delta(12, 13, 4.2))).toBe('gap');
    expect(features.get('kim-long')).toBe(next.upserts[0]);
    sync.applySnapshot({ ...snapshot, seq: 20 });
    expect(sync.view?.state.features).not.toBe(features);
    expect(sync.view?.changes).toBeNull();
  });

  it('drops other layers and malformed messages', () => {
    const sync = new LayerSync('sensors');
    expect(sync.applySnapshot({ ...snapshot, layer: 'incidents' })).toBe(false);
    expect(sync.applySnapshot({ layer: 'sensors', seq: 'x', features: [] })).toBe(false);
    expect(sync.applySnapshot(null)).toBe(false);
    sync.applySnapshot(snapshot);
    expect(sync.applyDelta({ layer: 'sensors', from: 10, seq: 11 })).toBe('ignored');
    // A feature without an id is left out; the rest of the delta applies.
    expect(
      sync.applyDelta({ ...delta(10, 11, 3.8), upserts: [null, { position: null }, gauge('kim-long', 3.8)] }),
    ).toBe('applied');
    expect(sync.view?.changes?.upserted.map((f) => f.id)).toEqual(['kim-long']);
  });

  it('never shows a state the server did not have, whatever is lost, repeated or reordered (property)', () => {
    // The server's history: snapshot at 10, then deltas with increasing (not necessarily +1) seqs.
    const history = fc.array(
      fc.record({ step: fc.integer({ min: 1, max: 3 }), value: fc.double({ min: 0, max: 6, noNaN: true }) }),
      {
        minLength: 1,
        maxLength: 20,
      },
    );
    fc.assert(
      fc.property(history, fc.array(fc.nat(), { maxLength: 40 }), (steps, deliveries) => {
        const deltas: LayerDelta[] = [];
        const valueAt = new Map<number, number>([[10, 3.62]]);
        let seq = 10;
        for (const { step, value } of steps) {
          deltas.push(delta(seq, seq + step, value));
          seq += step;
          valueAt.set(seq, value);
        }
        const sync = new LayerSync('sensors');
        sync.applySnapshot(snapshot);
        for (const i of deliveries) {
          const d = deltas[i % deltas.length];
          if (!d) continue;
          const before = sync.since;
          const outcome = sync.applyDelta(d);
          if (outcome !== 'applied') expect(sync.since).toBe(before);
          const kimLong = sync.view?.state.features.get('kim-long')?.props as SensorProps;
          expect(kimLong.value).toBe(valueAt.get(sync.since ?? -1));
        }
      }),
    );
  });
});
