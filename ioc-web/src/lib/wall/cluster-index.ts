import Supercluster, { type PointFeature } from 'supercluster';

/**
 * The wall's incident clustering on typed columns, with no DOM and no Svelte: run in a Web Worker
 * (cluster.worker.ts), or in-process where there is none (tests). A supercluster load of 100,000 points
 * takes hundreds of ms and about as much again in garbage collection (npm run bench -- wall-delta --profile);
 * off the main thread it no longer holds up the wall's deltas or frames.
 */

/** Index these points (row i of every column is point i). */
export interface ClusterLoad {
  readonly kind: 'load';
  /** Names this load; answers carry it, so the caller maps point rows to what it sent. */
  readonly load: number;
  readonly maxZoom: number;
  /** Clock (ms) for the overdue counts. */
  readonly now: number;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly priority: Float64Array;
  /** Deadline (ms); NaN for none. */
  readonly due: Float64Array;
  /** Answer at this zoom right away. */
  readonly zoom: number;
}

/** Clusters of the current index at another zoom. */
export interface ClusterQuery {
  readonly kind: 'at';
  readonly zoom: number;
}

export type ClusterRequest = ClusterLoad | ClusterQuery;

/** Clusters and the points left on their own, as columns (transferable). */
export interface ClusterAnswer {
  readonly load: number;
  readonly zoom: number;
  readonly clusterId: Int32Array;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly count: Int32Array;
  /** The highest priority (lowest number) inside. */
  readonly top: Float64Array;
  readonly overdue: Int32Array;
  /** Rows of the load's points that stand on their own at this zoom. */
  readonly singles: Int32Array;
}

interface PointProps {
  i: number;
  top: number;
  overdue: number;
}
type ClusterProps = Omit<PointProps, 'i'>;

/** supercluster settings of the wall (56 px: one counted disc per city block at city zoom). */
const RADIUS_PX = 56;
const MIN_POINTS = 3;

export function answerBuffers(a: ClusterAnswer): ArrayBuffer[] {
  return [a.clusterId, a.lon, a.lat, a.count, a.top, a.overdue, a.singles].map(
    (x) => x.buffer as ArrayBuffer,
  );
}

/** Holds one index and answers requests; null for a query before any load. */
export function createClusterEngine(): (request: ClusterRequest) => ClusterAnswer | null {
  let index: Supercluster<PointProps, ClusterProps> | null = null;
  let load = -1;

  const at = (zoom: number): ClusterAnswer | null => {
    if (!index) return null;
    const found = index.getClusters([-180, -85, 180, 85], Math.floor(zoom));
    let n = 0;
    for (const c of found) if ('cluster' in c.properties && c.properties.cluster) n++;
    const answer = {
      load,
      zoom,
      clusterId: new Int32Array(n),
      lon: new Float64Array(n),
      lat: new Float64Array(n),
      count: new Int32Array(n),
      top: new Float64Array(n),
      overdue: new Int32Array(n),
      singles: new Int32Array(found.length - n),
    };
    let k = 0;
    let s = 0;
    for (const c of found) {
      const p = c.properties;
      if ('cluster' in p && p.cluster) {
        const [lon, lat] = c.geometry.coordinates as [number, number];
        answer.clusterId[k] = p.cluster_id;
        answer.lon[k] = lon;
        answer.lat[k] = lat;
        answer.count[k] = p.point_count;
        answer.top[k] = p.top;
        answer.overdue[k] = p.overdue;
        k++;
      } else answer.singles[s++] = (p as PointProps).i;
    }
    return answer;
  };

  return (request) => {
    if (request.kind === 'at') return at(request.zoom);
    const { lon, lat, priority, due, now } = request;
    const points = new Array<PointFeature<PointProps>>(lon.length);
    for (let i = 0; i < lon.length; i++) {
      points[i] = {
        type: 'Feature',
        properties: { i, top: priority[i]!, overdue: due[i]! < now ? 1 : 0 },
        geometry: { type: 'Point', coordinates: [lon[i]!, lat[i]!] },
      };
    }
    index = new Supercluster<PointProps, ClusterProps>({
      radius: RADIUS_PX,
      maxZoom: request.maxZoom,
      minPoints: MIN_POINTS,
      map: (p) => ({ top: p.top, overdue: p.overdue }),
      reduce: (acc, p) => {
        acc.top = Math.min(acc.top, p.top);
        acc.overdue += p.overdue;
      },
    }).load(points);
    load = request.load;
    return at(request.zoom);
  };
}
