import type { DeadLetter } from '../ingest/ports.ts';
import type { Queryable } from './db.ts';

export interface DeadLetterRow {
  id: number;
  received_at: Date;
  source: string;
  reason_code: string;
  reason: string;
  topic: string | null;
  /** The raw payload, base64 (it may be any bytes). */
  payload_base64: string | null;
  details: unknown;
}

export class DeadLetterRepository {
  constructor(private readonly db: Queryable) {}

  /** One statement per batch. Payloads travel as base64 text so any bytes survive both drivers. */
  async insertBatch(q: Queryable, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await q.query(
      `INSERT INTO dead_letters (received_at, source, reason_code, reason, topic, payload, details)
       SELECT r, s, c, why, t, decode(p, 'base64'), d
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
         AS x(r, s, c, why, t, p, d)`,
      [
        letters.map((l) => l.receivedAt),
        letters.map((l) => l.source),
        letters.map((l) => l.reasonCode),
        letters.map((l) => l.reason),
        letters.map((l) => l.topic),
        letters.map((l) => (l.payload ? Buffer.from(l.payload).toString('base64') : null)),
        letters.map((l) => (l.details === undefined ? null : JSON.stringify(l.details))),
      ],
    );
  }

  async recent(limit = 100, source?: string): Promise<DeadLetterRow[]> {
    return this.db.query<DeadLetterRow>(
      `SELECT id::int AS id, received_at, source, reason_code, reason, topic,
              encode(payload, 'base64') AS payload_base64, details
       FROM dead_letters WHERE ($2::text IS NULL OR source = $2) ORDER BY id DESC LIMIT $1`,
      [limit, source ?? null],
    );
  }
}
