import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { foldVietnamese, normaliseHotlineTicket, type Logger, type WardIndex } from '@hue-ioc/streams';
import { reportInput } from '../incidents/inputs.ts';
import type { Clock, DeadLetterSink, ImportJob, ImportJobStore, IncidentSink } from './ports.ts';

export type { ImportJob } from './ports.ts';

/** Column names of a call-centre export, ours and the Vietnamese ones seen in exports (folded, no diacritics). */
const HEADER_ALIASES: Readonly<Record<string, string>> = {
  ticket_id: 'ticket_id',
  ma_phieu: 'ticket_id',
  category: 'category',
  linh_vuc: 'category',
  summary: 'summary',
  noi_dung: 'summary',
  caller_phone: 'caller_phone',
  so_dien_thoai: 'caller_phone',
  address: 'address',
  dia_chi: 'address',
  lat: 'lat',
  vi_do: 'lat',
  lon: 'lon',
  kinh_do: 'lon',
  created_at: 'created_at',
  thoi_gian: 'created_at',
  agent: 'agent',
  dien_thoai_vien: 'agent',
  urgent: 'urgent',
  khan_cap: 'urgent',
};
const MAX_ERRORS_KEPT = 500;
const PROGRESS_EVERY = 50;

/**
 * Bulk import of a hotline 19001075 export (CSV). Each row is validated like a single ticket; a bad row is
 * reported by number with its reason and kept in dead_letters, the rest go on; rows already imported (the
 * same ticket_id) are skipped, so re-running an import after a failure is safe. Progress is in import_jobs.
 */
export class HotlineImportService {
  constructor(
    private readonly deps: {
      incidents: IncidentSink;
      deadLetters: DeadLetterSink;
      jobs: ImportJobStore;
      wards: WardIndex;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** Parses the header and rows; throws a coded error when the file is not a usable CSV. */
  parse(csv: Buffer): Record<string, string>[] {
    let records: string[][];
    try {
      records = parse(csv, {
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
      }) as string[][];
    } catch (e) {
      throw Object.assign(new Error(`not a readable CSV file: ${(e as Error).message}`), {
        code: 'IOC_INGEST_CSV',
      });
    }
    const [header, ...rows] = records;
    if (!header) throw Object.assign(new Error('the CSV file is empty'), { code: 'IOC_INGEST_CSV' });
    const columns = header.map(
      (h) =>
        HEADER_ALIASES[
          foldVietnamese(h)
            .replace(/[^a-z0-9]+/g, '_')
            .replace(/^_|_$/g, '')
        ] ?? null,
    );
    for (const required of ['ticket_id', 'summary', 'caller_phone', 'address', 'created_at', 'agent']) {
      if (!columns.includes(required)) {
        throw Object.assign(
          new Error(`the CSV header has no "${required}" column (got: ${header.join(', ')})`),
          { code: 'IOC_INGEST_CSV' },
        );
      }
    }
    return rows.map((cells) => {
      const row: Record<string, string> = {};
      cells.forEach((v, i) => {
        const c = columns[i];
        if (c && v !== '') row[c] = v;
      });
      return row;
    });
  }

  async start(rows: Record<string, string>[], filename: string | null): Promise<ImportJob> {
    const job: ImportJob = {
      id: randomUUID(),
      status: 'running',
      total: rows.length,
      processed: 0,
      created: 0,
      merged: 0,
      skipped: 0,
      failed: 0,
      errors: [],
    };
    await this.deps.jobs.create(job, filename);
    return job;
  }

  /** Runs the rows of a started job; resolves with the final report. */
  async run(job: ImportJob, rows: Record<string, string>[]): Promise<ImportJob> {
    try {
      for (let i = 0; i < rows.length; i++) {
        const rowNumber = i + 2; // the header is row 1, as a spreadsheet shows it
        const receivedAt = this.deps.clock.now();
        const body = toTicket(rows[i]!);
        const ticket = normaliseHotlineTicket(body, { receivedAt, wards: this.deps.wards });
        if (!ticket.ok) {
          job.failed++;
          if (job.errors.length < MAX_ERRORS_KEPT)
            job.errors.push({ row: rowNumber, code: ticket.reject.code, message: ticket.reject.reason });
          await this.deps.deadLetters.reject([
            {
              source: 'csv',
              reasonCode: ticket.reject.code,
              reason: ticket.reject.reason,
              topic: `hotline.csv#${rowNumber}`,
              payload: Buffer.from(JSON.stringify(rows[i])),
              details: { job: job.id, row: rowNumber },
              receivedAt,
            },
          ]);
        } else {
          const outcome = await this.deps.incidents.ingest(reportInput(ticket.value));
          if (outcome.outcome === 'created') job.created++;
          else if (outcome.outcome === 'merged') job.merged++;
          else job.skipped++;
        }
        job.processed++;
        if (job.processed % PROGRESS_EVERY === 0) await this.deps.jobs.save(job);
      }
      job.status = 'done';
    } catch (e) {
      job.status = 'failed';
      this.deps.logger.error({ job: job.id, err: (e as Error).message }, 'hotline import failed');
    }
    await this.deps.jobs.save(job);
    return job;
  }

  get(id: string): Promise<ImportJob | null> {
    return this.deps.jobs.get(id);
  }
}

/** A CSV row in the webhook's shape: numbers and booleans from their text. */
function toTicket(row: Record<string, string>): Record<string, unknown> {
  const t: Record<string, unknown> = { ...row };
  for (const k of ['lat', 'lon'] as const) {
    if (row[k] !== undefined) {
      const n = Number(row[k].replace(',', '.'));
      t[k] = Number.isFinite(n) ? n : row[k];
    }
  }
  if (row.urgent !== undefined) t.urgent = /^(1|true|co|có|x|yes)$/i.test(row.urgent);
  return t;
}
