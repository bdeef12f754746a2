import type { IncidentCluster, PlacedIncident } from '@hue-ioc/layers/deck';
import {
  createClusterEngine,
  type ClusterAnswer,
  type ClusterLoad,
  type ClusterRequest,
} from './cluster-index';
import { CLUSTER_EVERYWHERE_ABOVE, clusterMaxZoom, type WallIncidents } from './incidents';

/** Where the cluster index runs: a Web Worker in the browser, in-process elsewhere (tests). */
export interface ClusterPort {
  post(request: ClusterRequest, transfer: ArrayBuffer[]): void;
  /** Set once, before the first post. */
  onAnswer: ((answer: ClusterAnswer) => void) | null;
  close(): void;
}

/** The engine in this thread, answering asynchronously as the worker does. */
export function inProcessPort(): ClusterPort {
  const answer = createClusterEngine();
  let closed = false;
  const port: ClusterPort = {
    onAnswer: null,
    post(request) {
      queueMicrotask(() => {
        const a = closed ? null : answer(request);
        if (a) port.onAnswer?.(a);
      });
    },
    close: () => void (closed = true),
  };
  return port;
}

/** cluster.worker.ts where the page can run workers (the CSP allows 'self'), else in-process. */
export function defaultClusterPort(): ClusterPort {
  if (typeof Worker === 'undefined') return inProcessPort();
  const worker = new Worker(new URL('./cluster.worker.ts', import.meta.url), { type: 'module' });
  const port: ClusterPort = {
    onAnswer: null,
    post: (request, transfer) => worker.postMessage(request, transfer),
    close: () => worker.terminate(),
  };
  worker.onmessage = (e: MessageEvent<ClusterAnswer>) => port.onAnswer?.(e.data);
  return port;
}

/** What the map draws for the incidents at a clustering zoom. */
export interface ClusterView {
  readonly zoom: number;
  readonly clusters: readonly IncidentCluster[];
  readonly singles: readonly PlacedIncident[];
}

const NOTHING_YET: ClusterView = { zoom: -1, clusters: [], singles: [] };

export interface IncidentClustersOptions {
  port?: ClusterPort;
  /** Above this many placed incidents, re-index at most every `refreshMs`. */
  largeAbove?: number;
  refreshMs?: number;
  /** Clock for the overdue counts inside clusters (ms). */
  now?: () => number;
  /** Wall clock for the refresh interval (tests pass a fake). */
  clock?: () => number;
}

/**
 * Clusters of the wall's open incidents, indexed off the main thread (cluster.worker.ts). The index is
 * built only while a map shows a clustering zoom (`show`): scenes without clusters never pay for it. After
 * `changed` it is built again, one load at a time (changes meanwhile are taken by the next load) and, on a
 * large wall, at most every `refreshMs`: a load of 100k points keeps a core busy for hundreds of ms, and
 * deltas come every 250 ms while a stream flows. The incidents standing on their own are handed over as
 * they are at the answer; a cluster's count and colours are those of the last load.
 */
export class IncidentClusters {
  readonly #store: WallIncidents;
  readonly #port: ClusterPort;
  readonly #largeAbove: number;
  readonly #refreshMs: number;
  readonly #now: () => number;
  readonly #clock: () => number;
  readonly #listeners = new Set<(view: ClusterView | null, everywhere: boolean) => void>();
  #everywhere = false;
  #view: ClusterView | null = null;
  #zoom: number | null = null;
  /** The points of the load in the worker (rows of its answers), and of the one in flight. */
  #indexed: readonly PlacedIncident[] = [];
  #sending: { load: number; points: readonly PlacedIncident[] } | null = null;
  #loads = 0;
  #inFlight = false;
  #dirty = true;
  #loadedAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(store: WallIncidents, options: IncidentClustersOptions = {}) {
    this.#store = store;
    this.#port = options.port ?? defaultClusterPort();
    this.#largeAbove = options.largeAbove ?? 10_000;
    this.#refreshMs = options.refreshMs ?? 2_000;
    this.#now = options.now ?? Date.now;
    this.#clock = options.clock ?? Date.now;
    this.#port.onAnswer = (a) => this.#answered(a);
  }

  /** Too many incidents to draw one by one: clusters are drawn in every scene, at every zoom. */
  get everywhere(): boolean {
    return this.#store.size > CLUSTER_EVERYWHERE_ABOVE;
  }

  /** Whether an index has been asked for (tests, benchmarks). */
  get indexed(): boolean {
    return this.#loads > 0;
  }

  /**
   * What to draw at the zoom shown: null where that zoom does not cluster (draw every incident), no
   * clusters and no singles until the first answer (never 100,000 icons while the index is built).
   */
  get view(): ClusterView | null {
    return this.#view;
  }

  /** Told the view and `everywhere` whenever either changes; returns the unsubscribe. */
  subscribe(listener: (view: ClusterView | null, everywhere: boolean) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#view, this.#everywhere);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The incidents changed. The load is sent from a task of its own, not from the delta's handler: copying
   * the columns of 100,000 incidents takes a few ms the handler need not wait for.
   */
  changed(): void {
    this.#dirty = true;
    if (this.everywhere !== this.#everywhere) {
      this.#everywhere = this.everywhere;
      this.#notify();
    }
    this.#later(0);
  }

  /** The zoom a map shows with clusters on; null: no map shows clusters now. */
  show(zoom: number | null): void {
    this.#zoom = zoom;
    if (!this.#clusters(zoom)) this.#set(null);
    else if (this.#view === null) this.#set(NOTHING_YET);
    this.#pump();
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#listeners.clear();
    this.#port.close();
  }

  #clusters(zoom: number | null): zoom is number {
    return zoom !== null && Math.floor(zoom) <= clusterMaxZoom(this.#store.size);
  }

  #set(view: ClusterView | null): void {
    if (view === this.#view) return;
    this.#view = view;
    this.#notify();
  }

  #notify(): void {
    for (const l of this.#listeners) l(this.#view, this.#everywhere);
  }

  #pump(): void {
    const zoom = this.#zoom;
    if (this.#inFlight || !this.#clusters(zoom)) return;
    if (this.#dirty || this.#loads === 0) {
      const wait = this.#store.size > this.#largeAbove ? this.#loadedAt + this.#refreshMs - this.#clock() : 0;
      if (wait > 0) this.#later(wait);
      else this.#load(zoom);
    } else if (this.#view && Math.floor(this.#view.zoom) !== Math.floor(zoom)) {
      this.#inFlight = true;
      this.#port.post({ kind: 'at', zoom }, []);
    }
  }

  /** Pumps again in `ms` (one timer: a later call while one waits changes nothing). */
  #later(ms: number): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, ms);
  }

  #load(zoom: number): void {
    const { points, lon, lat, priority, due } = this.#store.columns();
    const request: ClusterLoad = {
      kind: 'load',
      load: ++this.#loads,
      maxZoom: clusterMaxZoom(points.length),
      now: this.#now(),
      lon,
      lat,
      priority,
      due,
      zoom,
    };
    this.#sending = { load: request.load, points };
    this.#dirty = false;
    this.#inFlight = true;
    this.#loadedAt = this.#clock();
    this.#port.post(request, [lon.buffer, lat.buffer, priority.buffer, due.buffer] as ArrayBuffer[]);
  }

  #answered(a: ClusterAnswer): void {
    this.#inFlight = false;
    if (this.#sending?.load === a.load) {
      this.#indexed = this.#sending.points;
      this.#sending = null;
    }
    if (this.#clusters(this.#zoom)) {
      const clusters: IncidentCluster[] = [];
      for (let k = 0; k < a.clusterId.length; k++) {
        clusters.push({
          id: `c${a.clusterId[k]}`,
          position: [a.lon[k]!, a.lat[k]!],
          count: a.count[k]!,
          topPriority: a.top[k]!,
          overdue: a.overdue[k]!,
        });
      }
      const singles: PlacedIncident[] = [];
      for (const row of a.singles) {
        // As it is now: changed since the load, or closed (then it leaves the map).
        const now = this.#store.get(this.#indexed[row]?.id ?? '');
        if (now) singles.push(now);
      }
      this.#set({ zoom: a.zoom, clusters, singles });
    }
    this.#pump();
  }
}
