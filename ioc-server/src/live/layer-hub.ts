import type { Feature, LayerDelta, LayerId, LayerSnapshot } from '@hue-ioc/layers';
import { coalesce } from '@hue-ioc/layers';

interface Change {
  seq: number;
  id: string;
  feature: Feature | null;
}

interface LayerBook {
  /** Sequence of the newest change, emitted or not. */
  seq: number;
  /** Sequence up to which deltas have been emitted to subscribers. */
  emitted: number;
  /** Oldest `since` that can still be answered with deltas; older gets a snapshot. */
  floor: number;
  features: Map<string, Feature>;
  pending: Change[];
  history: Change[];
  /** Wall time of the newest change, for freshness. */
  changedAt: number;
}

export interface LayerHubOptions {
  /** Emits one delta to everyone subscribed to its layer. */
  emit: (delta: LayerDelta) => void;
  tickMs: number;
  /** Changes kept per layer for resume; older `since` gets a snapshot. */
  historyLimit?: number;
  now?: () => number;
  /**
   * First sequence number of this process's life. Sequences are process-time based (µs), so a client
   * holding a `since` from before a restart is always below `floor` and gets a snapshot, never deltas
   * that belong to another history.
   */
  seqBase?: number;
}

/**
 * In-process live layer state: every change gets a sequence number; changes are batched per tick into
 * coalesced deltas; recent changes are kept so a reconnecting client with `since` gets only what it
 * missed. The protocol promise (ARCHITECTURE.md): deltas in order, `from` equal to the previous `seq`.
 */
export class LayerHub {
  private readonly books = new Map<LayerId, LayerBook>();
  private timer: NodeJS.Timeout | undefined;
  private readonly historyLimit: number;
  private readonly now: () => number;
  private nextSeq: number;

  constructor(private readonly opts: LayerHubOptions) {
    this.historyLimit = opts.historyLimit ?? 20_000;
    this.now = opts.now ?? Date.now;
    this.nextSeq = opts.seqBase ?? Date.now() * 1000;
  }

  private book(layer: LayerId): LayerBook {
    let b = this.books.get(layer);
    if (!b) {
      const start = this.nextSeq;
      b = { seq: start, emitted: start, floor: start, features: new Map(), pending: [], history: [], changedAt: 0 };
      this.books.set(layer, b);
    }
    return b;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flushAll(), this.opts.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flushAll();
  }

  /** Records changes; they reach subscribers on the next tick. Returns the new sequence number. */
  apply(layer: LayerId, upserts: readonly Feature[], removes: readonly string[] = []): number {
    const b = this.book(layer);
    for (const id of removes) {
      if (!b.features.has(id)) continue;
      b.features.delete(id);
      b.pending.push({ seq: ++this.nextSeq, id, feature: null });
    }
    for (const f of upserts) {
      b.features.set(f.id, f);
      b.pending.push({ seq: ++this.nextSeq, id: f.id, feature: f });
    }
    if (b.pending.length > 0) {
      b.seq = b.pending[b.pending.length - 1]!.seq;
      b.changedAt = this.now();
    }
    return b.seq;
  }

  get(layer: LayerId, id: string): Feature | undefined {
    return this.book(layer).features.get(id);
  }

  features(layer: LayerId): Feature[] {
    return [...this.book(layer).features.values()];
  }

  flushAll(): void {
    for (const layer of this.books.keys()) this.flush(layer);
  }

  /** Emits the pending changes of a layer as one coalesced delta. */
  flush(layer: LayerId): void {
    const b = this.book(layer);
    if (b.pending.length === 0) return;
    const pending = b.pending;
    b.pending = [];
    const { upserts, removes } = coalesce(pending.map((c) => [c.id, c.feature] as const));
    const delta: LayerDelta = { layer, from: b.emitted, seq: b.seq, serverTime: this.now(), upserts, removes };
    b.emitted = b.seq;
    for (const c of pending) b.history.push(c);
    if (b.history.length > this.historyLimit) {
      const dropped = b.history.splice(0, b.history.length - this.historyLimit);
      b.floor = dropped[dropped.length - 1]!.seq;
    }
    this.opts.emit(delta);
  }

  /** State at the last emitted sequence (pending changes are flushed first so the two agree). */
  snapshot(layer: LayerId): LayerSnapshot {
    this.flush(layer);
    const b = this.book(layer);
    return { layer, seq: b.emitted, serverTime: this.now(), features: [...b.features.values()] };
  }

  /**
   * What a client at `since` missed, as one delta to `seq`, or null when `since` is outside what we
   * can answer (older than the history we keep, from another process life, or from the future).
   */
  since(layer: LayerId, since: number): LayerDelta | null {
    this.flush(layer);
    const b = this.book(layer);
    if (since < b.floor || since > b.emitted) return null;
    const missed = b.history.filter((c) => c.seq > since);
    const { upserts, removes } = coalesce(missed.map((c) => [c.id, c.feature] as const));
    return { layer, from: since, seq: b.emitted, serverTime: this.now(), upserts, removes };
  }

  /** Wall time of the newest change of a layer (0 when none). */
  changedAt(layer: LayerId): number {
    return this.book(layer).changedAt;
  }
}
