import Supercluster from 'supercluster';
import { INCIDENT_STATUSES, type Feature, type IncidentProps, type IncidentStatus } from '@hue-ioc/layers';
import { isOpenIncident, isOverdue, type IncidentCluster, type PlacedIncident } from '@hue-ioc/layers/deck';

function isStringOrNull(v: unknown): v is string | null {
  return v === null || typeof v === 'string';
}

/** Checks the props the wall reads: one malformed feature is left out instead of breaking the page. */
export function isIncidentFeature(f: Feature<unknown>): f is Feature<IncidentProps> {
  const p = f.props as Partial<Record<keyof IncidentProps, unknown>> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    (INCIDENT_STATUSES as readonly unknown[]).includes(p.status) &&
    typeof p.priority === 'number' &&
    typeof p.category === 'string' &&
    typeof p.title === 'string' &&
    isStringOrNull(p.dueAt) &&
    isStringOrNull(p.agencyId) &&
    Array.isArray(p.channels)
  );
}

/** Open incidents with a position, in the layer's stable order (rows keep their place across deltas). */
export function openIncidentsOf(features: ReadonlyMap<string, Feature<unknown>>): PlacedIncident[] {
  const out: PlacedIncident[] = [];
  for (const f of features.values()) {
    if (f.position && isIncidentFeature(f) && isOpenIncident(f.props)) out.push(f as PlacedIncident);
  }
  return out;
}

export interface IncidentCounts {
  byStatus: ReadonlyMap<IncidentStatus, number>;
  open: number;
  overdue: number;
  urgent: number;
  /** Agencies with open incidents: open and overdue, most overdue first. */
  byAgency: readonly { agencyId: string | null; open: number; overdue: number }[];
}

/** Counts for the wall's panel, from every open incident (with or without a position). */
export function countIncidents(features: ReadonlyMap<string, Feature<unknown>>, now: number): IncidentCounts {
  const byStatus = new Map<IncidentStatus, number>();
  const agencies = new Map<string | null, { agencyId: string | null; open: number; overdue: number }>();
  let open = 0;
  let overdue = 0;
  let urgent = 0;
  for (const f of features.values()) {
    if (!isIncidentFeature(f) || !isOpenIncident(f.props)) continue;
    const p = f.props;
    byStatus.set(p.status, (byStatus.get(p.status) ?? 0) + 1);
    open++;
    if (p.priority === 1) urgent++;
    const late = isOverdue(p, now);
    if (late) overdue++;
    let a = agencies.get(p.agencyId);
    if (!a) agencies.set(p.agencyId, (a = { agencyId: p.agencyId, open: 0, overdue: 0 }));
    a.open++;
    if (late) a.overdue++;
  }
  const byAgency = [...agencies.values()].sort((x, y) => y.overdue - x.overdue || y.open - x.open);
  // Statuses in the order of the handling process (DOMAIN.md), not of arrival.
  const ordered = new Map(
    INCIDENT_STATUSES.flatMap((s) => (byStatus.has(s) ? [[s, byStatus.get(s) ?? 0] as const] : [])),
  );
  return { byStatus: ordered, open, overdue, urgent, byAgency };
}

interface ClusterProps {
  top: number;
  overdue: number;
}

/** supercluster settings for the wall: at city zoom and closer every incident is drawn on its own. */
export const CLUSTER_MAX_ZOOM = 11;
/**
 * Above this many open incidents the wall clusters at every zoom it uses (up to street level), whatever the
 * scene's layers: tens of thousands of single icons are unreadable on a wall, and drawing them stalled a
 * software-rendered page for over a minute at 100k (npm run bench:wall-delta).
 */
export const CLUSTER_EVERYWHERE_ABOVE = 20_000;
const CLUSTER_MAX_ZOOM_LARGE = 16;

/**
 * Clusters for the current view: supercluster indexes the open incidents and `at` answers per zoom. The
 * index is built on the first `at` below CLUSTER_MAX_ZOOM, not per delta: scenes without clusters (city,
 * flood) never pay for it, which matters at 100k incidents (a load takes hundreds of ms there). Above
 * CLUSTER_MAX_ZOOM it returns no clusters and the caller passes the layer's own array, whose rows deck.gl
 * diffs by reference.
 */
export class IncidentClusters {
  #index: Supercluster<{ i: number; top: number; overdue: number }, ClusterProps> | null = null;
  readonly #points: readonly PlacedIncident[];
  readonly #now: number;
  readonly #maxZoom: number;

  constructor(points: readonly PlacedIncident[], now: number) {
    this.#points = points;
    this.#now = now;
    this.#maxZoom = points.length > CLUSTER_EVERYWHERE_ABOVE ? CLUSTER_MAX_ZOOM_LARGE : CLUSTER_MAX_ZOOM;
  }

  /** Too many incidents to draw one by one: clusters are drawn in every scene, at every zoom. */
  get everywhere(): boolean {
    return this.#maxZoom > CLUSTER_MAX_ZOOM;
  }

  get size(): number {
    return this.#points.length;
  }

  /** Whether the index has been built (tests, benchmarks). */
  get indexed(): boolean {
    return this.#index !== null;
  }

  #indexOf(): Supercluster<{ i: number; top: number; overdue: number }, ClusterProps> {
    if (this.#index) return this.#index;
    const now = this.#now;
    const index = new Supercluster<{ i: number; top: number; overdue: number }, ClusterProps>({
      radius: 56,
      maxZoom: this.#maxZoom,
      minPoints: 3,
      map: (p) => ({ top: p.top, overdue: p.overdue }),
      reduce: (acc, p) => {
        acc.top = Math.min(acc.top, p.top);
        acc.overdue += p.overdue;
      },
    });
    index.load(
      this.#points.map((f, i) => ({
        type: 'Feature' as const,
        properties: { i, top: f.props.priority, overdue: isOverdue(f.props, now) ? 1 : 0 },
        geometry: { type: 'Point' as const, coordinates: [f.position[0], f.position[1]] },
      })),
    );
    return (this.#index = index);
  }

  /** Clusters and the incidents left on their own at `zoom` (whole world: the wall shows one province). */
  at(zoom: number): { clusters: IncidentCluster[]; singles: readonly PlacedIncident[] } {
    const z = Math.floor(zoom);
    if (z > this.#maxZoom) return { clusters: [], singles: this.#points };
    const clusters: IncidentCluster[] = [];
    const singles: PlacedIncident[] = [];
    for (const c of this.#indexOf().getClusters([-180, -85, 180, 85], z)) {
      const props = c.properties;
      const [lon, lat] = c.geometry.coordinates as [number, number];
      if ('cluster' in props && props.cluster) {
        clusters.push({
          id: `c${props.cluster_id}`,
          position: [lon, lat],
          count: props.point_count,
          topPriority: props.top,
          overdue: props.overdue,
        });
      } else {
        const f = this.#points[(props as { i: number }).i];
        if (f) singles.push(f);
      }
    }
    return { clusters, singles };
  }
}
