import type { ObservationBatch, ObservationSink } from '../ingest/ports.ts';
import type { Db } from './db.ts';
import type { DeviceRepository, DeviceRow } from './device.repository.ts';
import type { ObservationRepository } from './observation.repository.ts';
import type { StoredDeadLetterSink } from './dead-letter.sink.ts';

const NONE: ReadonlyMap<string, Date> = new Map();

function union(a: ReadonlyMap<string, Date>, b: ReadonlyMap<string, Date>): ReadonlyMap<string, Date> {
  if (a.size === 0) return b;
  const out = new Map(a);
  for (const [id, ts] of b) {
    const had = out.get(id);
    if (!had || ts > had) out.set(id, ts);
  }
  return out;
}

/**
 * Sensor batches in TimescaleDB: devices, observations and the batch's dead letters in one transaction.
 *
 * The devices' last-seen times (`devices.last_seen_at`, what the device list shows) are written at most once
 * per `touchEveryMs`, with the batch that comes after that time, or by a timer when no batch comes. Under a
 * burst that drops an UPDATE of every batch's devices (~a fifth of the usual batch's database time). The
 * readings themselves stay durable per batch as before: last-seen is a convenience column (the newest
 * `observations.ts` per device says the same), so what a crash can lose is at most `touchEveryMs` of it;
 * a clean shutdown writes what is pending (`flush`, after the MQTT source stopped).
 */
export class StoredObservationSink implements ObservationSink {
  private pending = new Map<string, Date>();
  private lastTouch = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly touchEveryMs: number;

  constructor(
    private readonly deps: {
      db: Db;
      devices: DeviceRepository;
      observations: ObservationRepository;
      deadLetters: StoredDeadLetterSink;
      /** How often last-seen times are written at most (ms); 0 writes them with every batch. */
      touchEveryMs?: number;
      now?: () => number;
      /** A timer's write failed (it retries every `touchEveryMs`) / succeeded. */
      onTouchError?: (err: unknown) => void;
      onTouched?: () => void;
    },
  ) {
    this.touchEveryMs = deps.touchEveryMs ?? 1000;
  }

  async storeBatch(batch: ObservationBatch): Promise<{ stored: number; registered: DeviceRow[] }> {
    const { db, devices, observations, deadLetters } = this.deps;
    const usual = batch.newDevices.length === 0 && batch.rejects.length === 0;
    // A batch registering devices writes what is pending with it (the new rows get their time at once).
    const due = !usual || this.due();
    const prior = due ? this.take() : NONE;
    const seen = due ? union(prior, batch.lastSeen) : NONE;
    try {
      // The usual batch (known devices, nothing refused): one atomic statement, no transaction round trips.
      if (usual) {
        const stored = await observations.insertBatchAndTouch(db, batch.readings, seen);
        if (!due) this.merge(batch.lastSeen);
        return { stored, registered: [] };
      }
      const result = await db.transaction(async (tx) => {
        const registered = await devices.autoRegister(tx, batch.newDevices);
        const stored = await observations.insertBatchAndTouch(tx, batch.readings, seen);
        await deadLetters.insertIn(tx, batch.rejects);
        return { stored, registered };
      });
      deadLetters.recorded(batch.rejects);
      return result;
    } catch (err) {
      // Not written: what earlier batches stored stays pending; this batch's times come with its redelivery.
      this.merge(prior);
      throw err;
    } finally {
      if (this.pending.size > 0) this.arm();
    }
  }

  /** Writes the pending last-seen times now (a clean shutdown, after the source stopped delivering). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const seen = this.take();
    try {
      await this.deps.observations.insertBatchAndTouch(this.deps.db, [], seen);
    } catch (err) {
      this.merge(seen);
      throw err;
    }
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : performance.now();
  }

  private due(): boolean {
    return this.touchEveryMs <= 0 || this.now() - this.lastTouch >= this.touchEveryMs;
  }

  private merge(seen: ReadonlyMap<string, Date>): void {
    for (const [id, ts] of seen) {
      const had = this.pending.get(id);
      if (!had || ts > had) this.pending.set(id, ts);
    }
  }

  private take(): ReadonlyMap<string, Date> {
    this.lastTouch = this.now();
    if (this.pending.size === 0) return NONE;
    const seen = this.pending;
    this.pending = new Map();
    return seen;
  }

  /** No batch may come for a while (a quiet network): a timer writes what is pending. */
  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().then(
        () => this.deps.onTouched?.(),
        (err: unknown) => {
          this.deps.onTouchError?.(err);
          if (this.pending.size > 0) this.arm();
        },
      );
    }, this.touchEveryMs);
    this.timer.unref();
  }
}
