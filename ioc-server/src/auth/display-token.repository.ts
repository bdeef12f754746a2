import type { Queryable } from '../storage/db.ts';

export interface DisplayTokenRow {
  id: number;
  name: string;
  hint: string;
  created_by: number | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = `id::int AS id, name, hint, created_by::int AS created_by, created_at, last_used_at, revoked_at`;

/** Display tokens for wall screens (0005_access.sql), stored as SHA-256. */
export class DisplayTokenRepository {
  constructor(private readonly db: Queryable) {}

  /** Null when a token with this hash exists already (seeding is idempotent, a revoked one stays revoked). */
  async create(
    t: { name: string; tokenHash: string; hint: string; createdBy: number | null },
    q: Queryable = this.db,
  ): Promise<DisplayTokenRow | null> {
    const [row] = await q.query<DisplayTokenRow>(
      `INSERT INTO display_tokens (name, token_hash, hint, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (token_hash) DO NOTHING RETURNING ${COLUMNS}`,
      [t.name, t.tokenHash, t.hint, t.createdBy],
    );
    return row ?? null;
  }

  async activeByHash(tokenHash: string, q: Queryable = this.db): Promise<DisplayTokenRow | null> {
    const [row] = await q.query<DisplayTokenRow>(
      `SELECT ${COLUMNS} FROM display_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
      [tokenHash],
    );
    return row ?? null;
  }

  /** Which of these ids are still usable. */
  async activeIds(ids: readonly number[], q: Queryable = this.db): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await q.query<{ id: number }>(
      `SELECT id::int AS id FROM display_tokens WHERE id = ANY($1::int8[]) AND revoked_at IS NULL`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Records use at most once a minute per token, so a wall polling REST does not write on every call. */
  async markUsed(id: number, q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE display_tokens SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  async list(q: Queryable = this.db): Promise<DisplayTokenRow[]> {
    return q.query<DisplayTokenRow>(`SELECT ${COLUMNS} FROM display_tokens ORDER BY id`);
  }

  /** The row as it was before and after, or null when there is no such token. Revoking twice is a no-op. */
  async revoke(
    id: number,
    q: Queryable = this.db,
  ): Promise<{ before: DisplayTokenRow; after: DisplayTokenRow } | null> {
    const [before] = await q.query<DisplayTokenRow>(`SELECT ${COLUMNS} FROM display_tokens WHERE id = $1`, [
      id,
    ]);
    if (!before) return null;
    const [after] = await q.query<DisplayTokenRow>(
      `UPDATE display_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
      [id],
    );
    return { before, after: after! };
  }
}
