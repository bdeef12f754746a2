import type { Queryable } from '../storage/db.ts';
import type { Role } from './principal.ts';

/** A live session joined with its (active) user. */
export interface SessionUser {
  id_hash: string;
  user_id: number;
  username: string;
  display_name: string;
  role: Role;
  agency_id: string | null;
  /** Seconds since the session was last used (for the throttled last-seen update). */
  idle_s: number;
  expires_at: Date;
}

/**
 * Server-side sessions (0005_access.sql). Validity is decided in SQL with the database clock, so every
 * replica agrees: not expired (absolute), used within `idleS` (idle), user still active.
 */
export class SessionRepository {
  constructor(private readonly db: Queryable) {}

  async create(
    s: { idHash: string; userId: number; maxS: number; ip: string | null; userAgent: string | null },
    q: Queryable = this.db,
  ): Promise<{ expires_at: Date }> {
    const [row] = await q.query<{ expires_at: Date }>(
      `INSERT INTO sessions (id_hash, user_id, expires_at, ip, user_agent)
       VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5) RETURNING expires_at`,
      [s.idHash, s.userId, s.maxS, s.ip, s.userAgent],
    );
    return row!;
  }

  async valid(idHashes: readonly string[], idleS: number, q: Queryable = this.db): Promise<SessionUser[]> {
    if (idHashes.length === 0) return [];
    return q.query<SessionUser>(
      `SELECT s.id_hash, u.id::int AS user_id, u.username, u.display_name, u.role, u.agency_id, s.expires_at,
              extract(epoch FROM now() - s.last_seen_at)::float8 AS idle_s
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id_hash = ANY($1::text[]) AND u.active AND s.expires_at > now()
         AND s.last_seen_at > now() - make_interval(secs => $2)`,
      [idHashes, idleS],
    );
  }

  async touch(idHashes: readonly string[], q: Queryable = this.db): Promise<void> {
    if (idHashes.length === 0) return;
    await q.query(`UPDATE sessions SET last_seen_at = now() WHERE id_hash = ANY($1::text[])`, [idHashes]);
  }

  async delete(idHash: string, q: Queryable = this.db): Promise<boolean> {
    return (await q.query(`DELETE FROM sessions WHERE id_hash = $1 RETURNING 1`, [idHash])).length > 0;
  }

  /** Ends every session of a user (deactivated, password reset, role changed). */
  async deleteForUser(userId: number, q: Queryable = this.db): Promise<number> {
    return (await q.query(`DELETE FROM sessions WHERE user_id = $1 RETURNING 1`, [userId])).length;
  }

  async deleteExpired(idleS: number, q: Queryable = this.db): Promise<number> {
    return (
      await q.query(
        `DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1) RETURNING 1`,
        [idleS],
      )
    ).length;
  }
}
