import { describe, expect, it } from 'vitest';
import type { PlacedIncident } from '@hue-ioc/layers/deck';
import { CLUSTER_EVERYWHERE_ABOVE, CLUSTER_MAX_ZOOM, IncidentClusters } from './incidents';

const NOW = Date.parse('2026-11-27T03:00:00Z');

function incident(
  i: number,
  priority: 1 | 2 | 3 | 4,
  lon: number,
  lat: number,
  overdue = false,
): PlacedIncident {
  return {
    id: `IOC-2611-${i}`,
    position: [lon, lat],
    props: {
      version: 1,
      status: 'assigned',
      category: 'drainage',
      priority,
      title: `Phản ánh ${i}`,
      wardCode: null,
      agencyId: 'ubnd-thuan-hoa',
      dueAt: new Date(NOW + (overdue ? -3_600_000 : 3_600_000)).toISOString(),
      createdAt: new Date(NOW - 7_200_000).toISOString(),
      updatedAt: new Date(NOW - 60_000).toISOString(),
      channels: ['hue_s'],
    },
  } as PlacedIncident;
}

describe('IncidentClusters', () => {
  // Twenty reports around Lê Lợi street and one far away in A Lưới.
  const near = Array.from({ length: 20 }, (_, i) =>
    incident(i, i === 7 ? 1 : 3, 107.59 + (i % 5) * 0.0004, 16.463 + Math.floor(i / 5) * 0.0004, i < 4),
  );
  const far = incident(99, 4, 107.23, 16.22);

  it('builds its index only when clusters are asked for at a clustering zoom', () => {
    const c = new IncidentClusters([...near, far], NOW);
    expect(c.indexed).toBe(false);
    // Close in, every incident stands on its own and no index is needed.
    expect(c.at(CLUSTER_MAX_ZOOM + 1)).toEqual({ clusters: [], singles: [...near, far] });
    expect(c.indexed).toBe(false);
    c.at(9);
    expect(c.indexed).toBe(true);
  });

  it('sums the reports, keeps the top priority and the overdue count in a cluster', () => {
    const { clusters, singles } = new IncidentClusters([...near, far], NOW).at(9);
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ count: 20, topPriority: 1, overdue: 4 });
    expect(singles.map((s) => s.id)).toEqual(['IOC-2611-99']);
  });
});

describe('IncidentClusters on a very large wall', () => {
  it('clusters at city zoom too above CLUSTER_EVERYWHERE_ABOVE incidents, and draws singles below it', () => {
    const many = Array.from({ length: CLUSTER_EVERYWHERE_ABOVE + 1 }, (_, i) =>
      incident(i, 3, 107.55 + (i % 400) * 0.0002, 16.43 + Math.floor(i / 400) * 0.0002),
    );
    const large = new IncidentClusters(many, NOW);
    expect(large.everywhere).toBe(true);
    const atCity = large.at(13);
    expect(atCity.clusters.length).toBeGreaterThan(0);
    expect(atCity.clusters.length + atCity.singles.length).toBeLessThan(many.length / 10);
    const small = new IncidentClusters(many.slice(0, 1000), NOW);
    expect(small.everywhere).toBe(false);
    expect(small.at(13)).toEqual({ clusters: [], singles: many.slice(0, 1000) });
  });
});
