import type { Logger } from '@hue-ioc/streams';
import type { DeadLetter, DeadLetterSink } from '../ingest/ports.ts';
import type { Metrics } from '../metrics.ts';
import type { Db, Queryable } from './db.ts';
import type { DeadLetterRepository } from './dead-letter.repository.ts';

/**
 * The one DeadLetterSink: every channel's refused inputs go to dead_letters, are counted in
 * `ioc_dead_letters_total{source, reason}` and in their channel's own refusal counter, and leave one warn
 * line (source, topic, code, reason; never the payload, which may hold personal data).
 */
export class StoredDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly deps: { db: Db; repo: DeadLetterRepository; metrics: Metrics; logger: Logger },
  ) {}

  async reject(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.deps.repo.insertBatch(this.deps.db, letters);
    this.recorded(letters);
  }

  /**
   * For another storage port that keeps a batch's rejects in its own transaction (readings and their
   * batch's dead letters commit together): stores them in `tx`; call `recorded` once it has committed.
   */
  insertIn(tx: Queryable, letters: readonly DeadLetter[]): Promise<void> {
    return this.deps.repo.insertBatch(tx, letters);
  }

  /** Counts and logs letters that are stored. */
  recorded(letters: readonly DeadLetter[]): void {
    const { metrics, logger } = this.deps;
    for (const l of letters) {
      metrics.deadLetters.inc({ source: l.source, reason: l.reasonCode });
      if (WEBHOOK_SOURCES.has(l.source)) metrics.webhookRejects.inc({ source: l.source, code: l.reasonCode });
      else if (l.source === 'mqtt') metrics.ingestMessages.inc({ source: 'mqtt', outcome: 'rejected' });
      logger.warn(
        { source: l.source, topic: l.topic, code: l.reasonCode, reason: l.reason },
        'input rejected to dead_letters',
      );
    }
  }
}

/** Signed webhooks: their refusals (signature, size, schema) are also `ioc_webhook_rejects_total`. */
const WEBHOOK_SOURCES: ReadonlySet<string> = new Set(['hue-s', 'hotline', 'kpi']);
