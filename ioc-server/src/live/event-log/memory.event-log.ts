import type { Feature, LayerId } from '@hue-ioc/layers';
import { seqBaseNow, type EventLog, type LayerChange, type LogEntry } from './event-log.ts';

interface Book {
  seq: number;
  features: Map<string, Feature>;
  entries: LogEntry[];
  /** Sequence of the newest trimmed entry: ranges must start at or after it. */
  floor: number;
  changedAt: number | null;
}

/** The embedded default: one process, entries kept in memory up to `maxEntries` per layer. */
export class MemoryEventLog implements EventLog {
  readonly kind = 'memory' as const;
  private readonly books = new Map<LayerId, Book>();
  private readonly listeners: { layers: Set<LayerId>; onEntry: (e: LogEntry) => void }[] = [];
  private nextSeq = seqBaseNow();

  constructor(private readonly maxEntries = 10_000) {}

  private book(layer: LayerId): Book {
    let b = this.books.get(layer);
    if (!b) {
      b = { seq: this.nextSeq, features: new Map(), entries: [], floor: this.nextSeq, changedAt: null };
      this.books.set(layer, b);
    }
    return b;
  }

  async append(layer: LayerId, changes: readonly LayerChange[]): Promise<number> {
    const b = this.book(layer);
    if (changes.length === 0) return b.seq;
    const entry: LogEntry = { layer, seq: ++this.nextSeq, ts: Date.now(), changes: [...changes] };
    b.seq = entry.seq;
    b.changedAt = entry.ts;
    for (const c of changes) {
      if (c.feature) b.features.set(c.id, c.feature);
      else b.features.delete(c.id);
    }
    b.entries.push(entry);
    if (b.entries.length > this.maxEntries) {
      const dropped = b.entries.splice(0, b.entries.length - this.maxEntries);
      b.floor = dropped[dropped.length - 1]!.seq;
    }
    for (const l of this.listeners) if (l.layers.has(layer)) l.onEntry(entry);
    return entry.seq;
  }

  /** Entries kept per layer now (the bounded buffer's fill, for /metrics). */
  entryCounts(): Map<LayerId, number> {
    return new Map([...this.books].map(([layer, b]) => [layer, b.entries.length]));
  }

  async snapshot(layer: LayerId) {
    const b = this.book(layer);
    return { seq: b.seq, features: [...b.features.values()], changedAt: b.changedAt };
  }

  async range(layer: LayerId, after: number, upTo: number): Promise<LogEntry[] | null> {
    const b = this.book(layer);
    if (after < b.floor || after > b.seq) return null;
    return b.entries.filter((e) => e.seq > after && e.seq <= upTo);
  }

  async tail(from: ReadonlyMap<LayerId, number>, onEntry: (entry: LogEntry) => void): Promise<void> {
    // Replay what was appended after the caller's snapshot, then deliver new entries as they come.
    for (const [layer, seq] of from) for (const e of this.book(layer).entries) if (e.seq > seq) onEntry(e);
    this.listeners.push({ layers: new Set(from.keys()), onEntry });
  }

  async close(): Promise<void> {
    this.listeners.length = 0;
  }
}
