import type { Queryable } from '../storage/db.ts';
import type { Role } from './principal.ts';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  agency_id: string | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface AgencyRow {
  id: string;
  name_vi: string;
  name_en: string;
  kind: string;
  ward_code: string | null;
  phone: string | null;
}

const COLUMNS = `id::int AS id, username, display_name, password_hash, role, agency_id, active, created_at, updated_at`;

/** Usernames compare case-insensitively: they are stored and looked up trimmed and in lower case. */
export const normaliseUsername = (username: string): string => username.trim().toLowerCase();

export class UserRepository {
  constructor(private readonly db: Queryable) {}

  async count(q: Queryable = this.db): Promise<number> {
    const [row] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM users`);
    return row?.n ?? 0;
  }

  async byUsername(username: string, q: Queryable = this.db): Promise<UserRow | null> {
    const [row] = await q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [
      normaliseUsername(username),
    ]);
    return row ?? null;
  }

  async byId(id: number, q: Queryable = this.db): Promise<UserRow | null> {
    const [row] = await q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return row ?? null;
  }

  async list(q: Queryable = this.db): Promise<UserRow[]> {
    return q.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username`);
  }

  /** Null when the username is taken. */
  async create(
    u: { username: string; displayName: string; passwordHash: string; role: Role; agencyId: string | null },
    q: Queryable = this.db,
  ): Promise<UserRow | null> {
    const [row] = await q.query<UserRow>(
      `INSERT INTO users (username, display_name, password_hash, role, agency_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (username) DO NOTHING RETURNING ${COLUMNS}`,
      [normaliseUsername(u.username), u.displayName, u.passwordHash, u.role, u.agencyId],
    );
    return row ?? null;
  }

  async update(
    id: number,
    patch: {
      displayName?: string;
      passwordHash?: string;
      role?: Role;
      agencyId?: string | null;
      active?: boolean;
    },
    q: Queryable = this.db,
  ): Promise<UserRow | null> {
    const [row] = await q.query<UserRow>(
      `UPDATE users SET
         display_name = COALESCE($2, display_name),
         password_hash = COALESCE($3, password_hash),
         role = COALESCE($4, role),
         agency_id = CASE WHEN $5::boolean THEN $6 ELSE agency_id END,
         active = COALESCE($7, active),
         updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        patch.displayName ?? null,
        patch.passwordHash ?? null,
        patch.role ?? null,
        patch.agencyId !== undefined,
        patch.agencyId ?? null,
        patch.active ?? null,
      ],
    );
    return row ?? null;
  }

  /** Active admins other than `exceptId`: an admin may not demote or disable the last one. */
  async otherActiveAdmins(exceptId: number, q: Queryable = this.db): Promise<number> {
    const [row] = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active AND id <> $1`,
      [exceptId],
    );
    return row?.n ?? 0;
  }

  async agencies(q: Queryable = this.db): Promise<AgencyRow[]> {
    return q.query<AgencyRow>(
      `SELECT id, name_vi, name_en, kind, ward_code, phone FROM agencies ORDER BY id`,
    );
  }

  async agencyExists(id: string, q: Queryable = this.db): Promise<boolean> {
    return (await q.query(`SELECT 1 FROM agencies WHERE id = $1`, [id])).length === 1;
  }
}
