import type { ImportJob, ImportJobStore } from '../ingest/ports.ts';
import type { Queryable } from './db.ts';

/** Bulk import progress (import_jobs). */
export class ImportJobRepository implements ImportJobStore {
  constructor(private readonly db: Queryable) {}

  async create(job: ImportJob, filename: string | null): Promise<void> {
    await this.db.query(
      `INSERT INTO import_jobs (id, source, filename, status, total) VALUES ($1, 'hotline_csv', $2, 'running', $3)`,
      [job.id, filename, job.total],
    );
  }

  async save(job: ImportJob): Promise<void> {
    await this.db.query(
      `UPDATE import_jobs SET status = $2, processed = $3, created = $4, merged = $5, skipped = $6, failed = $7, errors = $8::jsonb,
         finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE now() END WHERE id = $1`,
      [
        job.id,
        job.status,
        job.processed,
        job.created,
        job.merged,
        job.skipped,
        job.failed,
        JSON.stringify(job.errors),
      ],
    );
  }

  async get(id: string): Promise<ImportJob | null> {
    const rows = await this.db.query<ImportJob>(
      `SELECT id, status, total, processed, created, merged, skipped, failed, errors FROM import_jobs WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }
}
