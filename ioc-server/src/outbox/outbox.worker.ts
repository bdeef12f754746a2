import type { Logger } from '@hue-ioc/streams';
import type { OutboxRow } from '../storage/outbox.repository.ts';
import { nextState, type DeliveryResult, type NextState, type RetryPolicy } from './delivery-policy.ts';
import type { OutboxChannel } from './outbox-messages.ts';

/** The table as the worker uses it (OutboxRepository; a memory double in the worker's spec). */
export interface OutboxStore {
  claim(nodeId: string, limit: number, leaseMs: number): Promise<OutboxRow[]>;
  settle(id: string, nodeId: string, next: NextState): Promise<boolean>;
  release(nodeId: string): Promise<void>;
}

/** Sends one message over its channel; never throws (a thrown error counts as a transient failure). */
export type Sender = (row: OutboxRow, signal: AbortSignal) => Promise<DeliveryResult>;

export interface OutboxWorkerDeps {
  store: OutboxStore;
  senders: Readonly<Record<OutboxChannel, Sender>>;
  policy: RetryPolicy;
  nodeId: string;
  logger: Logger;
  /** Between looks at the table when nothing woke the worker (OUTBOX_POLL_MS). */
  pollMs: number;
  /** How long a claim holds a row: longer than one send (the 10 s request timeout) with margin. */
  leaseMs?: number;
  /** Messages sent at once (each of a different incident and channel). */
  batch?: number;
  /** How long `stop` waits for sends in flight before it aborts them. */
  drainMs?: number;
  now?: () => Date;
  random?: () => number;
  /** After every settled try: the metrics. */
  onSettled?: (row: OutboxRow, next: NextState) => void;
  /** After every pass that did something (or every poll): the metrics' gauge. */
  onPass?: () => Promise<void>;
}

/**
 * Delivers the outbox (issue 12, item 7): claims the messages due now, oldest first and one at a time per
 * incident and channel, sends them, and settles each (sent, a retry later with backoff, failed, dead, held).
 * Everything is in the table, so a restart loses nothing and several nodes share the work. Woken by every
 * commit of the workflow (`wake`) and by a poll (backoff deadlines, other nodes' messages).
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly abort = new AbortController();
  private readonly now: () => Date;

  constructor(private readonly deps: OutboxWorkerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Looks at the table now (or right after the pass in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.loop().finally(() => {
      this.running = null;
      this.schedule();
    });
  }

  /** One pass now, awaited (tests, and an admin's retry). */
  async drainOnce(): Promise<number> {
    return this.pass();
  }

  /**
   * Stops: no new claims; sends in flight get `drainMs` to finish and be settled, then are aborted (settled
   * as a transient failure, so they are tried again, by this node after a restart or by another one).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const inFlight = this.running;
    if (inFlight) {
      let timeout: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        inFlight.then(() => true),
        new Promise<boolean>((r) => (timeout = setTimeout(() => r(false), this.deps.drainMs ?? 5_000))),
      ]);
      clearTimeout(timeout);
      if (!drained) {
        this.abort.abort(new Error('stopping'));
        await inFlight.catch(() => undefined);
      }
    }
    await this.deps.store.release(this.deps.nodeId).catch((err: unknown) => {
      this.deps.logger.warn({ err }, 'outbox: could not release claims at stop (they expire by themselves)');
    });
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.wake();
      return;
    }
    this.timer = setTimeout(() => this.wake(), this.deps.pollMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    try {
      const batch = this.deps.batch ?? 10;
      // A full batch means more may be due: go on until a pass finds less.
      while (!this.stopped && (await this.pass()) >= batch);
      await this.deps.onPass?.();
    } catch (err) {
      // The database is down or the query failed: the poll tries again.
      this.deps.logger.warn({ err }, 'outbox: pass failed; trying again at the next poll');
    }
  }

  private async pass(): Promise<number> {
    const { store, nodeId } = this.deps;
    const rows = await store.claim(nodeId, this.deps.batch ?? 10, this.deps.leaseMs ?? 60_000);
    // The rows are heads of different incidents and channels: independent, sent together.
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const sender = this.deps.senders[row.channel];
    let result: DeliveryResult;
    try {
      result = sender
        ? await sender(row, this.abort.signal)
        : { ok: false, held: true, error: `no adapter for channel ${row.channel}` };
    } catch (err) {
      result = { ok: false, retryable: true, error: (err as Error).message ?? String(err) };
    }
    const next = nextState(result, row.attempts, this.deps.policy, this.now(), this.deps.random);
    const settled = await this.deps.store.settle(row.id, this.deps.nodeId, next);
    if (!settled) {
      // The lease ran out and another node took the row over: its try is the one that counts.
      this.deps.logger.warn({ outboxId: row.id }, 'outbox: a claim expired before its send was settled');
      return;
    }
    this.deps.onSettled?.(row, next);
    const log = {
      outboxId: row.id,
      incidentId: row.incident_id,
      channel: row.channel,
      attempts: row.attempts,
    };
    if (next.status === 'sent') this.deps.logger.debug(log, 'outbox: delivered');
    else if (next.status === 'pending')
      this.deps.logger.info({ ...log, error: next.error }, 'outbox: will retry');
    else this.deps.logger.warn({ ...log, status: next.status, error: next.error }, 'outbox: not delivered');
  }
}
