import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Position } from '../ingest/common.ts';
import {
  attachSource,
  findMergeTarget,
  haversineM,
  type MergeCandidate,
  type MergeSignal,
  type OpenIncident,
} from './merge.ts';
import type { CategoryCode } from './taxonomy.ts';

const M_PER_DEG_LAT = 111_195;
/** The point `m` metres from `p` on bearing `deg` (flat-earth offset, fine at these distances). */
const offset = (p: Position, m: number, deg: number): Position => {
  const b = (deg * Math.PI) / 180;
  return [
    p[0] + (m * Math.sin(b)) / (M_PER_DEG_LAT * Math.cos((p[1] * Math.PI) / 180)),
    p[1] + (m * Math.cos(b)) / M_PER_DEG_LAT,
  ];
};
const at = (hhmm: string) => new Date(`2026-10-28T${hhmm}:00+07:00`);

const CHO_DONG_BA: Position = [107.5878, 16.4722];

/** What the wiring will do: attach to the target, or open a new incident named after its first source. */
function ingest(candidates: readonly MergeCandidate[]): OpenIncident[] {
  let incidents: OpenIncident[] = [];
  for (const c of candidates) {
    const d = findMergeTarget(c, incidents);
    if (d.kind === 'merge')
      incidents = incidents.map((i) => (i.id === d.incidentId ? attachSource(i, c) : i));
    else if (d.kind === 'new')
      incidents = [
        ...incidents,
        attachSource(
          { id: `INC-${c.channel}-${c.sourceId}`, category: c.category, position: c.position, sources: [] },
          c,
        ),
      ];
  }
  return incidents;
}
const partition = (incidents: OpenIncident[]): string[][] =>
  incidents
    .map((i) => i.sources.map((s) => `${s.channel}:${s.sourceId}`).sort())
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));

describe('haversineM', () => {
  it('measures Huế distances', () => {
    expect(haversineM(CHO_DONG_BA, offset(CHO_DONG_BA, 80, 90))).toBeCloseTo(80, 0);
    // Kim Long gauge to the 83 Hùng Vương air station: about 4.6 km.
    expect(haversineM([107.553, 16.462], [107.5968, 16.4622]) / 1000).toBeCloseTo(4.67, 1);
  });
});

describe('findMergeTarget', () => {
  const hueS: MergeCandidate = {
    channel: 'hue_s',
    sourceId: 'HUES-2026-118734',
    category: 'drainage',
    position: CHO_DONG_BA,
    at: at('08:12'),
  };
  const hotline: MergeCandidate = {
    channel: 'hotline',
    sourceId: 'TD1075-20261028-0042',
    category: 'drainage',
    position: offset(CHO_DONG_BA, 80, 90),
    at: at('08:22'),
  };
  const camera: MergeCandidate = {
    channel: 'camera',
    sourceId: 'cam-dong-ba:flooding:2026-10-28T01:20:00.000Z',
    category: 'drainage',
    signal: 'camera:flooding',
    position: offset(CHO_DONG_BA, 50, 0),
    at: at('08:20'),
  };

  it('makes one incident of a Hue-S report, a hotline ticket 80 m away 10 min later and a camera flooding event', () => {
    const first = ingest([hueS]);
    expect(findMergeTarget(hotline, first)).toEqual({
      kind: 'merge',
      incidentId: 'INC-hue_s-HUES-2026-118734',
      reason: { distanceM: expect.closeTo(80, 0) as number, minutesApart: 10, rule: 'same_category' },
    });
    const incidents = ingest([hueS, hotline, camera]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.sources.map((s) => s.channel)).toEqual(['hue_s', 'hotline', 'camera']);
  });

  it('keeps a report 2 km away separate', () => {
    const far: MergeCandidate = {
      ...hueS,
      sourceId: 'HUES-2026-118790',
      position: offset(CHO_DONG_BA, 2000, 200),
    };
    expect(findMergeTarget(far, ingest([hueS, hotline]))).toEqual({ kind: 'new' });
    expect(ingest([hueS, hotline, far])).toHaveLength(2);
  });

  it('recognises an exact re-delivery as a duplicate, even from far away or without a position', () => {
    const incidents = ingest([hueS, hotline]);
    expect(findMergeTarget({ ...hotline, position: null }, incidents)).toEqual({
      kind: 'duplicate',
      incidentId: 'INC-hue_s-HUES-2026-118734',
    });
    // Same id on another channel is another source.
    expect(
      findMergeTarget({ ...hotline, channel: 'hue_s', sourceId: 'TD1075-20261028-0042' }, incidents).kind,
    ).toBe('merge');
  });

  it('does not merge two "other" reports for standing side by side', () => {
    const stray: MergeCandidate = { ...hueS, sourceId: 'HUES-6', category: 'other' };
    expect(
      findMergeTarget(
        { ...stray, sourceId: 'HUES-7', position: offset(CHO_DONG_BA, 10, 0) },
        ingest([stray]),
      ),
    ).toEqual({ kind: 'new' });
  });

  it('keeps an incompatible category, a report outside the window and one without a position separate', () => {
    const incidents = ingest([hueS]);
    expect(
      findMergeTarget(
        { ...hueS, sourceId: 'HUES-2', category: 'food_safety', position: offset(CHO_DONG_BA, 20, 45) },
        incidents,
      ),
    ).toEqual({ kind: 'new' });
    expect(findMergeTarget({ ...hueS, sourceId: 'HUES-3', at: at('10:13') }, incidents)).toEqual({
      kind: 'new',
    });
    expect(findMergeTarget({ ...hueS, sourceId: 'HUES-4', at: at('10:12') }, incidents).kind).toBe('merge');
    expect(findMergeTarget({ ...hotline, position: null }, incidents)).toEqual({ kind: 'new' });
  });

  it('merges across categories through the compatibility table', () => {
    const encroachment: MergeCandidate = {
      channel: 'hue_s',
      sourceId: 'HUES-5',
      category: 'urban_order',
      position: [107.5905, 16.4655],
      at: at('09:00'),
    };
    const parking: MergeCandidate = {
      channel: 'camera',
      sourceId: 'cam-le-loi:illegal_parking:2026-10-28T02:05:00.000Z',
      category: 'traffic',
      signal: 'camera:illegal_parking',
      position: offset([107.5905, 16.4655], 60, 270),
      at: at('09:05'),
    };
    expect(findMergeTarget(parking, ingest([encroachment]))).toMatchObject({
      kind: 'merge',
      reason: { rule: 'compatible:roadside_order', minutesApart: 5 },
    });
    // A rain alarm filed under "other" still joins a flooding incident.
    const alarm: MergeCandidate = {
      channel: 'sensor',
      sourceId: 'rain-dong-ba:2026-10-28T01:30:00.000Z',
      category: 'other',
      signal: 'alarm:rain',
      position: offset(CHO_DONG_BA, 120, 300),
      at: at('08:30'),
    };
    expect(findMergeTarget(alarm, ingest([hueS, camera]))).toMatchObject({
      kind: 'merge',
      reason: { rule: 'compatible:flooding' },
    });
  });

  it('measures time to the nearest source, so an event that arrives late still joins', () => {
    const incidents = ingest([hueS, { ...hotline, at: at('09:30') }]);
    expect(findMergeTarget({ ...camera, at: at('08:50') }, incidents)).toMatchObject({
      kind: 'merge',
      reason: { minutesApart: 0 },
    });
  });

  it('picks the nearest of two candidate incidents, whatever their order', () => {
    const a: OpenIncident = {
      id: 'INC-A',
      category: 'drainage',
      position: offset(CHO_DONG_BA, 100, 0),
      sources: [{ ...hueS, position: offset(CHO_DONG_BA, 100, 0) }],
    };
    const b: OpenIncident = {
      id: 'INC-B',
      category: 'drainage',
      position: offset(CHO_DONG_BA, 40, 180),
      sources: [{ ...hotline, position: offset(CHO_DONG_BA, 40, 180) }],
    };
    const c: MergeCandidate = { ...camera, position: CHO_DONG_BA };
    expect(findMergeTarget(c, [a, b])).toMatchObject({ kind: 'merge', incidentId: 'INC-B' });
    expect(findMergeTarget(c, [b, a])).toMatchObject({ kind: 'merge', incidentId: 'INC-B' });
  });

  it('does not change the incident it attaches to', () => {
    const [incident] = ingest([hueS]);
    if (!incident) throw new Error('no incident');
    const after = attachSource(incident, hotline);
    expect(incident.sources).toHaveLength(1);
    expect(after.sources).toHaveLength(2);
  });
});

describe('findMergeTarget properties', () => {
  const flooding: { category: CategoryCode; signal?: MergeSignal; channel: string }[] = [
    { category: 'drainage', channel: 'hue_s' },
    { category: 'drainage', channel: 'hotline' },
    { category: 'drainage', signal: 'camera:flooding', channel: 'camera' },
    { category: 'other', signal: 'alarm:water_level', channel: 'sensor' },
  ];
  /** Reports within 70 m of `centre` (so within 140 m of each other) and 100 min of 08:00. */
  const cluster = (centre: Position, prefix: string) =>
    fc
      .array(
        fc.record({
          kind: fc.constantFrom(...flooding),
          m: fc.double({ min: 0, max: 70, noNaN: true }),
          deg: fc.double({ min: 0, max: 360, noNaN: true }),
          minute: fc.integer({ min: 0, max: 100 }),
        }),
        {
          minLength: 1,
          maxLength: 6,
        },
      )
      .map((rs) =>
        rs.map((r, i): MergeCandidate => ({
          channel: r.kind.channel,
          sourceId: `${prefix}-${i}`,
          category: r.kind.category,
          ...(r.kind.signal ? { signal: r.kind.signal } : {}),
          position: offset(centre, r.m, r.deg),
          at: new Date(at('08:00').getTime() + r.minute * 60_000),
        })),
      );

  it('order of arrival does not change which reports end up together when they are all within range', () => {
    fc.assert(
      fc.property(
        cluster(CHO_DONG_BA, 'dongba').chain((rs) =>
          fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length })),
        ),
        ([inOrder, shuffled]) => {
          const a = ingest(inOrder);
          expect(a).toHaveLength(1);
          expect(partition(ingest(shuffled))).toEqual(partition(a));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('two flooded streets 2 km apart stay two incidents in any order', () => {
    const other = offset(CHO_DONG_BA, 2000, 150);
    fc.assert(
      fc.property(
        fc.tuple(cluster(CHO_DONG_BA, 'dongba'), cluster(other, 'ancuu')).chain(([x, y]) =>
          fc.tuple(
            fc.constant([...x, ...y]),
            fc.shuffledSubarray([...x, ...y], {
              minLength: x.length + y.length,
              maxLength: x.length + y.length,
            }),
          ),
        ),
        ([inOrder, shuffled]) => {
          const p = partition(ingest(shuffled));
          expect(p).toHaveLength(2);
          expect(p).toEqual(partition(ingest(inOrder)));
          for (const group of p)
            expect(new Set(group.map((k) => k.split(':')[1]?.split('-')[0])).size).toBe(1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a re-delivery of any source is a duplicate of the incident that holds it', () => {
    fc.assert(
      fc.property(cluster(CHO_DONG_BA, 'dongba'), fc.nat(), (rs, k) => {
        const incidents = ingest(rs);
        const again = rs[k % rs.length];
        if (!again) return;
        expect(findMergeTarget(again, incidents).kind).toBe('duplicate');
        expect(ingest([...rs, again])).toEqual(incidents);
      }),
      { numRuns: 100 },
    );
  });
});
