import type { Feature, LayerId } from '@hue-ioc/layers';

/** One change to one feature; `feature: null` removes it. */
export interface LayerChange {
  id: string;
  feature: Feature | null;
}

/** One append: a sequence number shared by its changes. */
export interface LogEntry {
  layer: LayerId;
  seq: number;
  /** Wall time (ms) when the entry was appended, for ingest-to-emit latency. */
  ts: number;
  changes: LayerChange[];
}

export interface LayerSnapshotState {
  seq: number;
  features: Feature[];
  /** Append time (ms) of the newest entry; null when the layer has none. */
  changedAt: number | null;
}

/**
 * The one source of sequence numbers for layer changes (ARCHITECTURE.md). In-process for the embedded
 * default; Redis Streams when REDIS_URL is set, so every server node sees the same changes with the
 * same numbers and a restarted node resumes where the cluster is. One contract suite tests both.
 */
export interface EventLog {
  readonly kind: 'memory' | 'redis';
  /** Appends changes as one entry; resolves with its sequence number once it is durable in the log. */
  append(layer: LayerId, changes: readonly LayerChange[]): Promise<number>;
  /** The layer's full state and the sequence it is at (read atomically). */
  snapshot(layer: LayerId): Promise<LayerSnapshotState>;
  /**
   * Entries with `after < seq <= upTo`, oldest first, or null when the log no longer holds all of
   * them (trimmed) and the caller must fall back to a snapshot.
   */
  range(layer: LayerId, after: number, upTo: number): Promise<LogEntry[] | null>;
  /**
   * Calls `onEntry` for every entry after `from[layer]` (the seq of the caller's snapshot), appended by
   * any node, in sequence order per layer, until `close`.
   */
  tail(from: ReadonlyMap<LayerId, number>, onEntry: (entry: LogEntry) => void): Promise<void>;
  /**
   * Entries held per layer now, for a log that holds them in this process (the in-process log's bounded
   * buffer, on /metrics); a log kept elsewhere (Redis, trimmed by MAXLEN) has none to report.
   */
  entryCounts?(): ReadonlyMap<LayerId, number>;
  close(): Promise<void>;
}

/**
 * Sequence numbers start from a time-based base (µs since the epoch when a log is first created), so
 * after a restart that lost the log (in-process, or a Redis without persistence) new numbers are
 * always above old ones, and a client's old `since` is recognised as foreign rather than reused.
 */
export const seqBaseNow = () => Date.now() * 1000;
