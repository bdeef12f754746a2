import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyDelta,
  coalesce,
  DeltaGapError,
  emptyLayerState,
  stateFromSnapshot,
  type LayerDelta,
} from './delta.ts';
import type { Feature } from './feature.ts';

const gauge = (id: string, value: number): Feature<{ value: number }> => ({
  id,
  position: [107.553, 16.462],
  props: { value },
});

describe('applyDelta', () => {
  it('applies upserts and removes into a new state and reports what changed', () => {
    const s0 = stateFromSnapshot({
      layer: 'sensors',
      seq: 10,
      serverTime: 0,
      changedAt: null,
      features: [gauge('kim-long', 0.5), gauge('phu-oc', 0.9)],
    });
    const delta: LayerDelta<{ value: number }> = {
      layer: 'sensors',
      from: 10,
      seq: 12,
      serverTime: 0,
      changedAt: null,
      upserts: [gauge('kim-long', 2.1)],
      removes: ['phu-oc', 'never-existed'],
    };
    const { state, upserted, removed } = applyDelta(s0, delta);
    expect(state.seq).toBe(12);
    expect(state.features.get('kim-long')?.props.value).toBe(2.1);
    expect(state.features.has('phu-oc')).toBe(false);
    expect(upserted).toEqual(['kim-long']);
    expect(removed).toEqual(['phu-oc']);
    // The input is untouched.
    expect(s0.seq).toBe(10);
    expect(s0.features.get('kim-long')?.props.value).toBe(0.5);
    expect(s0.features.has('phu-oc')).toBe(true);
  });

  it('refuses a delta that does not start where the state is', () => {
    const s = { seq: 5, features: new Map() };
    expect(() =>
      applyDelta(s, {
        layer: 'sensors',
        from: 6,
        seq: 7,
        serverTime: 0,
        changedAt: null,
        upserts: [],
        removes: [],
      }),
    ).toThrow(DeltaGapError);
  });
});

describe('coalesce', () => {
  it('keeps the last change per feature', () => {
    const out = coalesce([
      ['a', gauge('a', 1)],
      ['b', gauge('b', 1)],
      ['a', null],
      ['b', gauge('b', 2)],
      ['c', null],
      ['c', gauge('c', 3)],
    ]);
    expect(out.removes).toEqual(['a']);
    expect(out.upserts.map((f) => [f.id, f.props.value])).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('property: any change list, split into any batches, coalesced and applied, equals applying every change', () => {
    const change = fc.tuple(
      fc.constantFrom('kim-long', 'phu-oc', 'rain-a-luoi', 'aq-hung-vuong'),
      fc.option(fc.double({ noNaN: true }), { nil: null }),
    );
    fc.assert(
      fc.property(
        fc.array(change, { maxLength: 60 }),
        fc.array(fc.nat(60), { maxLength: 8 }),
        (changes, cuts) => {
          // Reference: apply each change one by one.
          const expected = new Map<string, number>();
          for (const [id, v] of changes) {
            if (v === null) expected.delete(id);
            else expected.set(id, v);
          }
          // Under test: cut into batches, coalesce each, apply as deltas.
          const points = [...new Set(cuts.map((c) => Math.min(c, changes.length)))].sort((a, b) => a - b);
          let state = emptyLayerState<{ value: number }>();
          let start = 0;
          for (const end of [...points, changes.length]) {
            const batch = changes.slice(start, end);
            start = end;
            const { upserts, removes } = coalesce(
              batch.map(([id, v]) => [id, v === null ? null : gauge(id, v)] as const),
            );
            state = applyDelta(state, {
              layer: 'sensors',
              from: state.seq,
              seq: state.seq + batch.length,
              serverTime: 0,
              changedAt: null,
              upserts,
              removes,
            }).state;
          }
          expect(new Map([...state.features].map(([id, f]) => [id, f.props.value]))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
