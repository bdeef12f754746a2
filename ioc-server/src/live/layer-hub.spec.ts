import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyDelta, stateFromSnapshot, type Feature, type LayerDelta, type LayerState } from '@hue-ioc/layers';
import { LayerHub } from './layer-hub.ts';

const f = (id: string, value: number): Feature => ({ id, position: [107.58, 16.46], props: { value } });

function hubWithLog(historyLimit?: number) {
  const emitted: LayerDelta[] = [];
  const hub = new LayerHub({ tickMs: 1000, emit: (d) => emitted.push(d), seqBase: 1000, ...(historyLimit ? { historyLimit } : {}) });
  return { hub, emitted };
}

describe('LayerHub', () => {
  it('batches changes per flush into one coalesced delta chained on seq', () => {
    const { hub, emitted } = hubWithLog();
    hub.apply('sensors', [f('kim-long', 1), f('phu-oc', 1)]);
    hub.apply('sensors', [f('kim-long', 2)]);
    hub.flushAll();
    hub.apply('sensors', [], ['phu-oc']);
    hub.flushAll();
    expect(emitted).toHaveLength(2);
    expect(emitted[0]).toMatchObject({ from: 1000, seq: 1003, removes: [] });
    expect(emitted[0]!.upserts.map((x) => [x.id, (x.props as { value: number }).value])).toEqual([
      ['phu-oc', 1],
      ['kim-long', 2],
    ]);
    expect(emitted[1]).toMatchObject({ from: 1003, seq: 1004, upserts: [], removes: ['phu-oc'] });
  });

  it('a snapshot flushes first, so the next delta starts at the snapshot seq', () => {
    const { hub, emitted } = hubWithLog();
    hub.apply('sensors', [f('kim-long', 1)]);
    const snap = hub.snapshot('sensors');
    expect(snap.seq).toBe(1001);
    expect(emitted.at(-1)!.seq).toBe(1001);
    hub.apply('sensors', [f('kim-long', 3)]);
    hub.flushAll();
    expect(emitted.at(-1)!.from).toBe(snap.seq);
  });

  it('answers `since` with only what was missed, and null outside its history', () => {
    const { hub } = hubWithLog(5);
    hub.apply('sensors', [f('a', 1), f('b', 1)]);
    hub.flushAll(); // seq 1002
    hub.apply('sensors', [f('a', 2)]);
    hub.flushAll(); // seq 1003
    const missed = hub.since('sensors', 1002)!;
    expect(missed).toMatchObject({ from: 1002, seq: 1003, removes: [] });
    expect(missed.upserts.map((x) => x.id)).toEqual(['a']);
    expect(hub.since('sensors', 1003)).toMatchObject({ from: 1003, seq: 1003, upserts: [], removes: [] });
    expect(hub.since('sensors', 999)).toBeNull(); // from before this process
    expect(hub.since('sensors', 5000)).toBeNull(); // from the future: another life
    for (let i = 0; i < 10; i++) hub.apply('sensors', [f('c', i)]);
    hub.flushAll();
    expect(hub.since('sensors', 1002)).toBeNull(); // trimmed away
  });

  it('property: a client that disconnects anywhere and resumes with `since` ends with the server state', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('up' as const), id: fc.constantFrom('a', 'b', 'c', 'd'), v: fc.integer() }),
      fc.record({ kind: fc.constant('rm' as const), id: fc.constantFrom('a', 'b', 'c', 'd') }),
      fc.record({ kind: fc.constant('tick' as const) }),
      fc.record({ kind: fc.constant('drop' as const) }),
      fc.record({ kind: fc.constant('resume' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const emitted: LayerDelta[] = [];
        const hub = new LayerHub({ tickMs: 1000, emit: (d) => emitted.push(d), seqBase: 0, historyLimit: 1000 });
        let client: LayerState = stateFromSnapshot(hub.snapshot('sensors'));
        let connected = true;
        let read = emitted.length;
        const receive = () => {
          for (; read < emitted.length; read++) if (connected) client = applyDelta(client, emitted[read]!).state;
        };
        for (const o of ops) {
          if (o.kind === 'up') hub.apply('sensors', [f(o.id, o.v)]);
          else if (o.kind === 'rm') hub.apply('sensors', [], [o.id]);
          else if (o.kind === 'tick') hub.flushAll();
          else if (o.kind === 'drop') connected = false;
          else if (!connected) {
            connected = true;
            read = emitted.length;
            const missed = hub.since('sensors', client.seq);
            client = missed ? applyDelta(client, missed).state : stateFromSnapshot(hub.snapshot('sensors'));
            read = emitted.length; // snapshot/since may have flushed
          }
          receive();
        }
        if (!connected) {
          const missed = hub.since('sensors', client.seq);
          client = missed ? applyDelta(client, missed).state : stateFromSnapshot(hub.snapshot('sensors'));
          read = emitted.length;
        }
        hub.flushAll();
        receive();
        const server = stateFromSnapshot(hub.snapshot('sensors'));
        expect(client.seq).toBe(server.seq);
        expect([...client.features.entries()].sort()).toEqual([...server.features.entries()].sort());
      }),
      { numRuns: 300 },
    );
  });
});
