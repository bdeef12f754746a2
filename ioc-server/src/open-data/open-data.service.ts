import { Readable, Transform, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { OpenDataDataset, OpenDataFormat } from '@hue-ioc/layers';
import { AppError } from '../errors.ts';
import type { Db } from '../storage/db.ts';
import { DATASETS, type DatasetFilters, type Lookups, type OpenDataRecord } from './datasets.ts';
import type { TimeRange } from './range.ts';

/** Rows per FETCH: ~1,000 rows is a few hundred KiB in flight, and one round trip per thousand. */
const FETCH_ROWS = 1000;

export interface OpenDataRequest {
  dataset: OpenDataDataset;
  format: OpenDataFormat;
  range: TimeRange;
  filters: DatasetFilters;
}

export const MEDIA_TYPES: Record<OpenDataFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  geojson: 'application/geo+json; charset=utf-8',
};

/**
 * Open data as byte streams from a database cursor (Db.cursor): rows are fetched as the consumer reads,
 * so memory stays flat for any range, and a consumer that stops (a client that disconnects, a destroyed
 * file stream) closes the cursor. Each open stream holds a cursor (on PostgreSQL a pooled connection),
 * so at most `maxStreams` are open at once; one more is refused with 503 IOC_OPEN_DATA_BUSY.
 */
export class OpenDataService {
  private open = 0;

  constructor(
    private readonly deps: { db: Db; lookups: Lookups; maxStreams: number; onRows?: (n: number) => void },
  ) {}

  get openStreams(): number {
    return this.open;
  }

  /**
   * Opens the cursor and fetches the first batch before returning, so that a query that fails does so
   * as an error answer, not as a truncated file after a 200. `progress` hears the rows as they go out.
   */
  async stream(req: OpenDataRequest, progress?: (rows: number) => void): Promise<Readable> {
    const def = DATASETS[req.dataset];
    if (!def.formats.includes(req.format))
      throw new AppError('IOC_OPEN_DATA_FORMAT', `${req.dataset} is offered as ${def.formats.join(', ')}`);
    if (this.open >= this.deps.maxStreams)
      throw new AppError('IOC_OPEN_DATA_BUSY', undefined, { retryAfterS: 30, openStreams: this.open });
    this.open++;
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        this.open--;
      }
    };
    const windows = splitRange(req.range, def.windowDays(req.filters));
    const open = (w: TimeRange) => {
      const { sql, params } = def.query(w, req.filters);
      return this.deps.db.cursor<Record<string, unknown>>(sql, params, FETCH_ROWS)[Symbol.asyncIterator]();
    };
    let batches = open(windows[0]!);
    let first: IteratorResult<Record<string, unknown>[]>;
    try {
      first = await batches.next();
    } catch (e) {
      release();
      throw e;
    }
    const { lookups, onRows } = this.deps;
    // Set once the output closed (finished, failed, or the consumer went away). A long range is read one
    // window (one cursor) at a time: a window must not be opened after this, and the one open is closed.
    let ended = false;
    const closeCursor = () => void batches.return?.(undefined).catch(() => undefined);
    async function* records(): AsyncGenerator<OpenDataRecord> {
      let next = first;
      try {
        for (let w = 0; ;) {
          while (!next.done) {
            for (const row of next.value) yield def.record(row, lookups);
            progress?.(next.value.length);
            onRows?.(next.value.length);
            next = await batches.next();
          }
          // The consumer may have gone while the last FETCH of a window was in flight.
          if (++w >= windows.length || ended) return;
          batches = open(windows[w]!);
          next = await batches.next();
        }
      } finally {
        closeCursor();
      }
    }
    const source = Readable.from(records(), { objectMode: true, highWaterMark: 64 });
    const names = def.fields.map((f) => f.name);
    const format =
      req.format === 'csv'
        ? stringify({
            bom: true,
            header: true,
            columns: names,
            // RFC 4180 line ends; a field with a delimiter, a quote or a line break is quoted (the default).
            record_delimiter: 'windows',
            cast: { number: (v) => String(v) },
          })
        : geoJsonFeatures();
    const out = pipeline(source, format, () => {
      // Errors reach the consumer through `out`; the cursor is closed below in every case.
    });
    out.once('close', () => {
      // Ends the cursor whatever happened: finished, failed, or destroyed before the generator even ran
      // (then its own finally never runs, and only this closes the cursor). A FETCH in flight finishes
      // first (an async generator's return waits for it); `ended` keeps a next window from opening.
      ended = true;
      closeCursor();
      release();
    });
    return out;
  }

  /**
   * The rows a request will have, for an export's progress: counted window by window (the planner's
   * EXPLAIN estimate of the real-time rollups was off by orders of magnitude: 360 for 100,000).
   */
  async estimate(req: OpenDataRequest): Promise<number> {
    const def = DATASETS[req.dataset];
    let total = 0;
    for (const w of splitRange(req.range, def.windowDays(req.filters))) {
      const { sql, params } = def.query(w, req.filters);
      const [r] = await this.deps.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (${sql}) AS q`,
        params,
      );
      total += r?.n ?? 0;
    }
    return total;
  }
}

const DAY_MS = 86_400_000;
const VN_OFFSET_MS = 7 * 3_600_000;

/** A range cut at Huế midnights into windows of at most `days` days (at least one window). */
export function splitRange(range: TimeRange, days: number): TimeRange[] {
  const out: TimeRange[] = [];
  let from = range.from.getTime();
  const to = range.to.getTime();
  while (from < to) {
    const localMidnight = Math.floor((from + VN_OFFSET_MS) / DAY_MS) * DAY_MS - VN_OFFSET_MS;
    const next = Math.min(to, localMidnight + days * DAY_MS);
    out.push({ from: new Date(from), to: new Date(next) });
    from = next;
  }
  return out.length ? out : [range];
}

/**
 * Records to an RFC 7946 FeatureCollection, written as it goes: Point geometries in WGS 84 [lon, lat]
 * (null when the report has no position), the other fields as properties, `id` as the feature id.
 */
function geoJsonFeatures(): Transform {
  let count = 0;
  return new Transform({
    writableObjectMode: true,
    transform(record: OpenDataRecord, _enc, done) {
      const { lon, lat, ...properties } = record;
      const feature = {
        type: 'Feature',
        id: record.id,
        geometry:
          typeof lon === 'number' && typeof lat === 'number'
            ? { type: 'Point', coordinates: [lon, lat] }
            : null,
        properties,
      };
      const head = count++ === 0 ? '{"type":"FeatureCollection","features":[\n' : ',\n';
      done(null, head + JSON.stringify(feature));
    },
    flush(done) {
      done(null, count === 0 ? '{"type":"FeatureCollection","features":[]}\n' : '\n]}\n');
    },
  });
}
