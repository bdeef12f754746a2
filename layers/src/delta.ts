import type { Feature } from './feature.ts';
import type { LayerId } from './feature.ts';
import { decodeColumnar, type ColumnarFeatures } from './wire.ts';
import { decodeWallFeatures } from './wall-wire.ts';

/** Full state of a layer at `seq`. */
export interface LayerSnapshot<P = unknown> {
  layer: LayerId;
  seq: number;
  /** Server time (ms since epoch) when this was sent: lets clients show freshness. */
  serverTime: number;
  /**
   * When the layer last changed (ms since epoch, the event log's append time, the same on every node):
   * the age of the newest data in this layer. Null when the log holds no change of it yet.
   */
  changedAt: number | null;
  /** Empty when `columns` is present. */
  features: Feature<P>[];
  /**
   * The features in columnar form, for clients that asked for it in the handshake
   * (`auth.encoding: 'columnar'`): about 0.6 of the JSON bytes of a 10k-incident snapshot.
   */
  columns?: ColumnarFeatures;
  /** The features in the `wall` encoding (wall-wire.ts), for clients that asked for it. */
  packed?: Uint8Array | ArrayBuffer;
}

/** Changes that take a layer from `from` to `seq`: coalesced per feature, at most one entry per id. */
export interface LayerDelta<P = unknown> {
  layer: LayerId;
  from: number;
  seq: number;
  serverTime: number;
  /** When the newest change in this delta was appended to the event log (ms since epoch). */
  changedAt: number | null;
  upserts: Feature<P>[];
  removes: string[];
}

export interface LayerState<P = unknown> {
  readonly seq: number;
  readonly features: ReadonlyMap<string, Feature<P>>;
}

export interface AppliedDelta<P = unknown> {
  state: LayerState<P>;
  /** Ids upserted (added or replaced) by this delta, in delta order. */
  upserted: string[];
  /** Ids that existed and were removed. */
  removed: string[];
}

export class DeltaGapError extends Error {
  constructor(
    readonly expectedFrom: number,
    readonly gotFrom: number,
  ) {
    super(`delta starts at ${gotFrom}, state is at ${expectedFrom}`);
    this.name = 'DeltaGapError';
  }
}

export function emptyLayerState<P>(): LayerState<P> {
  return { seq: 0, features: new Map() };
}

/** The features of a snapshot, whichever encoding it came in. */
export function snapshotFeatures<P>(snapshot: LayerSnapshot<P>): Feature<P>[] {
  if (snapshot.packed) return decodeWallFeatures<P>(snapshot.packed).features;
  return snapshot.columns ? decodeColumnar<P>(snapshot.columns) : snapshot.features;
}

export function stateFromSnapshot<P>(snapshot: LayerSnapshot<P>): LayerState<P> {
  return { seq: snapshot.seq, features: new Map(snapshotFeatures(snapshot).map((f) => [f.id, f])) };
}

/**
 * Applies a delta without touching `state`: returns a new state and what changed, so a renderer can
 * update only those rows. Throws DeltaGapError when `delta.from` is not `state.seq` — the caller must
 * re-subscribe with `since` rather than show a state that silently misses changes.
 */
export function applyDelta<P>(state: LayerState<P>, delta: LayerDelta<P>): AppliedDelta<P> {
  if (delta.from !== state.seq) throw new DeltaGapError(state.seq, delta.from);
  const features = new Map(state.features);
  const removed: string[] = [];
  for (const id of delta.removes) {
    if (features.delete(id)) removed.push(id);
  }
  const upserted: string[] = [];
  for (const f of delta.upserts) {
    features.set(f.id, f);
    upserted.push(f.id);
  }
  return { state: { seq: delta.seq, features }, upserted, removed };
}

/**
 * Coalesces an ordered list of changes into one delta body: the last change per id wins.
 * `null` means the feature was removed.
 */
export function coalesce<P>(changes: Iterable<readonly [string, Feature<P> | null]>): {
  upserts: Feature<P>[];
  removes: string[];
} {
  const last = new Map<string, Feature<P> | null>();
  for (const [id, f] of changes) {
    last.delete(id); // keep order of the last change
    last.set(id, f);
  }
  const upserts: Feature<P>[] = [];
  const removes: string[] = [];
  for (const [id, f] of last) {
    if (f === null) removes.push(id);
    else upserts.push(f);
  }
  return { upserts, removes };
}
