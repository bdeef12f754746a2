import type { NextState } from '../outbox/delivery-policy.ts';
import type { NewOutboxMessage, OutboxChannel, OutboxKind } from '../outbox/outbox-messages.ts';
import type { Queryable } from './db.ts';
import { storableText } from './dead-letter.repository.ts';

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'dead' | 'held';

export interface OutboxRow {
  /** bigint, as text (both drivers agree on text). */
  id: string;
  created_at: Date;
  incident_id: string;
  kind: OutboxKind;
  channel: OutboxChannel;
  idempotency_key: string;
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
}

const COLUMNS = `id::text AS id, created_at, incident_id, kind, channel, idempotency_key, payload, status, attempts,
  next_attempt_at, last_error, sent_at`;
const MAX_ERROR_CHARS = 1000;

/**
 * The outbox table (migrations/0010_outbox.sql). Rows are written inside the workflow's transaction
 * (`enqueue` takes its `tx`); the worker claims, sends and settles them; admins list and re-queue them.
 */
export class OutboxRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Writes the messages of one change; one already there (same idempotency key) is left as it is.
   * `held` names the channels that cannot be sent from here now and why (HUES_CALLBACK_URL unset).
   */
  async enqueue(
    tx: Queryable,
    messages: readonly NewOutboxMessage[],
    held: ReadonlyMap<OutboxChannel, string> = new Map(),
  ): Promise<number> {
    let n = 0;
    for (const m of messages) {
      const why = held.get(m.channel) ?? null;
      const rows = await tx.query(
        `INSERT INTO outbox (incident_id, kind, channel, idempotency_key, payload, status, last_error)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1`,
        [
          m.incidentId,
          m.kind,
          m.channel,
          m.idempotencyKey,
          JSON.stringify(m.payload),
          why ? 'held' : 'pending',
          why,
        ],
      );
      n += rows.length;
    }
    return n;
  }

  /**
   * Takes up to `limit` messages to send now, oldest first, for `leaseMs`: only the oldest pending message
   * of each incident and channel (a later one waits for the earlier, even while that one waits out its
   * backoff), and none another node holds. `FOR UPDATE SKIP LOCKED` lets several nodes claim at once
   * without taking the same row; the lease (claimed_until) keeps the row theirs while they send it, and
   * gives it back if a node dies mid-send. Each claim counts as an attempt.
   */
  async claim(nodeId: string, limit: number, leaseMs: number): Promise<OutboxRow[]> {
    return this.db.query<OutboxRow>(
      `WITH heads AS (
         SELECT o.id FROM outbox o
         WHERE o.status = 'pending' AND o.next_attempt_at <= now()
           AND (o.claimed_until IS NULL OR o.claimed_until < now())
           AND NOT EXISTS (
             SELECT 1 FROM outbox e
             WHERE e.status = 'pending' AND e.incident_id = o.incident_id AND e.channel = o.channel AND e.id < o.id)
         ORDER BY o.id
         LIMIT $2
         FOR UPDATE OF o SKIP LOCKED)
       UPDATE outbox SET claimed_by = $1, claimed_until = now() + ($3::int * INTERVAL '1 millisecond'),
         attempts = outbox.attempts + 1
       FROM heads WHERE outbox.id = heads.id
       RETURNING ${COLUMNS.replace('id::text', 'outbox.id::text')}`,
      [nodeId, limit, leaseMs],
    );
  }

  /** Settles a claimed message (only while this node still holds it). */
  async settle(id: string, nodeId: string, next: NextState): Promise<boolean> {
    const error = next.status === 'sent' ? null : storableText(next.error, MAX_ERROR_CHARS);
    const rows = await this.db.query(
      `UPDATE outbox SET status = $3, last_error = $4,
         sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END,
         next_attempt_at = coalesce($5::timestamptz, next_attempt_at),
         claimed_by = NULL, claimed_until = NULL
       WHERE id = $1::bigint AND claimed_by = $2 RETURNING 1`,
      [id, nodeId, next.status, error, next.status === 'pending' ? next.nextAttemptAt : null],
    );
    return rows.length === 1;
  }

  /** Gives back what this node claimed and did not settle (a stop that could not wait for a send). */
  async release(nodeId: string): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1 AND status = 'pending'`,
      [nodeId],
    );
  }

  /** Held messages of a channel that can now be sent become pending (at start, once it is configured). */
  async releaseHeld(channel: OutboxChannel): Promise<number> {
    const rows = await this.db.query(
      `UPDATE outbox SET status = 'pending', next_attempt_at = now(), last_error = NULL
       WHERE status = 'held' AND channel = $1 RETURNING 1`,
      [channel],
    );
    return rows.length;
  }

  /** Re-queues a failed, dead or held message with fresh attempts; null when there is no such row. */
  async retry(id: string): Promise<{ row: OutboxRow; retried: boolean; before: OutboxStatus } | null> {
    const rows = await this.db.query<OutboxRow & { before: OutboxStatus }>(
      `WITH old AS (SELECT id, status FROM outbox WHERE id = $1::bigint FOR UPDATE)
       UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), claimed_by = NULL, claimed_until = NULL
       FROM old WHERE outbox.id = old.id AND old.status IN ('failed', 'dead', 'held')
       RETURNING ${COLUMNS.replace('id::text', 'outbox.id::text').replace(' status,', ' outbox.status,')}, old.status AS before`,
      [id],
    );
    if (rows[0]) {
      const { before, ...row } = rows[0];
      return { row, retried: true, before };
    }
    const row = await this.get(id);
    return row ? { row, retried: false, before: row.status } : null;
  }

  async get(id: string): Promise<OutboxRow | null> {
    const rows = await this.db.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = $1::bigint`, [id]);
    return rows[0] ?? null;
  }

  /** Newest first; `before` is the last id of the previous page. */
  async list(q: {
    statuses?: readonly OutboxStatus[];
    before?: string;
    limit: number;
  }): Promise<OutboxRow[]> {
    return this.db.query<OutboxRow>(
      `SELECT ${COLUMNS} FROM outbox
       WHERE ($1::text[] IS NULL OR status = ANY($1::text[])) AND ($2::bigint IS NULL OR id < $2::bigint)
       ORDER BY id DESC LIMIT $3`,
      [q.statuses && q.statuses.length > 0 ? q.statuses : null, q.before ?? null, q.limit],
    );
  }

  /** The messages of one incident in the order they were written (tests, the timeline). */
  async ofIncident(incidentId: string): Promise<OutboxRow[]> {
    return this.db.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE incident_id = $1 ORDER BY id`, [
      incidentId,
    ]);
  }

  /** Messages per status and channel (the metrics gauge). */
  async counts(): Promise<{ status: OutboxStatus; channel: OutboxChannel; n: number }[]> {
    return this.db.query(
      `SELECT status, channel, count(*)::int AS n FROM outbox WHERE status <> 'sent' GROUP BY status, channel`,
    );
  }
}
