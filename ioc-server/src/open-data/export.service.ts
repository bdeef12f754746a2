import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {
  OpenDataDataset,
  OpenDataExportJob,
  OpenDataExportState,
  OpenDataFormat,
} from '@hue-ioc/layers';
import { AppError } from '../errors.ts';
import type { Db } from '../storage/db.ts';
import type { DatasetFilters } from './datasets.ts';
import type { OpenDataService } from './open-data.service.ts';
import { vnIso, type TimeRange } from './range.ts';

interface ExportRow {
  id: string;
  dataset: OpenDataDataset;
  format: OpenDataFormat;
  params: Record<string, string>;
  state: OpenDataExportState;
  node_id: string;
  rows_written: number;
  estimated_total: number | null;
  bytes: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date | null;
}

export interface ExportOptions {
  /** DATA_DIR/open-data: where the files go. */
  dir: string;
  nodeId: string;
  /** Exports run at once (each holds a cursor); the rest wait in the queue. */
  concurrency: number;
  /** Jobs queued or running on this node at most; one more is refused with 503 IOC_OPEN_DATA_BUSY. */
  maxPending: number;
  /** How long a finished file is kept. */
  ttlMs: number;
  now?: () => Date;
  /** An export that failed for a reason other than a coded error (logged by the caller). */
  onError?: (err: unknown, id: string) => void;
}

const EXT: Record<OpenDataFormat, string> = { csv: 'csv', geojson: 'geojson' };

/**
 * Background exports (issue 14): a job row per request (migration 0020), run in this process with bounded
 * concurrency through the same stream as the direct download, so the file is byte for byte what
 * `GET /open-data/<dataset>` answers for the same range. Progress (rows written, the planner's estimate)
 * is written to the row every few thousand rows; files expire after `ttlMs` and are removed.
 */
export class ExportService {
  private running = 0;
  private readonly queue: string[] = [];
  private readonly active = new Map<string, AbortController>();
  private stopped = false;
  private readonly now: () => Date;

  constructor(
    private readonly db: Db,
    private readonly openData: OpenDataService,
    private readonly opts: ExportOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** At start: this node's jobs that a stop interrupted are failed (their partial files removed). */
  async start(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    const stale = await this.db.query<{ id: string; format: OpenDataFormat }>(
      `UPDATE open_data_exports SET state = 'failed', error = 'the server stopped during the export', finished_at = now()
       WHERE node_id = $1 AND state IN ('queued', 'running') RETURNING id, format`,
      [this.opts.nodeId],
    );
    for (const s of stale) await rm(this.partPath(s.id, s.format), { force: true });
    await this.expire();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    for (const c of this.active.values()) c.abort();
    const deadline = Date.now() + 5000;
    while (this.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  /**
   * A job for this request: the live one of the same request (queued, running, or done and not expired)
   * when there is one, so that repeating a request costs nothing; otherwise a new queued job.
   */
  async create(req: {
    dataset: OpenDataDataset;
    format: OpenDataFormat;
    range: TimeRange;
    filters: DatasetFilters;
  }): Promise<{ job: OpenDataExportJob; created: boolean }> {
    const params: Record<string, string> = { from: vnIso(req.range.from), to: vnIso(req.range.to) };
    for (const [k, v] of Object.entries(req.filters)) if (typeof v === 'string') params[k] = v;
    const key = JSON.stringify([req.dataset, req.format, Object.entries(params).sort()]);
    const [existing] = await this.db.query<ExportRow>(
      `SELECT * FROM open_data_exports WHERE request_key = $1 AND node_id = $2
         AND (state IN ('queued', 'running') OR (state = 'done' AND expires_at > now()))
       ORDER BY created_at DESC LIMIT 1`,
      [key, this.opts.nodeId],
    );
    if (existing) return { job: toJob(existing), created: false };
    if (this.stopped || this.running + this.queue.length >= this.opts.maxPending)
      throw new AppError('IOC_OPEN_DATA_BUSY', 'too many exports waiting; retry later', { retryAfterS: 60 });
    const id = crypto.randomUUID();
    const [row] = await this.db.query<ExportRow>(
      `INSERT INTO open_data_exports (id, dataset, format, params, request_key, state, node_id)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6) RETURNING *`,
      [id, req.dataset, req.format, JSON.stringify(params), key, this.opts.nodeId],
    );
    this.queue.push(id);
    this.pump();
    return { job: toJob(row!), created: true };
  }

  async get(id: string): Promise<OpenDataExportJob> {
    const [row] = await this.db.query<ExportRow>(`SELECT * FROM open_data_exports WHERE id = $1`, [id]);
    if (!row) throw new AppError('IOC_OPEN_DATA_EXPORT_NOT_FOUND');
    return toJob(row);
  }

  /** The finished file of a job on this node, or the error that says why not. */
  async file(id: string): Promise<{ path: string; job: OpenDataExportJob }> {
    const job = await this.get(id);
    if (job.state === 'expired')
      throw new AppError('IOC_OPEN_DATA_EXPORT_NOT_FOUND', 'the export has expired');
    if (job.state !== 'done')
      throw new AppError('IOC_OPEN_DATA_EXPORT_NOT_READY', undefined, { state: job.state });
    const path = this.filePath(id, job.format);
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    // Another replica's job (its file is in that node's DATA_DIR), or a file removed by hand.
    if (!exists)
      throw new AppError('IOC_OPEN_DATA_EXPORT_NOT_FOUND', 'the export file is not on this server');
    return { path, job };
  }

  /** Removes the files whose time is up and marks their jobs expired. */
  async expire(): Promise<number> {
    const gone = await this.db.query<{ id: string; format: OpenDataFormat }>(
      `UPDATE open_data_exports SET state = 'expired'
       WHERE node_id = $1 AND state = 'done' AND expires_at <= $2 RETURNING id, format`,
      [this.opts.nodeId, this.now()],
    );
    for (const g of gone) await rm(this.filePath(g.id, g.format), { force: true });
    return gone.length;
  }

  private filePath(id: string, format: OpenDataFormat): string {
    return join(this.opts.dir, `${id}.${EXT[format]}`);
  }
  private partPath(id: string, format: OpenDataFormat): string {
    return `${this.filePath(id, format)}.part`;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.opts.concurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.running++;
      void this.run(id)
        .catch((e) => this.opts.onError?.(e, id))
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private async run(id: string): Promise<void> {
    const abort = new AbortController();
    this.active.set(id, abort);
    let format: OpenDataFormat = 'csv';
    try {
      const [row] = await this.db.query<ExportRow>(
        `UPDATE open_data_exports SET state = 'running', started_at = now() WHERE id = $1 AND state = 'queued' RETURNING *`,
        [id],
      );
      if (!row) return;
      format = row.format;
      const { from, to, ...filters } = row.params;
      const req = {
        dataset: row.dataset,
        format: row.format,
        range: { from: new Date(from!), to: new Date(to!) },
        filters: filters as DatasetFilters,
      };
      const estimate = await this.openData.estimate(req).catch(() => null);
      await this.db.query(`UPDATE open_data_exports SET estimated_total = $2 WHERE id = $1`, [id, estimate]);
      let rows = 0;
      let bytes = 0;
      let lastWrite = 0;
      let writing: Promise<unknown> = Promise.resolve();
      const report = (force = false) => {
        const t = Date.now();
        if (!force && t - lastWrite < 500) return;
        lastWrite = t;
        const [r, b] = [rows, bytes];
        writing = writing.then(() =>
          this.db
            .query(`UPDATE open_data_exports SET rows_written = $2, bytes = $3 WHERE id = $1`, [id, r, b])
            .catch(() => undefined),
        );
      };
      const source = await this.openData.stream(req, (n) => {
        rows += n;
        report();
      });
      const count = new Transform({
        transform(chunk: Buffer | string, _enc, done) {
          bytes += Buffer.byteLength(chunk);
          done(null, chunk);
        },
      });
      const part = this.partPath(id, row.format);
      await pipeline(source, count, createWriteStream(part), { signal: abort.signal });
      await rename(part, this.filePath(id, row.format));
      await writing;
      await this.db.query(
        `UPDATE open_data_exports SET state = 'done', rows_written = $2, bytes = $3, finished_at = now(),
           expires_at = $4 WHERE id = $1`,
        [id, rows, bytes, new Date(this.now().getTime() + this.opts.ttlMs)],
      );
    } catch (e) {
      await rm(this.partPath(id, format), { force: true }).catch(() => undefined);
      const message =
        e instanceof AppError
          ? e.message
          : abort.signal.aborted
            ? 'the server stopped during the export'
            : 'the export failed';
      await this.db
        .query(
          `UPDATE open_data_exports SET state = 'failed', error = $2, finished_at = now() WHERE id = $1`,
          [id, message],
        )
        .catch(() => undefined);
      if (!(e instanceof AppError) && !abort.signal.aborted) throw e;
    } finally {
      this.active.delete(id);
    }
  }
}

function toJob(r: ExportRow): OpenDataExportJob {
  const iso = (d: Date | null) => (d ? vnIso(new Date(d)) : null);
  return {
    id: r.id,
    dataset: r.dataset,
    format: r.format,
    state: r.state,
    params: r.params,
    rowsWritten: Number(r.rows_written),
    estimatedTotal: r.estimated_total === null ? null : Number(r.estimated_total),
    bytes: Number(r.bytes),
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    expiresAt: iso(r.expires_at),
    error: r.error,
    fileUrl: r.state === 'done' ? `/open-data/exports/${r.id}/file` : null,
  };
}
