import { randomUUID } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parse } from 'csv-parse';
import {
  DEFAULT_TIME_WINDOW,
  foldVietnamese,
  normaliseHotlineTicket,
  type Logger,
  type TimeWindow,
  type WardIndex,
} from '@hue-ioc/streams';
import { reportInput } from '../incidents/inputs.ts';
import type { Clock, DeadLetterSink, ImportJob, ImportJobStore, IncidentSink } from './ports.ts';

export type { ImportJob } from './ports.ts';

/**
 * Column names of a call-centre export, ours and the Vietnamese ones seen in exports (folded, no
 * diacritics). A Map: the key is a header of the uploaded file, and "constructor" must name no column.
 */
const HEADER_ALIASES: ReadonlyMap<string, string> = new Map([
  ['ticket_id', 'ticket_id'],
  ['ma_phieu', 'ticket_id'],
  ['category', 'category'],
  ['linh_vuc', 'category'],
  ['summary', 'summary'],
  ['noi_dung', 'summary'],
  ['caller_phone', 'caller_phone'],
  ['so_dien_thoai', 'caller_phone'],
  ['address', 'address'],
  ['dia_chi', 'address'],
  ['lat', 'lat'],
  ['vi_do', 'lat'],
  ['lon', 'lon'],
  ['kinh_do', 'lon'],
  ['created_at', 'created_at'],
  ['thoi_gian', 'created_at'],
  ['agent', 'agent'],
  ['dien_thoai_vien', 'agent'],
  ['urgent', 'urgent'],
  ['khan_cap', 'urgent'],
]);
const MAX_ERRORS_KEPT = 500;
const PROGRESS_EVERY = 50;
/**
 * Parsing yields to the event loop after each chunk of this many bytes: a 12.5 MB export parsed in
 * one go blocked the event loop for 1.2–1.6 s (issue 11; bench/csv-import-block.ts), stalling /live and
 * every other request. 16 KB is about 70 rows, a few ms of work even on a loaded core.
 */
const PARSE_CHUNK_BYTES = 16 * 1024;
/**
 * Rows in a row that failed for a reason of the system, not of the row (the store is down): the job
 * stops as failed rather than dead-lettering the rest of the file one error at a time. Re-running the
 * import is safe (imported rows are skipped).
 */
const MAX_UNEXPECTED_IN_A_ROW = 20;

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
      /**
       * How old a ticket's created_at may be: longer than the live channels' window, since importing
       * last months' tickets is what the CSV import is for (config INGEST_CSV_MAX_AGE_DAYS, 366 days).
       */
      timeWindow?: TimeWindow;
    },
  ) {}

  /**
   * Parses the header and rows; rejects with a coded error when the file is not a usable CSV. Streams
   * the file through csv-parse in chunks and yields to the event loop between them, so a large export
   * never holds up other requests and /live.
   */
  async parse(csv: Buffer): Promise<Record<string, string>[]> {
    const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
    // Set by `take` as the parser produces records (an object: TypeScript does not follow closures).
    const file: { header: string[]; columns: (string | null)[] | null } = { header: [], columns: null };
    const rows: Record<string, string>[] = [];
    let failure: Error | null = null;
    const take = () => {
      for (let cells = parser.read() as string[] | null; cells !== null; cells = parser.read()) {
        const columns = file.columns;
        if (columns === null) {
          file.header = cells;
          file.columns = headerColumns(cells);
          continue;
        }
        const row: Record<string, string> = {};
        for (let i = 0; i < cells.length; i++) {
          const c = columns[i];
          const v = cells[i];
          if (c && v) row[c] = v;
        }
        rows.push(row);
      }
    };
    parser.on('readable', take);
    parser.on('error', (e) => (failure ??= e));
    // One chunk per turn of the event loop: csv-parse parses a write synchronously, so each turn does
    // a bounded amount of work, and the records it produced are taken before the next chunk.
    for (let at = 0; at < csv.byteLength && failure === null; at += PARSE_CHUNK_BYTES) {
      parser.write(csv.subarray(at, at + PARSE_CHUNK_BYTES));
      await nextTurn();
    }
    if (failure === null) {
      parser.end();
      await finished(parser).catch((e: Error) => (failure ??= e));
      take();
    }
    if (failure !== null) {
      parser.destroy();
      throw Object.assign(new Error(`not a readable CSV file: ${(failure as Error).message}`), {
        code: 'IOC_INGEST_CSV',
      });
    }
    const { header, columns } = file;
    if (columns === null) throw Object.assign(new Error('the CSV file is empty'), { code: 'IOC_INGEST_CSV' });
    for (const required of ['ticket_id', 'summary', 'caller_phone', 'address', 'created_at', 'agent']) {
      if (!columns.includes(required)) {
        throw Object.assign(
          new Error(`the CSV header has no "${required}" column (got: ${header.join(', ')})`),
          { code: 'IOC_INGEST_CSV' },
        );
      }
    }
    return rows;
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

  /**
   * Runs the rows of a started job; resolves with the final report. A row that fails for any reason is
   * counted, reported by number and dead-lettered, and the import goes on with the next one: an
   * unexpected error of one row (issue 11: an address "constructor" threw) must not end the job silently.
   */
  async run(job: ImportJob, rows: Record<string, string>[]): Promise<ImportJob> {
    const window = this.deps.timeWindow ?? DEFAULT_TIME_WINDOW;
    let unexpectedInARow = 0;
    try {
      for (let i = 0; i < rows.length; i++) {
        const rowNumber = i + 2; // the header is row 1, as a spreadsheet shows it
        const receivedAt = this.deps.clock.now();
        try {
          const ticket = normaliseHotlineTicket(toTicket(rows[i]!), {
            receivedAt,
            wards: this.deps.wards,
            timeWindow: window,
          });
          if (!ticket.ok) {
            await this.failRow(
              job,
              rows[i]!,
              rowNumber,
              receivedAt,
              ticket.reject.code,
              ticket.reject.reason,
            );
          } else {
            const outcome = await this.deps.incidents.ingest(reportInput(ticket.value));
            if (outcome.outcome === 'created') job.created++;
            else if (outcome.outcome === 'merged') job.merged++;
            else job.skipped++;
          }
          unexpectedInARow = 0;
        } catch (e) {
          // Logged here with the real reason; the job's report (which the source reads) gets a reference.
          this.deps.logger.error(
            { job: job.id, row: rowNumber, err: (e as Error).message },
            'hotline import: unexpected error on a row',
          );
          await this.failRow(
            job,
            rows[i]!,
            rowNumber,
            receivedAt,
            'IOC_INTERNAL',
            `unexpected error on this row (reference ${job.id}#${rowNumber}); it was not imported`,
          ).catch((err: Error) =>
            this.deps.logger.error(
              { job: job.id, row: rowNumber, err: err.message },
              'dead letter not stored',
            ),
          );
          if (++unexpectedInARow >= MAX_UNEXPECTED_IN_A_ROW) throw e;
        }
        job.processed++;
        if (job.processed % PROGRESS_EVERY === 0) await this.deps.jobs.save(job);
      }
      job.status = 'done';
    } catch (e) {
      job.status = 'failed';
      this.deps.logger.error({ job: job.id, err: (e as Error).message }, 'hotline import failed');
    }
    // Never rejects: a job started with ?wait=false has nobody awaiting it.
    await this.deps.jobs
      .save(job)
      .catch((e: Error) => this.deps.logger.error({ job: job.id, err: e.message }, 'import job not saved'));
    return job;
  }

  /** A row refused: counted, reported by number (the first MAX_ERRORS_KEPT), kept as a dead letter. */
  private async failRow(
    job: ImportJob,
    row: Record<string, string>,
    rowNumber: number,
    receivedAt: Date,
    code: ImportJob['errors'][number]['code'],
    message: string,
  ): Promise<void> {
    job.failed++;
    if (job.errors.length < MAX_ERRORS_KEPT) job.errors.push({ row: rowNumber, code, message });
    await this.deps.deadLetters.reject([
      {
        source: 'csv',
        reasonCode: code,
        reason: message,
        topic: `hotline.csv#${rowNumber}`,
        payload: Buffer.from(JSON.stringify(row)),
        details: { job: job.id, row: rowNumber },
        receivedAt,
      },
    ]);
  }

  get(id: string): Promise<ImportJob | null> {
    return this.deps.jobs.get(id);
  }
}

/** The field each header cell names (null for a column we do not read). */
function headerColumns(header: string[]): (string | null)[] {
  return header.map(
    (h) =>
      HEADER_ALIASES.get(
        foldVietnamese(h)
          .replace(/[^a-z0-9]+/g, '_')
          .replace(/^_|_$/g, ''),
      ) ?? null,
  );
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
