import { closeSync, openSync, readSync } from 'node:fs';
import {
  coalesce,
  LAYER_IDS,
  type Feature,
  type LayerDelta,
  type LayerId,
  type LayerSnapshot,
} from '@hue-ioc/layers';
import type { EventLog, LayerChange, LogEntry } from './event-log/event-log.ts';

interface LayerBook {
  /** Sequence of the newest entry applied, emitted or not. */
  seq: number;
  /** Sequence up to which deltas have been emitted to subscribers. */
  emitted: number;
  /** Oldest `since` this node can answer from memory; older asks the log, then falls back to a snapshot. */
  floor: number;
  features: Map<string, Feature>;
  pending: LogEntry[];
  history: LogEntry[];
  /** Append time (event log, same on every node) of the newest change applied; null when none. */
  changedAt: number | null;
}

/** Receives each coalesced delta once per flush; `entryTimes` are the entries' append times. */
export type DeltaListener = (delta: LayerDelta, entryTimes: number[]) => void;

/**
 * Under load, the pause after a flush is this many times the CPU time the flush took (its listeners'
 * fan-out included): fan-out then takes at most about half of the process's CPU, and the other half is
 * left to the ingest that feeds it, whatever the number of sockets. CPU time, not wall time: on a busy
 * machine a flush's wall time is mostly waiting for a core, and pausing for it only delayed deltas
 * (bench/rows/layers.ts fan-out: 15 deltas in 7 s with the server 90 % idle).
 */
export const FLUSH_GAP_PER_COST = 1;

export interface LayerHubOptions {
  log: EventLog;
  /**
   * The longest a change waits under load (LIVE_TICK_MS). An idle hub flushes a change at once (next
   * turn of the event loop); after each flush it waits `FLUSH_GAP_PER_COST` × that flush's cost, capped at
   * this, so changes arriving faster than the fan-out coalesce into fewer, larger deltas.
   */
  tickMs: number;
  /** `manual`: no automatic flush, only `flush`/`flushAll` (and snapshot/since) emit; for specs. */
  flush?: 'auto' | 'manual';
  /** Monotonic milliseconds, to time the pause (default performance.now). */
  clock?: () => number;
  /** CPU milliseconds of this thread, to measure a flush's cost (default threadCpuMs). */
  cpuClock?: () => number;
  /** Entries kept per layer in memory for resume. */
  historyLimit?: number;
  now?: () => number;
  layers?: readonly LayerId[];
  /** Called for every entry applied, with the time since it was appended (event-log lag). */
  onApplied?: (lagMs: number) => void;
  /** Called when a delta listener throws; the delta is still recorded, so clients resume from the log. */
  onEmitError?: (err: Error, delta: LayerDelta) => void;
}

/**
 * A node's live layer state, driven only by the event log: changes are appended to the log, and every
 * node (this one included) applies what the log delivers, so all nodes hold the same features at the
 * same sequence numbers. Per flush, pending entries become one coalesced delta whose `from` is the
 * previous delta's `seq` (ARCHITECTURE.md: in order, never with a gap). Flushes are immediate when idle
 * and coalesce under load (issue 15: a fixed 250 ms tick made every change wait up to 250 ms).
 */
export class LayerHub {
  private readonly books = new Map<LayerId, LayerBook>();
  private readonly historyLimit: number;
  private readonly now: () => number;
  private readonly clock: () => number;
  private readonly cpuClock: () => number;
  private readonly listeners = new Set<DeltaListener>();
  /** The automatic flush waiting to run, if any. */
  private scheduled:
    { kind: 'immediate'; handle: NodeJS.Immediate } | { kind: 'timeout'; handle: NodeJS.Timeout } | null =
    null;
  private running = false;
  private flushing = false;
  /** `clock()` when the last automatic flush ended, and the pause owed after it. */
  private lastFlushEnd = Number.NEGATIVE_INFINITY;
  private gapMs = 0;

  constructor(private readonly opts: LayerHubOptions) {
    this.historyLimit = opts.historyLimit ?? 5_000;
    this.now = opts.now ?? Date.now;
    this.clock = opts.clock ?? (() => performance.now());
    this.cpuClock = opts.cpuClock ?? threadCpuMs;
  }

  /**
   * Follows this node's deltas (the /live gateway, the ticker, consoles' change notices); returns the
   * unsubscribe function. Listeners run in the flush, in the order they subscribed.
   */
  onDelta(listener: DeltaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get log(): EventLog {
    return this.opts.log;
  }

  /** Loads each layer's snapshot from the log, then follows the log from there. */
  async start(): Promise<void> {
    const from = new Map<LayerId, number>();
    for (const layer of this.opts.layers ?? LAYER_IDS) {
      const snap = await this.opts.log.snapshot(layer);
      this.books.set(layer, {
        seq: snap.seq,
        emitted: snap.seq,
        floor: snap.seq,
        features: new Map(snap.features.map((f) => [f.id, f])),
        pending: [],
        history: [],
        changedAt: snap.changedAt,
      });
      from.set(layer, snap.seq);
    }
    this.running = (this.opts.flush ?? 'auto') === 'auto';
    await this.opts.log.tail(from, (entry) => this.onEntry(entry));
    // Entries replayed by `tail` are pending until the first flush.
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.cancelScheduled();
    this.flushAll();
  }

  /**
   * Plans the next automatic flush: on the next turn of the event loop when the pause owed after the
   * last one is over (idle: at once, and entries delivered in the same turn still share a delta),
   * otherwise when it is over.
   */
  private schedule(): void {
    if (!this.running || this.flushing || this.scheduled) return;
    const wait = this.lastFlushEnd + this.gapMs - this.clock();
    if (wait <= 0) {
      const handle = setImmediate(this.autoFlush);
      handle.unref();
      this.scheduled = { kind: 'immediate', handle };
    } else {
      const handle = setTimeout(this.autoFlush, Math.ceil(wait));
      handle.unref();
      this.scheduled = { kind: 'timeout', handle };
    }
  }

  private cancelScheduled(): void {
    if (this.scheduled?.kind === 'immediate') clearImmediate(this.scheduled.handle);
    else if (this.scheduled) clearTimeout(this.scheduled.handle);
    this.scheduled = null;
  }

  private readonly autoFlush = (): void => {
    this.scheduled = null;
    if (!this.running) return;
    const started = this.cpuClock();
    this.flushing = true;
    try {
      this.flushAll();
    } finally {
      this.flushing = false;
      this.lastFlushEnd = this.clock();
      this.gapMs = Math.min(this.opts.tickMs, FLUSH_GAP_PER_COST * (this.cpuClock() - started));
    }
    // Entries a listener's own changes appended meanwhile (an in-process log delivers at once).
    for (const b of this.books.values()) if (b.pending.length > 0) return this.schedule();
  };

  private book(layer: LayerId): LayerBook {
    const b = this.books.get(layer);
    if (!b) throw new Error(`layer ${layer} is not served (hub not started?)`);
    return b;
  }

  /** Appends changes to the log; resolves with their sequence number. Subscribers get them at the next flush. */
  async apply(layer: LayerId, upserts: readonly Feature[], removes: readonly string[] = []): Promise<number> {
    const changes: LayerChange[] = [
      ...removes.map((id) => ({ id, feature: null })),
      ...upserts.map((f) => ({ id: f.id, feature: f })),
    ];
    return this.opts.log.append(layer, changes);
  }

  private onEntry(entry: LogEntry): void {
    const b = this.books.get(entry.layer);
    if (!b || entry.seq <= b.seq) return; // already in the snapshot, or a re-delivery
    for (const c of entry.changes) {
      if (c.feature) b.features.set(c.id, c.feature);
      else b.features.delete(c.id);
    }
    b.seq = entry.seq;
    b.pending.push(entry);
    b.changedAt = entry.ts;
    this.opts.onApplied?.(this.now() - entry.ts);
    this.schedule();
  }

  get(layer: LayerId, id: string): Feature | undefined {
    return this.book(layer).features.get(id);
  }

  features(layer: LayerId): Feature[] {
    return [...this.book(layer).features.values()];
  }

  seq(layer: LayerId): number {
    return this.book(layer).emitted;
  }

  floor(layer: LayerId): number {
    return this.book(layer).floor;
  }

  /** History entries kept per layer now (the bounded resume buffer's fill, for /metrics). */
  historySizes(): Map<LayerId, number> {
    return new Map([...this.books].map(([layer, b]) => [layer, b.history.length]));
  }

  flushAll(): void {
    for (const layer of this.books.keys()) this.flush(layer);
  }

  /** Emits the pending entries of a layer as one coalesced delta. */
  flush(layer: LayerId): void {
    const b = this.book(layer);
    if (b.pending.length === 0) return;
    const pending = b.pending;
    b.pending = [];
    const delta: LayerDelta = {
      layer,
      from: b.emitted,
      seq: b.seq,
      serverTime: this.now(),
      changedAt: b.changedAt,
      ...coalesceEntries(pending),
    };
    b.emitted = b.seq;
    b.history.push(...pending);
    if (b.history.length > this.historyLimit) {
      const dropped = b.history.splice(0, b.history.length - this.historyLimit);
      b.floor = dropped[dropped.length - 1]!.seq;
    }
    const times = pending.map((e) => e.ts);
    for (const listener of this.listeners) {
      try {
        listener(delta, times);
      } catch (e) {
        // A consumer's fault must not stop the flush (it runs in a timer: a throw would end the process),
        // nor keep the delta from the other listeners.
        this.opts.onEmitError?.(e as Error, delta);
      }
    }
  }

  /** State at the last emitted sequence (pending entries are flushed first so the two agree). */
  snapshot(layer: LayerId): LayerSnapshot {
    this.flush(layer);
    const b = this.book(layer);
    return {
      layer,
      seq: b.emitted,
      serverTime: this.now(),
      changedAt: b.changedAt,
      features: [...b.features.values()],
    };
  }

  /**
   * How many features changed since `since` — the upserts plus removes `since` would answer — counted
   * only up to just past `atMost`; null when `since` is outside the memory. Builds no delta: the /live
   * gateway asks it before deciding whether a kept `wall` snapshot plus that delta beats a fresh encode
   * (coalescing a burst of 10,000 changes only to drop it took ~12 ms of a cold join).
   */
  changedSince(layer: LayerId, since: number, atMost: number): number | null {
    this.flush(layer);
    const b = this.book(layer);
    if (since < b.floor || since > b.emitted) return null;
    const ids = new Set<string>();
    for (let k = b.history.length - 1; k >= 0 && b.history[k]!.seq > since; k--) {
      for (const c of b.history[k]!.changes) {
        ids.add(c.id);
        if (ids.size > atMost) return ids.size;
      }
    }
    return ids.size;
  }

  /**
   * What a client at `since` missed, from this node's memory, as one delta to the current seq; null when
   * `since` is outside the memory (older than `floor`, or not a seq of this log).
   */
  since(layer: LayerId, since: number): LayerDelta | null {
    this.flush(layer);
    const b = this.book(layer);
    if (since < b.floor || since > b.emitted) return null;
    return {
      layer,
      from: since,
      seq: b.emitted,
      serverTime: this.now(),
      changedAt: b.changedAt,
      ...coalesceEntries(b.history.filter((e) => e.seq > since)),
    };
  }

  /**
   * For a `since` older than this node's memory (e.g. a client coming back after this node restarted):
   * the log's entries from `since` up to `floor`, or null when the log no longer holds them.
   */
  async olderEntries(layer: LayerId, since: number): Promise<{ upTo: number; entries: LogEntry[] } | null> {
    const upTo = this.book(layer).floor;
    if (since >= upTo) return { upTo, entries: [] };
    const entries = await this.opts.log.range(layer, since, upTo);
    return entries ? { upTo, entries } : null;
  }

  /** Append time of the newest change of a layer (null when the log holds none). */
  changedAt(layer: LayerId): number | null {
    return this.book(layer).changedAt;
  }
}

/**
 * CPU milliseconds of the calling thread: a flush's own cost, not that of the threads beside it (the
 * embedded database's worker runs inserts while the hub flushes; process.cpuUsage counts every thread,
 * which made the pause after a flush up to twice its cost). `process.threadCpuUsage` where Node has it
 * (23.9+), else Linux's /proc/thread-self/schedstat (nanoseconds on a CPU; ~2 µs a read from a kept
 * descriptor), else the whole process's.
 */
export const threadCpuMs: () => number = (() => {
  const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (typeof threadCpuUsage === 'function') {
    return () => {
      const { user, system } = threadCpuUsage.call(process);
      return (user + system) / 1000;
    };
  }
  const processMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return processMs;
  }
  const buf = Buffer.alloc(64);
  const schedstatMs = (): number => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    let ns = 0;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (c < 48 || c > 57) break;
      ns = ns * 10 + (c - 48);
    }
    return ns / 1e6;
  };
  try {
    schedstatMs();
    return schedstatMs;
  } catch {
    closeSync(fd);
    return processMs;
  }
})();

export function coalesceEntries(entries: readonly LogEntry[]): { upserts: Feature[]; removes: string[] } {
  return coalesce(entries.flatMap((e) => e.changes.map((c) => [c.id, c.feature] as const)));
}
