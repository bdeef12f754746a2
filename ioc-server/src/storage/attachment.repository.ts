import type { Queryable } from './db.ts';

export interface AttachmentRow {
  id: string;
  incident_id: string;
  filename: string;
  content_type: string;
  bytes: number;
  sha256: string;
  storage_key: string;
  width: number | null;
  height: number | null;
  uploaded_by: string;
  uploaded_at: Date;
  public: boolean;
}

export type NewAttachment = Omit<AttachmentRow, 'id' | 'uploaded_at'>;

const COLUMNS = `id, incident_id, filename, content_type, bytes, sha256, storage_key, width, height, uploaded_by,
  uploaded_at, public`;

/** The attachments table (migration 0012); the bytes are in an AttachmentStore. */
export class AttachmentRepository {
  constructor(private readonly db: Queryable) {}

  async list(incidentId: string, q: Queryable = this.db): Promise<AttachmentRow[]> {
    return q.query<AttachmentRow>(
      `SELECT ${COLUMNS} FROM attachments WHERE incident_id = $1 ORDER BY uploaded_at, id`,
      [incidentId],
    );
  }

  async count(incidentId: string, q: Queryable = this.db): Promise<number> {
    const [row] = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM attachments WHERE incident_id = $1`,
      [incidentId],
    );
    return row?.n ?? 0;
  }

  /** The attachment with the agency its incident is with now (for the own-agency check). */
  async get(id: string): Promise<(AttachmentRow & { agency_id: string | null }) | null> {
    const rows = await this.db.query<AttachmentRow & { agency_id: string | null }>(
      `SELECT a.*, i.agency_id FROM attachments a JOIN incidents i ON i.id = a.incident_id WHERE a.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async insert(q: Queryable, a: NewAttachment): Promise<AttachmentRow> {
    const [row] = await q.query<AttachmentRow>(
      `INSERT INTO attachments (id, incident_id, filename, content_type, bytes, sha256, storage_key, width, height,
          uploaded_by, public)
       VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING ${COLUMNS}`,
      [
        a.incident_id,
        a.filename,
        a.content_type,
        a.bytes,
        a.sha256,
        a.storage_key,
        a.width,
        a.height,
        a.uploaded_by,
        a.public,
      ],
    );
    return row!;
  }
}
