import type { Queryable } from '../storage/db.ts';

export interface DeviceCredentialRow {
  id: number;
  device_id: string;
  hint: string;
  created_by: number | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = `id::int AS id, device_id, hint, created_by::int AS created_by, created_at, last_used_at, revoked_at`;

/** The MQTT credentials of devices (0008_device_credentials.sql), stored as SHA-256. */
export class DeviceCredentialRepository {
  constructor(private readonly db: Queryable) {}

  /** The registered kind of a device (`camera` for cameras), or null when there is no such device. */
  async deviceKind(deviceId: string, q: Queryable = this.db): Promise<string | null> {
    const [row] = await q.query<{ kind: string }>(`SELECT kind FROM devices WHERE id = $1`, [deviceId]);
    return row?.kind ?? null;
  }

  /** Every credential the device had, newest first (revoked ones stay for the audit). */
  async list(deviceId: string, q: Queryable = this.db): Promise<DeviceCredentialRow[]> {
    return q.query<DeviceCredentialRow>(
      `SELECT ${COLUMNS} FROM device_credentials WHERE device_id = $1 ORDER BY id DESC`,
      [deviceId],
    );
  }

  /** The device's usable credential, or null. */
  async active(deviceId: string, q: Queryable = this.db): Promise<DeviceCredentialRow | null> {
    const [row] = await q.query<DeviceCredentialRow>(
      `SELECT ${COLUMNS} FROM device_credentials WHERE device_id = $1 AND revoked_at IS NULL`,
      [deviceId],
    );
    return row ?? null;
  }

  /** Revokes the device's usable credential, if any; returns it as it was and as it is now. */
  async revokeActive(
    deviceId: string,
    q: Queryable = this.db,
  ): Promise<{ before: DeviceCredentialRow; after: DeviceCredentialRow } | null> {
    const before = await this.active(deviceId, q);
    if (!before) return null;
    const [after] = await q.query<DeviceCredentialRow>(
      `UPDATE device_credentials SET revoked_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [before.id],
    );
    return { before, after: after! };
  }

  /** Call with the previous one revoked in the same transaction (one usable credential per device). */
  async create(
    c: { deviceId: string; secretHash: string; hint: string; createdBy: number | null },
    q: Queryable = this.db,
  ): Promise<DeviceCredentialRow> {
    const [row] = await q.query<DeviceCredentialRow>(
      `INSERT INTO device_credentials (device_id, secret_hash, hint, created_by) VALUES ($1, $2, $3, $4)
       RETURNING ${COLUMNS}`,
      [c.deviceId, c.secretHash, c.hint, c.createdBy],
    );
    return row!;
  }

  /**
   * The device and its registered kind when this is its usable secret (by hash: the secret itself is
   * never stored), else null. Records the login at most once a minute.
   */
  async check(
    deviceId: string,
    secretHash: string,
    q: Queryable = this.db,
  ): Promise<{ id: number; deviceId: string; kind: string } | null> {
    const [row] = await q.query<{ id: number; device_id: string; kind: string; stale: boolean }>(
      `SELECT c.id::int AS id, c.device_id, d.kind,
              (c.last_used_at IS NULL OR c.last_used_at < now() - interval '1 minute') AS stale
       FROM device_credentials c JOIN devices d ON d.id = c.device_id
       WHERE c.secret_hash = $1 AND c.device_id = $2 AND c.revoked_at IS NULL`,
      [secretHash, deviceId],
    );
    if (!row) return null;
    if (row.stale)
      await q.query(`UPDATE device_credentials SET last_used_at = now() WHERE id = $1`, [row.id]);
    return { id: row.id, deviceId: row.device_id, kind: row.kind };
  }
}
