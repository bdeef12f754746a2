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
  /**
   * Where the upserts went in `table` (the view's `state.features`): `upserted[i]` is in row `upserted[i]`.
   * A view that keeps its own per-row data reads it by row, with no lookup by id (the id lookups of a
   * 1,000-feature delta in a 100,000-entry map were most of the wall's apply, issue 15).
   */
  readonly rows?: { readonly table: FeatureTable<P>; readonly upserted: Int32Array };
}

/**
 * A layer's features by id, each in a numbered row that stays its own while the feature is on the layer (a
 * removed feature's row is reused). Reads like a Map in the same order (insertion, a replace keeps its
 * place); `put` and `remove` are LayerSync's.
 */
export class FeatureTable<P = unknown> implements ReadonlyMap<string, Feature<P>> {
  readonly #rowOf = new Map<string, number>();
  readonly #rows: (Feature<P> | undefined)[] = [];
  readonly #free: number[] = [];

  get size(): number {
    return this.#rowOf.size;
  }

  /** One past the highest row ever used (rows below it may be free). */
  get rowCount(): number {
    return this.#rows.length;
  }

  rowOf(id: string): number | undefined {
    return this.#rowOf.get(id);
  }

  get(id: string): Feature<P> | undefined {
    const row = this.#rowOf.get(id);
    return row === undefined ? undefined : this.#rows[row];
  }

  has(id: string): boolean {
    return this.#rowOf.has(id);
  }

  /** Adds or replaces the feature with this id; returns its row. */
  put(f: Feature<P>): number {
    let row = this.#rowOf.get(f.id);
    if (row === undefined) {
      row = this.#free.pop() ?? this.#rows.length;
      this.#rowOf.set(f.id, row);
    }
    this.#rows[row] = f;
    return row;
  }

  remove(id: string): void {
    const row = this.#rowOf.get(id);
    if (row === undefined) return;
    this.#rowOf.delete(id);
    this.#rows[row] = undefined;
    this.#free.push(row);
  }

  /** Every feature with its row, in the table's order. */
  forEachRow(fn: (f: Feature<P>, row: number) => void): void {
    for (const row of this.#rowOf.values()) fn(this.#rows[row]!, row);
  }

  forEach(fn: (f: Feature<P>, id: string, map: ReadonlyMap<string, Feature<P>>) => void): void {
    for (const [id, row] of this.#rowOf) fn(this.#rows[row]!, id, this);
  }

  keys(): MapIterator<string> {
    return this.#rowOf.keys();
  }

  *values(): MapIterator<Feature<P>> {
    for (const row of this.#rowOf.values()) yield this.#rows[row]!;
  }

  *entries(): MapIterator<[string, Feature<P>]> {
    for (const [id, row] of this.#rowOf) yield [id, this.#rows[row]!];
  }

  [Symbol.iterator](): MapIterator<[string, Feature<P>]> {
    return this.entries();
  }
}

export interface LayerView<P> {
  /**
   * The layer at `state.seq`. `state.features` is the client's one map of the layer (a FeatureTable), changed
   * in place by later deltas (copying 100,000 entries per delta cost a wall ~10 ms, npm run bench -- wall-delta):
   * read it when told of a change, keep what you need, and use `changes` to update only what changed.
   */
  readonly state: LayerState<P> & { readonly features: FeatureTable<P> };
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
  #features = new FeatureTable<P>();

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
    // A new table: a view that kept the old one (and its counts) rebuilds from this one.
    const features = new FeatureTable<P>();
    for (const f of stateFromSnapshot(snapshot).features.values()) features.put(f);
    this.#features = features;
    this.#view = {
      state: { seq: snapshot.seq, features },
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
    for (const id of delta.removes) features.remove(id);
    // The envelope check leaves features unchecked: one without an id cannot be kept by id.
    const upserted = delta.upserts.every(hasId) ? delta.upserts : delta.upserts.filter(hasId);
    const rows = new Int32Array(upserted.length);
    for (let i = 0; i < upserted.length; i++) rows[i] = features.put(upserted[i]!);
    const changes: LayerChanges<P> = {
      removed: delta.removes,
      upserted,
      rows: { table: features, upserted: rows },
    };
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
