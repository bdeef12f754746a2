import type { InboundMessage, Logger } from '@hue-ioc/streams';
import type { Metrics } from '../metrics.ts';
import type { Clock, IngestSpool } from './ports.ts';

export interface ResilientBatchDeps {
  /** The pipeline's name in metrics, logs and /readyz: `mqtt`. */
  pipeline: string;
  /** Stores a batch (readings, events and their rejects); resolves once committed. */
  store: (batch: readonly InboundMessage[]) => Promise<void>;
  /** Keeps one message the database refused as a dead letter with `error` as the reason. */
  deadLetter: (message: InboundMessage, error: Error) => Promise<void>;
  /** "The database cannot serve now" (storage's isDatabaseUnavailable), as opposed to "this cannot be stored". */
  isUnavailable: (err: unknown) => boolean;
  /** Where batches wait while the database is unavailable; null: they are not acknowledged instead. */
  spool: IngestSpool | null;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  timing?: Partial<Timing>;
}

interface Timing {
  /** Waits before each retry of a whole batch that failed for a reason other than unavailability. */
  retryMs: readonly number[];
  /** The one retry of each half once a batch is being split. */
  splitRetryMs: number;
  /** Draining the spool: first wait after the database refused, doubled up to the second. */
  drainMinMs: number;
  drainMaxMs: number;
}

/** Messages stored together when draining the spool: the source's own largest batch. */
const DRAIN_MESSAGES = 500;

const DEFAULT_TIMING: Timing = { retryMs: [200, 1000], splitRetryMs: 100, drainMinMs: 250, drainMaxMs: 5000 };

/** The spool is full (or there is none) and the database is down: the batch is not kept, so not acked. */
export class NotKeptError extends Error {
  constructor(
    readonly pipeline: string,
    cause: unknown,
  ) {
    super(`${pipeline} batch not kept: the database is unavailable and the spool is full or off`, { cause });
    this.name = 'NotKeptError';
  }
}

/**
 * Stores a channel's batches so that nothing stalls and nothing is lost (issue 11, build 1 and 3). The
 * source acknowledges a batch when `handle` resolves, so it resolves only once every message of the batch
 * is committed: stored, dead-lettered, or in the spool.
 *
 * - The database unavailable (isUnavailable): the batch goes to the spool, and from then on every batch
 *   goes there behind it (arrival order kept) until the spool is drained. With no spool, or a full one,
 *   `handle` rejects and the source keeps the batch unacknowledged for the broker to hold.
 * - Any other failure: the batch is retried with backoff, then split in halves, each stored on its own, down
 *   to the one message that fails, which is dead-lettered with the storage error as its reason (the rest
 *   of the batch goes on). Stores are idempotent (readings on device, metric, ts; detections on camera,
 *   type, ts; incidents on their source id), so storing again what half-committed changes nothing.
 *
 * Batches and spool drains run one at a time, in order.
 */
export class ResilientBatchSink {
  private chain: Promise<unknown> = Promise.resolve();
  private drainTimer: NodeJS.Timeout | undefined;
  private drainDelay: number;
  private stopped = false;
  private lastCommit: number | null = null;
  private readonly timing: Timing;

  constructor(private readonly deps: ResilientBatchDeps) {
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.drainDelay = this.timing.drainMinMs;
    this.updateSpoolGauge();
  }

  /** When a batch (or a dead letter) last committed to the database, ms since the epoch. */
  get lastCommitAt(): number | null {
    return this.lastCommit;
  }

  /** Messages waiting in the spool, and when the oldest of them arrived. */
  get spooled(): { messages: number; oldestAt: Date | null } {
    const s = this.deps.spool;
    return { messages: s?.messages ?? 0, oldestAt: s?.oldestAt ?? null };
  }

  /** Starts draining what an earlier run left in the spool. */
  start(): void {
    if ((this.deps.spool?.messages ?? 0) > 0) this.scheduleDrain(0);
  }

  /** Stops draining (the spool keeps the rest for the next start) once the batch in hand is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    await this.chain.catch(() => undefined);
  }

  /** The source's sink: resolves once every message of `batch` is stored, dead-lettered or spooled. */
  readonly handle = (batch: readonly InboundMessage[]): Promise<void> =>
    this.serial(async () => {
      const spool = this.deps.spool;
      if (spool && spool.messages > 0) {
        // Behind what waits in the spool, so that readings reach the layers in the order they came.
        await this.keep(batch, null);
        return;
      }
      try {
        await this.storeIsolating(batch, this.timing.retryMs);
      } catch (e) {
        if (!this.deps.isUnavailable(e)) throw e;
        await this.keep(batch, e);
      }
    });

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Spools a batch the database cannot take now; rejects (nothing kept) when there is no room. */
  private async keep(batch: readonly InboundMessage[], cause: unknown): Promise<void> {
    const { spool, metrics, pipeline } = this.deps;
    if (cause !== null) metrics.ingestBatchFailures.inc({ pipeline, kind: 'unavailable' });
    if (!spool || !(await spool.append(batch))) throw new NotKeptError(pipeline, cause);
    this.updateSpoolGauge();
    this.scheduleDrain(cause === null ? 0 : this.drainDelay);
  }

  /**
   * Stores `batch`; a failure other than unavailability is retried after each of `retries`, then the batch
   * is split and each half stored the same way (one short retry), down to single messages, which are
   * dead-lettered. Rejects only when the database is unavailable (or a dead letter cannot be stored).
   */
  private async storeIsolating(batch: readonly InboundMessage[], retries: readonly number[]): Promise<void> {
    const { metrics, pipeline, logger } = this.deps;
    let error: Error | undefined;
    for (let attempt = 0; attempt <= retries.length; attempt++) {
      if (attempt > 0) await sleep(retries[attempt - 1]!);
      try {
        await this.deps.store(batch);
        this.committed();
        return;
      } catch (e) {
        if (this.deps.isUnavailable(e)) throw e;
        error = e instanceof Error ? e : new Error(String(e));
        metrics.ingestBatchFailures.inc({ pipeline, kind: 'content' });
      }
    }
    if (batch.length === 1) {
      const [message] = batch;
      await this.deps.deadLetter(message!, error!);
      this.committed();
      metrics.ingestIsolated.inc({ pipeline });
      logger.warn(
        { pipeline, topic: message!.topic, err: error!.message },
        'message the database refused isolated to dead_letters',
      );
      return;
    }
    logger.warn(
      { pipeline, messages: batch.length, err: error!.message },
      'batch refused by the database; splitting it to isolate the message',
    );
    const mid = Math.ceil(batch.length / 2);
    await this.storeIsolating(batch.slice(0, mid), [this.timing.splitRetryMs]);
    await this.storeIsolating(batch.slice(mid), [this.timing.splitRetryMs]);
  }

  private scheduleDrain(delay: number): void {
    if (this.stopped || this.drainTimer) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      void this.serial(() => this.drainOne());
    }, delay);
  }

  /**
   * Stores the spool's oldest batches (up to DRAIN_MESSAGES together: while it drains, every arriving
   * batch is spooled too, and one small batch per transaction would not catch up) and removes them; on
   * unavailability waits longer each time.
   */
  private async drainOne(): Promise<void> {
    const spool = this.deps.spool;
    if (this.stopped || !spool) return;
    const batches = await spool.head(DRAIN_MESSAGES);
    if (batches.length === 0) return this.updateSpoolGauge();
    try {
      await this.storeIsolating(
        batches.flatMap((b) => b.messages),
        this.timing.retryMs,
      );
    } catch (e) {
      this.deps.logger.warn(
        { pipeline: this.deps.pipeline, spooled: spool.messages, err: (e as Error).message },
        'spool not drained: database still unavailable',
      );
      this.scheduleDrain(this.drainDelay);
      this.drainDelay = Math.min(this.drainDelay * 2, this.timing.drainMaxMs);
      return;
    }
    for (const b of batches) await spool.remove(b.id);
    this.updateSpoolGauge();
    this.drainDelay = this.timing.drainMinMs;
    if (spool.messages > 0) this.scheduleDrain(0);
    else this.deps.logger.info({ pipeline: this.deps.pipeline }, 'spool drained');
  }

  private committed(): void {
    this.lastCommit = this.deps.clock.now().getTime();
  }

  private updateSpoolGauge(): void {
    this.deps.metrics.ingestSpooled.set({ pipeline: this.deps.pipeline }, this.deps.spool?.messages ?? 0);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
