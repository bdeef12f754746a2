import { ATTACHMENT_LIMITS, type Attachment, type AttachmentRejectReason } from '@hue-ioc/layers';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
import type { Db, Queryable } from '../storage/db.ts';
import type { AttachmentRepository, AttachmentRow } from '../storage/attachment.repository.ts';
import type { AttachmentStore } from '../storage/attachment.store.ts';
import { prepareAttachment } from './attachment-file.ts';

/**
 * The one way a case changes outside a transition (WorkflowService.update, incidents/workflow.service.ts):
 * `fn` sees the locked row, returns the event to write; the version is bumped and the change published.
 */
export interface IncidentUpdater {
  update(
    id: string,
    actor: string,
    fn: (
      row: { id: string; agency_id: string | null },
      tx: Queryable,
    ) => Promise<{
      set: Record<string, never>;
      event: { type: string; data: Record<string, unknown> };
    } | null>,
  ): Promise<{ version: number } | null>;
}

export interface AttachmentServiceDeps {
  db: Db;
  repo: AttachmentRepository;
  store: AttachmentStore;
  /** The workflow, once it is loaded (it loads after this plugin). */
  updater: () => IncidentUpdater;
}

export interface UploadCommand {
  incidentId: string;
  /** The agency the caller is limited to (agencyScope), or null for the desk. */
  agencyScope: string | null;
  /** The event's actor (a username). */
  actor: string;
  /** The principal id kept in `uploaded_by`. */
  uploadedBy: string;
  clientName: string;
  bytes: Uint8Array;
  public: boolean;
}

export const invalid = (reason: AttachmentRejectReason, detectedType?: string): AppError =>
  new AppError('IOC_ATTACHMENT_INVALID', REASON_TEXT[reason], {
    reason,
    ...(detectedType ? { detectedType } : {}),
  });

const MB = ATTACHMENT_LIMITS.maxBytes / 1024 / 1024;
const REASON_TEXT: Record<AttachmentRejectReason, string> = {
  no_file: 'send exactly one file, in the form field "file"',
  empty: 'the file is empty',
  wrong_type: "only JPEG, PNG and WebP photos and PDF documents are accepted (decided by the file's content)",
  too_large: `the file is larger than ${MB} MB`,
  too_many: `an incident has at most ${ATTACHMENT_LIMITS.maxPerIncident} attachments`,
  polyglot: 'the file holds web page markup in its first bytes',
  active_content: 'the PDF holds scripts, launch actions or embedded files',
  corrupt: 'the image or document cannot be read',
};

/**
 * Attachments of incidents (issue 12, item 4): checks and re-encodes the bytes (attachment-file.ts),
 * keeps them in the store under their SHA-256, and records them on the case with an `attachment` event
 * through the workflow, so the version moves and consoles reload it.
 */
export class AttachmentService {
  constructor(private readonly deps: AttachmentServiceDeps) {}

  /** What GET /api/incidents/:id lists. */
  async list(incidentId: string): Promise<Attachment[]> {
    return (await this.deps.repo.list(incidentId)).map(toAttachment);
  }

  /**
   * Before the body is read: 404 for a missing or another unit's case, too_many when it is full. Checked
   * again under the row lock when the file is recorded.
   */
  async precheck(incidentId: string, agencyScope: string | null): Promise<void> {
    const rows = await this.deps.db.query<{ agency_id: string | null }>(
      `SELECT agency_id FROM incidents WHERE id = $1`,
      [incidentId],
    );
    const row = rows[0];
    if (!row || (agencyScope !== null && row.agency_id !== agencyScope))
      throw new AppError('IOC_INCIDENT_NOT_FOUND', `no incident ${incidentId}`);
    if ((await this.deps.repo.count(incidentId)) >= ATTACHMENT_LIMITS.maxPerIncident)
      throw invalid('too_many');
  }

  async upload(cmd: UploadCommand): Promise<{ attachment: Attachment; incidentVersion: number }> {
    const prepared = await prepareAttachment(cmd.bytes, cmd.clientName);
    if (!prepared.ok) throw invalid(prepared.reason, prepared.detectedType);
    const file = prepared.file;
    // Stored before it is recorded: a row never points at missing bytes. If recording fails the object
    // may stay unreferenced (content-addressed, so a retry reuses it).
    await this.deps.store.put(file.sha256, file.data);
    let row: AttachmentRow | undefined;
    const after = await this.deps.updater().update(cmd.incidentId, cmd.actor, async (incident, tx) => {
      if (cmd.agencyScope !== null && incident.agency_id !== cmd.agencyScope)
        throw new AppError('IOC_INCIDENT_NOT_FOUND', `no incident ${cmd.incidentId}`);
      if ((await this.deps.repo.count(cmd.incidentId, tx)) >= ATTACHMENT_LIMITS.maxPerIncident)
        throw invalid('too_many');
      row = await this.deps.repo.insert(tx, {
        incident_id: cmd.incidentId,
        filename: file.filename,
        content_type: file.contentType,
        bytes: file.data.length,
        sha256: file.sha256,
        storage_key: file.sha256,
        width: file.width,
        height: file.height,
        uploaded_by: cmd.uploadedBy,
        public: cmd.public,
      });
      return {
        set: {},
        event: {
          type: 'attachment',
          data: {
            attachmentId: row.id,
            filename: row.filename,
            contentType: row.content_type,
            bytes: row.bytes,
            public: row.public,
          },
        },
      };
    });
    if (!after || !row) throw new AppError('IOC_INCIDENT_NOT_FOUND', `no incident ${cmd.incidentId}`);
    return { attachment: toAttachment(row), incidentVersion: after.version };
  }

  /** The attachment and its bytes, or 404 when it does not exist or its case is another unit's. */
  async open(
    id: string,
    agencyScope: string | null,
  ): Promise<{ attachment: AttachmentRow; stream: Readable; bytes: number }> {
    const row = await this.deps.repo.get(id);
    if (!row || (agencyScope !== null && row.agency_id !== agencyScope))
      throw new AppError('IOC_ATTACHMENT_NOT_FOUND', `no attachment ${id}`);
    const object = await this.deps.store.get(row.storage_key);
    if (!object) throw new Error(`attachment ${id}: object ${row.storage_key} is missing from the store`);
    return { attachment: row, ...object };
  }
}

export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    filename: row.filename,
    contentType: row.content_type,
    bytes: row.bytes,
    url: `/api/attachments/${row.id}`,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
    ...(row.width !== null ? { width: row.width } : {}),
    ...(row.height !== null ? { height: row.height } : {}),
  };
}

/**
 * Until the workflow plugin is loaded (tests of a subset): the same contract — the row locked, the version
 * bumped, one event — without the hooks and the publishing the workflow adds.
 */
export function directUpdater(db: Db): IncidentUpdater {
  return {
    async update(id, actor, fn) {
      return db.transaction(async (tx) => {
        const [row] = await tx.query<{ id: string; agency_id: string | null }>(
          `SELECT id, agency_id FROM incidents WHERE id = $1 FOR UPDATE`,
          [id],
        );
        if (!row) return null;
        const change = await fn(row, tx);
        if (!change) return null;
        const [after] = await tx.query<{ version: number }>(
          `UPDATE incidents SET version = version + 1, updated_at = now() WHERE id = $1 RETURNING version`,
          [id],
        );
        await tx.query(
          `INSERT INTO incident_events (incident_id, type, actor, data) VALUES ($1, $2, $3, $4::jsonb)`,
          [id, change.event.type, actor, JSON.stringify({ ...change.event.data, version: after!.version })],
        );
        return after!;
      });
    },
  };
}
