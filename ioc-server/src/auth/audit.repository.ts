import type { Queryable } from '../storage/db.ts';

export interface AuditEvent {
  actorUserId: number | null;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  before?: unknown;
  after?: unknown;
  correlationId: string | null;
}

export interface AuditRow {
  ts: Date;
  /** `ts` as the database prints it (microseconds), for cursors. */
  ts_text: string;
  id: number;
  actor_user_id: number | null;
  actor_username: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
  correlation_id: string | null;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  /** Position after which to continue: `ts` text and id of the last row of the previous page. */
  after?: { ts: string; id: number };
  limit: number;
}

/** The access audit trail (audit_events hypertable). */
export class AuditRepository {
  constructor(private readonly db: Queryable) {}

  async record(e: AuditEvent, q: Queryable = this.db): Promise<void> {
    await q.query(
      `INSERT INTO audit_events (actor_user_id, actor_username, actor_role, action, target_type, target_id, ip, before, after, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)`,
      [
        e.actorUserId,
        e.actorUsername,
        e.actorRole,
        e.action,
        e.targetType,
        e.targetId,
        e.ip,
        e.before === undefined ? null : JSON.stringify(e.before),
        e.after === undefined ? null : JSON.stringify(e.after),
        e.correlationId,
      ],
    );
  }

  /** Newest first; `ts` comes back as text so a cursor keeps the database's microseconds. */
  async list(f: AuditQuery, q: Queryable = this.db): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.actor !== undefined) add('actor_username = ?', f.actor.trim().toLowerCase());
    if (f.action !== undefined) add('action = ?', f.action);
    if (f.from !== undefined) add('ts >= ?::timestamptz', f.from);
    if (f.to !== undefined) add('ts < ?::timestamptz', f.to);
    if (f.after !== undefined) {
      params.push(f.after.ts, f.after.id);
      where.push(`(ts, id) < ($${params.length - 1}::timestamptz, $${params.length}::int8)`);
    }
    params.push(f.limit);
    return q.query<AuditRow>(
      `SELECT ts, ts::text AS ts_text, id::int AS id, actor_user_id::int AS actor_user_id, actor_username, actor_role, action,
              target_type, target_id, ip, before, after, correlation_id
       FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ts DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Failed logins for this username from this address in the window, not counting those before the
   * last successful login from there; and when the oldest counted one happened (for Retry-After).
   */
  async recentFailures(
    username: string,
    ip: string | null,
    windowS: number,
    q: Queryable = this.db,
  ): Promise<{ count: number; oldest: Date | null }> {
    const [row] = await q.query<{ count: number; oldest: Date | null }>(
      `WITH since AS (
         SELECT greatest(now() - make_interval(secs => $3),
                         coalesce((SELECT max(ts) FROM audit_events
                                   WHERE action = 'auth.login' AND target_id = $1 AND ip IS NOT DISTINCT FROM $2
                                     AND ts > now() - make_interval(secs => $3)), '-infinity')) AS t)
       SELECT count(*)::int AS count, min(ts) AS oldest FROM audit_events, since
       WHERE action = 'auth.login_failed' AND target_id = $1 AND ip IS NOT DISTINCT FROM $2 AND ts > since.t`,
      [username, ip, windowS],
    );
    return { count: row?.count ?? 0, oldest: row?.oldest ?? null };
  }
}
