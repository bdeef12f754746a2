import type { Metrics } from '../metrics.ts';
import type { Clock } from './ports.ts';

/** What an ingest pipeline tells about its progress (all times ms since the epoch). */
export interface PipelineProbe {
  /** Messages taken in and not yet committed (stored, dead-lettered): held in memory or spooled. */
  waiting(): number;
  /** When the oldest of them arrived, or null when none waits. */
  oldestWaitingAt(): number | null;
  /** When the pipeline last committed anything to the database, or null. */
  lastCommitAt(): number | null;
}

export interface PipelineState {
  pipeline: string;
  waiting: number;
  oldestPendingS: number;
  stalled: boolean;
}

/**
 * Whether each ingest pipeline makes progress (issue 11: one poison message stopped all sensor ingest
 * while /readyz said 200). A pipeline is stalled when messages wait and it has committed nothing for
 * longer than the threshold, counted from its last commit or from the arrival of the oldest waiting
 * message, whichever is later (a quiet pipeline that just got a message is not stalled).
 * `check` also sets `ioc_ingest_stalled` and `ioc_ingest_oldest_pending_seconds`.
 */
export class IngestHealth {
  private readonly probes = new Map<string, PipelineProbe>();

  constructor(private readonly deps: { metrics: Metrics; clock: Clock; thresholdS: number }) {}

  register(pipeline: string, probe: PipelineProbe): void {
    this.probes.set(pipeline, probe);
  }

  check(): PipelineState[] {
    const now = this.deps.clock.now().getTime();
    const { metrics, thresholdS } = this.deps;
    return [...this.probes].map(([pipeline, p]) => {
      const waiting = p.waiting();
      const oldest = waiting > 0 ? p.oldestWaitingAt() : null;
      const since = Math.max(p.lastCommitAt() ?? -Infinity, oldest ?? -Infinity);
      const stalled = waiting > 0 && Number.isFinite(since) && now - since > thresholdS * 1000;
      const oldestPendingS = oldest === null ? 0 : Math.max(0, (now - oldest) / 1000);
      metrics.ingestStalled.set({ pipeline }, stalled ? 1 : 0);
      metrics.ingestOldestPendingSeconds.set({ pipeline }, oldestPendingS);
      return { pipeline, waiting, oldestPendingS, stalled };
    });
  }

  /** The stalled pipelines' names (what /readyz names). */
  stalled(): string[] {
    return this.check()
      .filter((s) => s.stalled)
      .map((s) => s.pipeline);
  }
}

/**
 * A probe for request/response channels (webhooks): a request waits from its arrival until it is answered;
 * an answer below 500 (stored, a duplicate, or refused with a dead letter) is a commit.
 */
export class RequestTracker implements PipelineProbe {
  private readonly open = new Map<number, number>();
  private next = 0;
  private last: number | null = null;

  constructor(private readonly clock: Clock) {}

  begin(): (committed: boolean) => void {
    const id = this.next++;
    this.open.set(id, this.clock.now().getTime());
    return (committed) => {
      this.open.delete(id);
      if (committed) this.last = this.clock.now().getTime();
    };
  }

  waiting(): number {
    return this.open.size;
  }

  oldestWaitingAt(): number | null {
    // Map iteration is insertion order: the first entry is the oldest request still open.
    for (const at of this.open.values()) return at;
    return null;
  }

  lastCommitAt(): number | null {
    return this.last;
  }
}
