import {
  applyDelta,
  DeltaGapError,
  isLayerDelta,
  isLayerSnapshot,
  stateFromSnapshot,
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

export interface LayerView<P> {
  readonly state: LayerState<P>;
  /** `serverTime` (ms) of the snapshot or delta applied last. */
  readonly serverTime: number;
  /** When the layer last changed, on the server's clock (ms); null when the server knows of no change. */
  readonly changedAt: number | null;
  /** When the message carrying `serverTime` arrived, on this client's clock (ms). */
  readonly receivedAt: number;
}

const changedAtOf = (message: { changedAt?: unknown }, previous: number | null): number | null =>
  typeof message.changedAt === 'number' ? message.changedAt : previous;

/**
 * The client's copy of one live layer: applies snapshots and deltas in sequence order (the `/live`
 * rules of ARCHITECTURE.md) and says when the client must re-subscribe. No I/O: the socket wiring
 * lives in live-client.ts. Feature props are not validated here; each view checks what it reads.
 */
export class LayerSync<P = unknown> {
  #view: LayerView<P> | null = null;

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
    this.#view = {
      state: stateFromSnapshot(snapshot),
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
    try {
      this.#view = {
        state: applyDelta(state, delta).state,
        serverTime: delta.serverTime,
        changedAt: changedAtOf(delta, changedAt),
        receivedAt: this.now(),
      };
      return 'applied';
    } catch (error) {
      if (error instanceof DeltaGapError) return 'gap';
      throw error;
    }
  }
}
