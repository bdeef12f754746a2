import {
  isLayerDelta,
  isLayerSnapshot,
  stateFromSnapshot,
  type Feature,
  type LayerDelta,
  type LayerId,
  type LayerSnapshot,
  type LayerState,
} from '@hue-ioc/layers';

/** What became of one incoming delta. */
export type DeltaOutcome =
  /** Applied: state moved to `delta.seq`. */
  | 'applied'
  /** Already applied (a repeat after a re-subscribe): dropped. */
  | 'stale'
  /** Starts after our seq: changes are missing, re-subscribe with `since`. */
  | 'gap'
  /** No snapshot yet, or not a delta of this layer: dropped. */
  | 'ignored';

/** What one delta changed, as applied: the removes first, then the upserts (each upsert replaces by id). */
export interface LayerChanges<P> {
  /** Ids the delta removed (some may not have been there). */
  readonly removed: readonly string[];
  /** Features added or replaced, in delta order. */
  readonly upserted: readonly Feature<P>[];
}

export interface LayerView<P> {
  /**
   * The layer at `state.seq`. `state.features` is the client's one map of the layer, changed in place by
   * later deltas (copying 100,000 entries per delta cost a wall ~10 ms, npm run bench -- wall-delta):
   * read it when told of a change, keep what you need, and use `changes` to update only what changed.
   */
  readonly state: LayerState<P>;
  /**
   * What the delta applied last changed; null after a snapshot (everything may have changed: rebuild from
   * `state.features`). The delta's own arrays, not copies.
   */
  readonly changes: LayerChanges<P> | null;
  /** `serverTime` (ms) of the snapshot or delta applied last. */
  readonly serverTime: number;
  /** When the layer last changed, on the server's clock (ms); null when the server knows of no change. */
  readonly changedAt: number | null;
  /** When the message carrying `serverTime` arrived, on this client's clock (ms). */
  readonly receivedAt: number;
}

const hasId = <P>(f: Feature<P>): boolean =>
  typeof f === 'object' && f !== null && typeof (f as { id?: unknown }).id === 'string';

const changedAtOf = (message: { changedAt?: unknown }, previous: number | null): number | null =>
  typeof message.changedAt === 'number' ? message.changedAt : previous;

/**
 * The client's copy of one live layer: applies snapshots and deltas in sequence order (the `/live`
 * rules of ARCHITECTURE.md) and says when the client must re-subscribe. No I/O: the socket wiring
 * lives in live-client.ts. Feature props are not validated here; each view checks what it reads.
 * A delta costs what it touches: features are kept in one map by id, changed in place.
 */
export class LayerSync<P = unknown> {
  #view: LayerView<P> | null = null;
  #features = new Map<string, Feature<P>>();

  constructor(
    readonly layer: LayerId,
    private readonly now: () => number = Date.now,
  ) {}

  get view(): LayerView<P> | null {
    return this.#view;
  }

  /** The `since` to subscribe with: the last seq applied, or undefined before the first snapshot. */
  get since(): number | undefined {
    return this.#view?.state.seq;
  }

  /** Replaces the state. Returns false for a message that is not a snapshot of this layer. */
  applySnapshot(message: unknown): boolean {
    if (!isLayerSnapshot(message) || message.layer !== this.layer) return false;
    const snapshot = message as LayerSnapshot<P>;
    const state = stateFromSnapshot(snapshot);
    // A new map: a view that kept the old one (and its counts) rebuilds from this one.
    this.#features = state.features as Map<string, Feature<P>>;
    this.#view = {
      state,
      changes: null,
      serverTime: snapshot.serverTime,
      changedAt: changedAtOf(snapshot, null),
      receivedAt: this.now(),
    };
    return true;
  }

  applyDelta(message: unknown): DeltaOutcome {
    if (!isLayerDelta(message) || message.layer !== this.layer || !this.#view) return 'ignored';
    const delta = message as LayerDelta<P>;
    const { state, changedAt } = this.#view;
    if (delta.seq <= state.seq) return 'stale';
    // Checked before anything changes: a gap leaves the state as it was (re-subscribe with `since`).
    if (delta.from !== state.seq) return 'gap';
    const features = this.#features;
    for (const id of delta.removes) features.delete(id);
    // The envelope check leaves features unchecked: one without an id cannot be kept by id.
    const upserted = delta.upserts.every(hasId) ? delta.upserts : delta.upserts.filter(hasId);
    for (const f of upserted) features.set(f.id, f);
    const changes: LayerChanges<P> = { removed: delta.removes, upserted };
    this.#view = {
      state: { seq: delta.seq, features },
      changes,
      serverTime: delta.serverTime,
      changedAt: changedAtOf(delta, changedAt),
      receivedAt: this.now(),
    };
    return 'applied';
  }
}
