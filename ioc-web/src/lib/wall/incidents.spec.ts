import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Feature, IncidentProps, IncidentStatus, LayerDelta } from '@hue-ioc/layers';
import type { PlacedIncident } from '@hue-ioc/layers/deck';
import { LayerSync } from '../live/layer-sync';
import {
  CLUSTER_EVERYWHERE_ABOVE,
  CLUSTER_MAX_ZOOM,
  WallIncidents,
  countIncidents,
  openIncidentsOf,
} from './incidents';
import { IncidentClusters, inProcessPort, type ClusterView } from './incident-clusters';
import { urgentIncidents } from './urgent-incidents';

const NOW = Date.parse('2026-11-27T03:00:00Z');
const MINUTE = 60_000;

function incident(
  i: number,
  priority: 1 | 2 | 3 | 4,
  lon: number,
  lat: number,
  overdue = false,
  status: IncidentStatus = 'assigned',
): PlacedIncident {
  return {
    id: `IOC-2611-${i}`,
    position: [lon, lat],
    props: {
      version: 1,
      status,
      category: 'drainage',
      priority,
      title: `Phản ánh ${i}`,
      wardCode: null,
      agencyId: i % 2 === 0 ? 'ubnd-thuan-hoa' : 'ubnd-phu-xuan',
      dueAt: new Date(NOW + (overdue ? -3_600_000 : 3_600_000)).toISOString(),
      createdAt: new Date(NOW - 7_200_000).toISOString(),
      updatedAt: new Date(NOW - 60_000).toISOString(),
      channels: ['hue_s'],
    },
  } as PlacedIncident;
}

const byId = (xs: readonly { id: string }[]) => [...xs].map((x) => x.id).sort();

interface Change {
  i: number;
  remove: boolean;
  status: IncidentStatus;
  priority: number;
  dueMin: number | null;
  agency: string | null;
  placed: boolean;
  malformed: boolean;
}

describe('WallIncidents', () => {
  // One change of one incident: its status, priority, deadline (minutes from NOW), agency and position.
  const change: fc.Arbitrary<Change> = fc.record({
    i: fc.integer({ min: 0, max: 30 }),
    remove: fc.boolean(),
    status: fc.constantFrom<IncidentStatus>('new', 'assigned', 'in_progress', 'resolved', 'closed'),
    priority: fc.constantFrom(1, 2, 3, 4),
    dueMin: fc.option(fc.integer({ min: -120, max: 120 }), { nil: null }),
    agency: fc.constantFrom('ubnd-thuan-hoa', 'ubnd-phu-xuan', null),
    placed: fc.boolean(),
    malformed: fc.boolean(),
  });
  const feature = (c: Change, v: number): Feature => ({
    id: `IOC-2611-${c.i}`,
    position: c.placed ? [107.55 + c.i * 0.001, 16.46] : null,
    props: c.malformed
      ? { status: 'assigned', priority: 'high' }
      : ({
          version: v,
          status: c.status,
          category: 'roads',
          priority: c.priority,
          title: `Ổ gà đường Lê Lợi ${c.i}`,
          wardCode: null,
          agencyId: c.agency,
          dueAt: c.dueMin === null ? null : new Date(NOW + c.dueMin * MINUTE).toISOString(),
          createdAt: new Date(NOW - 3_600_000).toISOString(),
          updatedAt: new Date(NOW).toISOString(),
          channels: ['hue_s'],
        } satisfies IncidentProps),
  });

  it('keeps the same points, columns and counts per delta as a full recount (property)', () => {
    fc.assert(
      fc.property(
        fc.array(change, { maxLength: 25 }),
        fc.array(fc.array(change, { maxLength: 12 }), { maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 12, maxLength: 12 }),
        (initial, deltas, minutes) => {
          const sync = new LayerSync('incidents');
          const seed = new Map(initial.map((c, k) => [`IOC-2611-${c.i}`, feature(c, k)]));
          sync.applySnapshot({
            layer: 'incidents',
            seq: 1,
            serverTime: NOW,
            changedAt: NOW,
            features: [...seed.values()],
          });
          const wall = new WallIncidents(NOW);
          wall.reset(sync.view!.state.features);
          let seq = 1;
          deltas.forEach((cs, k) => {
            const delta: LayerDelta = {
              layer: 'incidents',
              from: seq,
              seq: ++seq,
              serverTime: NOW,
              changedAt: NOW,
              upserts: cs.filter((c) => !c.remove).map((c) => feature(c, 100 + k)),
              removes: cs.filter((c) => c.remove).map((c) => `IOC-2611-${c.i}`),
            };
            const version = wall.version;
            expect(sync.applyDelta(delta)).toBe('applied');
            wall.apply(sync.view!.changes!);
            if (cs.length > 0) expect(wall.version).toBeGreaterThan(version);
            const now = NOW + minutes[k]! * MINUTE;
            wall.setNow(now);
            const features = sync.view!.state.features;
            // The same open incidents, as the same objects, and every column row matches its point.
            expect(byId(wall.points)).toEqual(byId(openIncidentsOf(features)));
            for (const p of openIncidentsOf(features)) expect(wall.get(p.id)).toBe(p);
            const cols = wall.columns();
            cols.points.forEach((p, row) => {
              expect([cols.lon[row], cols.lat[row]]).toEqual(p.position);
              expect(cols.priority[row]).toBe(p.props.priority);
              expect(cols.due[row]).toBe(p.props.dueAt === null ? NaN : Date.parse(p.props.dueAt));
            });
            // The binary attributes deck.gl gets: the same rows, a new object per change.
            const attrs = wall.attributes();
            expect(attrs.length).toBe(wall.size);
            wall.points.forEach((p, row) => {
              expect([attrs.position[2 * row], attrs.position[2 * row + 1]]).toEqual(p.position);
              expect(attrs.priority[row]).toBe(p.props.priority);
            });
            expect(wall.attributes()).toBe(attrs);
            const want = countIncidents(features, now);
            const got = wall.counts();
            expect({ ...got, byStatus: [...got.byStatus] }).toEqual({
              ...want,
              byStatus: [...want.byStatus],
            });
            // The panel's list from the kept numbers: the same as the pass over the features.
            for (const count of [1, 3, 40])
              expect(wall.urgent(now, count)).toEqual(urgentIncidents(features, now, count));
          });
        },
      ),
    );
  });

  it('keeps an updated incident in its row and moves the last row into a closed one', () => {
    const wall = new WallIncidents(NOW);
    const a = incident(1, 3, 107.58, 16.46);
    const b = incident(2, 3, 107.59, 16.46);
    const c = incident(3, 3, 107.6, 16.46);
    wall.reset(new Map([a, b, c].map((f) => [f.id, f])));
    const a2 = { ...a, props: { ...a.props, priority: 1 } } as PlacedIncident;
    wall.apply({ removed: [], upserted: [a2] });
    expect(wall.points).toEqual([a2, b, c]);
    const before = wall.snapshot();
    wall.apply({ removed: [], upserted: [{ ...a2, props: { ...a2.props, status: 'resolved' } }] });
    expect(wall.points).toEqual([c, b]);
    expect(wall.counts()).toMatchObject({ open: 2, urgent: 0 });
    // A new array per change, the old one untouched.
    expect(before).toEqual([a2, b, c]);
    expect(wall.snapshot()).not.toBe(before);
  });

  it('counts overdue at the minute it is given', () => {
    const wall = new WallIncidents(NOW);
    const late = incident(1, 2, 107.58, 16.46, true);
    const due = incident(2, 2, 107.58, 16.46, false);
    wall.reset(new Map([late, due].map((f) => [f.id, f])));
    expect(wall.counts()).toMatchObject({ overdue: 1 });
    wall.setNow(NOW + 2 * 3_600_000);
    expect(wall.counts()).toMatchObject({ overdue: 2 });
    expect(wall.counts().byAgency).toEqual([
      { agencyId: 'ubnd-phu-xuan', open: 1, overdue: 1 },
      { agencyId: 'ubnd-thuan-hoa', open: 1, overdue: 1 },
    ]);
  });
});

/** The clusters once the in-process engine has answered (loads are sent from a task of their own). */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function clustersOf(points: readonly PlacedIncident[]) {
  const wall = new WallIncidents(NOW);
  wall.reset(new Map(points.map((f) => [f.id, f])));
  const clusters = new IncidentClusters(wall, { port: inProcessPort(), now: () => NOW });
  let view: ClusterView | null = null;
  clusters.subscribe((v) => (view = v));
  return { wall, clusters, view: () => view };
}

describe('IncidentClusters', () => {
  // Twenty reports around Lê Lợi street and one far away in A Lưới.
  const near = Array.from({ length: 20 }, (_, i) =>
    incident(i, i === 7 ? 1 : 3, 107.59 + (i % 5) * 0.0004, 16.463 + Math.floor(i / 5) * 0.0004, i < 4),
  );
  const far = incident(99, 4, 107.23, 16.22);

  it('builds its index only when a map shows a clustering zoom', async () => {
    const { clusters, view } = clustersOf([...near, far]);
    clusters.changed();
    await settle();
    expect(clusters.indexed).toBe(false);
    // Close in, every incident stands on its own (the map draws them all) and no index is needed.
    clusters.show(CLUSTER_MAX_ZOOM + 1);
    await settle();
    expect(view()).toBeNull();
    expect(clusters.indexed).toBe(false);
    clusters.show(9);
    // Nothing drawn until the index answers (never every incident of a large wall meanwhile).
    expect(view()).toEqual({ zoom: -1, clusters: [], singles: [] });
    await settle();
    expect(clusters.indexed).toBe(true);
    expect(view()?.clusters).toHaveLength(1);
  });

  it('sums the reports, keeps the top priority and the overdue count in a cluster', async () => {
    const { clusters, view } = clustersOf([...near, far]);
    clusters.show(9);
    await settle();
    expect(view()?.clusters).toHaveLength(1);
    expect(view()?.clusters[0]).toMatchObject({ count: 20, topPriority: 1, overdue: 4 });
    expect(view()?.singles.map((s) => s.id)).toEqual(['IOC-2611-99']);
  });

  it('hands over single incidents as they are now, and re-indexes after a change', async () => {
    const { wall, clusters, view } = clustersOf([...near, far]);
    clusters.show(9);
    await settle();
    const far2 = { ...far, props: { ...far.props, priority: 1 } } as PlacedIncident;
    wall.apply({ removed: [], upserted: [far2] });
    // An urgent report among the twenty: the cluster's top priority follows on the next load.
    const urgent = { ...near[0]!, props: { ...near[0]!.props, priority: 1 } } as PlacedIncident;
    wall.apply({ removed: [], upserted: [urgent] });
    clusters.changed();
    await settle();
    expect(view()?.singles).toEqual([far2]);
    expect(view()?.clusters[0]).toMatchObject({ count: 20, topPriority: 1 });
  });

  it('re-indexes a large wall at most every refreshMs, taking every change meanwhile in one load', async () => {
    const wall = new WallIncidents(NOW);
    wall.reset(new Map([...near, far].map((f) => [f.id, f])));
    const port = inProcessPort();
    const posted: string[] = [];
    const post = port.post.bind(port);
    port.post = (r, t) => {
      posted.push(r.kind);
      post(r, t);
    };
    const clusters = new IncidentClusters(wall, { port, largeAbove: 10, refreshMs: 40 });
    clusters.show(9);
    await settle();
    expect(posted).toEqual(['load']);
    clusters.changed();
    clusters.changed();
    await settle();
    expect(posted).toEqual(['load']);
    await new Promise((r) => setTimeout(r, 60));
    await settle();
    expect(posted).toEqual(['load', 'load']);
    // Another zoom asks the index, without loading again.
    clusters.show(5);
    await settle();
    expect(posted).toEqual(['load', 'load', 'at']);
    clusters.dispose();
  });
});

describe('IncidentClusters on a very large wall', () => {
  it('clusters at city zoom too above CLUSTER_EVERYWHERE_ABOVE incidents, and draws singles below it', async () => {
    const many = Array.from({ length: CLUSTER_EVERYWHERE_ABOVE + 1 }, (_, i) =>
      incident(i, 3, 107.55 + (i % 400) * 0.0002, 16.43 + Math.floor(i / 400) * 0.0002),
    );
    const large = clustersOf(many);
    expect(large.clusters.everywhere).toBe(true);
    large.clusters.show(13);
    await settle();
    const atCity = large.view()!;
    expect(atCity.clusters.length).toBeGreaterThan(0);
    expect(atCity.clusters.length + atCity.singles.length).toBeLessThan(many.length / 10);
    const small = clustersOf(many.slice(0, 1000));
    expect(small.clusters.everywhere).toBe(false);
    small.clusters.show(13);
    expect(small.view()).toBeNull();
  });
});
