import {
  CATEGORY_CODES,
  INCIDENT_STATUSES,
  type CategoryCode,
  type IncidentStatus,
  type Rating,
} from '@hue-ioc/layers';
import type { Queryable } from '../storage/db.ts';
import { foldVietnamese } from '../storage/incident.repository.ts';
import { AppError } from '../errors.ts';
import { resolvePeriod } from '../briefing/briefing-period.ts';
import { publicPosition, publishedSql, scrubText } from './anonymise.ts';

/**
 * What the public transparency page /cong-khai reads (issue 14, item 4): published reports, anonymised as
 * the open data is (anonymise.ts), newest first by a keyset cursor, one report's public timeline, and the
 * units' on-time figures of the period (QĐ 766/QĐ-TTg: handled by the deadline ÷ received) from the
 * briefing's continuous aggregates.
 */

/** Statuses the public may filter by: everything published (`rejected` never is). */
export const PUBLIC_STATUSES = INCIDENT_STATUSES.filter((s) => s !== 'rejected');
export type PublicStatus = Exclude<IncidentStatus, 'rejected'>;
/** The periods of the filter; `all` has no bound. */
export const PUBLIC_PERIODS = ['today', '7d', '30d', 'month', 'all'] as const;
export type PublicPeriod = (typeof PUBLIC_PERIODS)[number];

export const PAGE_SIZE = 20;
/** Query text longer than this is refused by the route schema; words past the eighth are ignored. */
export const MAX_QUERY_CHARS = 100;

export interface PublicFilters {
  q?: string | undefined;
  category?: CategoryCode | undefined;
  ward?: string | undefined;
  unit?: string | undefined;
  status?: PublicStatus | undefined;
  period: PublicPeriod;
  /** The keyset cursor of the next page (`?sau=`). */
  after?: string | undefined;
}

/** A published report as the public sees it: no reporter, scrubbed text, rounded position. */
export interface PublicReport {
  id: string;
  status: PublicStatus;
  category: CategoryCode;
  channel: string | null;
  title: string | null;
  description: string | null;
  address: string | null;
  wardCode: string | null;
  agencyId: string | null;
  receivedAt: Date;
  dueAt: Date | null;
  handledAt: Date | null;
  reply: string | null;
  rating: Rating | null;
  position: { lon: number; lat: number } | null;
}

export interface PublicTimelineEntry {
  ts: Date;
  kind: 'received' | 'verified' | 'assigned' | 'status' | 'extended' | 'rated';
  status?: PublicStatus;
  agencyId?: string | null;
  dueAt?: Date | null;
  reply?: string | null;
  rating?: Rating | null;
}

export interface UnitFigures {
  agencyId: string;
  received: number;
  handled: number;
  onTime: number;
  /** on_time ÷ received in percent (one decimal), null without received reports. */
  onTimeRate: number | null;
}

export interface AgencyName {
  id: string;
  vi: string;
  en: string;
}

export interface TransparencyDeps {
  db: Queryable;
  now?: () => Date;
}

interface ReportRow {
  id: string;
  status: PublicStatus;
  category: CategoryCode;
  channel: string | null;
  title: string | null;
  description: string | null;
  address: string | null;
  ward_code: string | null;
  agency_id: string | null;
  created_at: Date | string;
  due_at: Date | string | null;
  handled_at: Date | string | null;
  public_reply: string | null;
  rating: Rating | null;
  lon: number | null;
  lat: number | null;
  /** Only to scrub the reporter's own name out of the text; never leaves this module. */
  reporter_name: string | null;
  /** created_at at full precision (microseconds): a cursor in milliseconds would skip rows. */
  created_key: string;
}

// The columns of a public report. `reporter` itself is never selected: only its name, to remove it from
// the free text (people sign their reports).
const REPORT_COLUMNS = `i.id, i.status, i.category, i.sources -> 0 ->> 'channel' AS channel, i.title, i.description,
  i.address, i.ward_code, i.agency_id, i.created_at, i.due_at,
  CASE WHEN i.status IN ('resolved', 'closed') THEN coalesce(i.resolved_at, i.closed_at) END AS handled_at,
  i.public_reply, i.rating, i.lon, i.lat, i.reporter ->> 'name' AS reporter_name,
  i.created_at::text AS created_key`;

/** Candidates read per round while searching; rounds per page at most (a page is then shorter). */
const SEARCH_BATCH = 60;
const SEARCH_ROUNDS = 5;
/** The agencies' names change when an admin edits them: read again after this long. */
const AGENCY_TTL_MS = 60_000;

const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const toDateOrNull = (v: Date | string | null) => (v === null ? null : toDate(v));

function toReport(r: ReportRow): PublicReport {
  const name = r.reporter_name;
  return {
    id: r.id,
    status: r.status,
    category: r.category,
    channel: r.channel,
    title: scrubText(r.title, name),
    description: scrubText(r.description, name),
    address: scrubText(r.address, name),
    wardCode: r.ward_code,
    agencyId: r.agency_id,
    receivedAt: toDate(r.created_at),
    dueAt: toDateOrNull(r.due_at),
    handledAt: toDateOrNull(r.handled_at),
    reply: scrubText(r.public_reply, name),
    rating: r.rating,
    position: publicPosition(r.category, r.lon, r.lat),
  };
}

/** The search's words: folded like incidents.search_text (0009), at most eight. */
export function searchWords(q: string | undefined): string[] {
  if (!q) return [];
  return foldVietnamese(q).split(' ').filter(Boolean).slice(0, 8);
}

/**
 * Whether the public, scrubbed text of a report holds every word. search_text (the index) also holds what
 * the scrubber removes — the phone number or e-mail a citizen typed into the description, a name — so a
 * row it finds is shown only if the words are in what the page shows: a search cannot confirm removed
 * personal data ("which report has 0905 123 456 in it?").
 */
export function matchesPublicText(report: PublicReport, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const text = foldVietnamese(
    [report.id, report.title, report.description, report.address].filter(Boolean).join(' '),
  );
  return words.every((w) => text.includes(w));
}

/** A timestamptz as PostgreSQL writes it (`2026-11-30 14:05:00.123456+07`) or ISO 8601. */
const TIMESTAMP_KEY = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d(:?\d\d)?)$/;

export function encodeCursor(createdKey: string, id: string): string {
  return Buffer.from(JSON.stringify([createdKey, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): [string, string] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = null;
  }
  if (
    Array.isArray(v) &&
    v.length === 2 &&
    typeof v[0] === 'string' &&
    typeof v[1] === 'string' &&
    v[1].length <= 64 &&
    TIMESTAMP_KEY.test(v[0])
  )
    return [v[0], v[1]];
  throw new AppError('IOC_REQUEST_INVALID', 'sau (the page cursor) is not one this page made');
}

/** The period's bounds (Asia/Ho_Chi_Minh days), or null for all time. */
export function periodRange(period: PublicPeriod, now: Date): { from: string; to: string } | null {
  if (period === 'all') return null;
  const p = resolvePeriod(period, now);
  return { from: p.current.from, to: p.current.to };
}

export class TransparencyService {
  private agencyCache: { at: number; rows: AgencyName[] } | null = null;

  constructor(private readonly deps: TransparencyDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Every unit's name (for the filter and the list), cached for a minute. */
  async agencies(): Promise<AgencyName[]> {
    const t = Date.now();
    if (this.agencyCache && t - this.agencyCache.at < AGENCY_TTL_MS) return this.agencyCache.rows;
    const rows = await this.deps.db.query<{ id: string; name_vi: string; name_en: string }>(
      `SELECT id, name_vi, name_en FROM agencies ORDER BY name_vi, id`,
    );
    const out = rows.map((r) => ({ id: r.id, vi: r.name_vi, en: r.name_en }));
    this.agencyCache = { at: t, rows: out };
    return out;
  }

  /**
   * One page of published reports, newest first (keyset on created_at DESC, id DESC: the index
   * incidents_created_idx, or the category's / unit's own). With a search, the trigram index on search_text
   * finds candidates and matchesPublicText keeps those whose public text matches; a page then reads at
   * most SEARCH_ROUNDS batches, so a search that matches only removed text cannot walk the whole table.
   */
  async page(f: PublicFilters): Promise<{ items: PublicReport[]; next: string | null }> {
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [publishedSql('i')];
    if (f.category) where.push(`i.category = ${p(f.category)}`);
    if (f.ward) where.push(`i.ward_code = ${p(f.ward)}`);
    if (f.unit) where.push(`i.agency_id = ${p(f.unit)}`);
    if (f.status) where.push(`i.status = ${p(f.status)}`);
    const range = periodRange(f.period, this.now());
    if (range) where.push(`i.created_at >= ${p(range.from)} AND i.created_at < ${p(range.to)}`);
    const words = searchWords(f.q);
    for (const w of words)
      where.push(`i.search_text LIKE ${p(`%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);

    let cursor = f.after ? decodeCursor(f.after) : null;
    const batch = words.length ? SEARCH_BATCH : PAGE_SIZE + 1;
    const items: { report: PublicReport; key: string }[] = [];
    for (let round = 0; round < (words.length ? SEARCH_ROUNDS : 1); round++) {
      const args = [...params];
      let keyset = '';
      if (cursor) {
        args.push(cursor[0], cursor[1]);
        keyset = ` AND (i.created_at, i.id) < ($${args.length - 1}::timestamptz, $${args.length})`;
      }
      const rows = await this.deps.db.query<ReportRow>(
        `SELECT ${REPORT_COLUMNS} FROM incidents i
         WHERE ${where.join(' AND ')}${keyset}
         ORDER BY i.created_at DESC, i.id DESC LIMIT ${batch}`,
        args,
      );
      for (const row of rows) {
        const report = toReport(row);
        cursor = [row.created_key, row.id];
        if (!matchesPublicText(report, words)) continue;
        items.push({ report, key: row.created_key });
        if (items.length > PAGE_SIZE) {
          items.pop();
          const last = items[items.length - 1]!;
          return { items: items.map((i) => i.report), next: encodeCursor(last.key, last.report.id) };
        }
      }
      if (rows.length < batch) return { items: items.map((i) => i.report), next: null };
    }
    // Searched SEARCH_ROUNDS batches: the next page goes on from the last row read.
    return { items: items.map((i) => i.report), next: cursor ? encodeCursor(cursor[0], cursor[1]) : null };
  }

  /** One published report and its public timeline; null when there is none (unknown, merged, refused). */
  async report(id: string): Promise<{ report: PublicReport; timeline: PublicTimelineEntry[] } | null> {
    const [row] = await this.deps.db.query<ReportRow>(
      `SELECT ${REPORT_COLUMNS} FROM incidents i WHERE i.id = $1 AND ${publishedSql('i')}`,
      [id],
    );
    if (!row) return null;
    const report = toReport(row);
    // Public events only: who did it, reasons, comments, SLA breaches and notifications stay inside.
    const events = await this.deps.db.query<{
      ts: Date | string;
      type: string;
      data: Record<string, unknown>;
    }>(
      `SELECT ts, type, data FROM incident_events
       WHERE incident_id = $1 AND type IN ('created', 'verified', 'assigned', 'status', 'extended', 'rated')
       ORDER BY ts, type`,
      [id],
    );
    const timeline: PublicTimelineEntry[] = [];
    for (const e of events) {
      const ts = toDate(e.ts);
      const d = e.data ?? {};
      const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
      const date = (k: string) => {
        const s = str(k);
        return s && !Number.isNaN(Date.parse(s)) ? new Date(s) : null;
      };
      const rating = (str('rating') as Rating | null) ?? null;
      switch (e.type) {
        case 'created':
          timeline.push({ ts, kind: 'received' });
          break;
        case 'verified':
          timeline.push({ ts, kind: 'verified' });
          break;
        case 'assigned':
          timeline.push({ ts, kind: 'assigned', agencyId: str('agencyId'), dueAt: date('dueAt') });
          break;
        case 'extended':
          timeline.push({ ts, kind: 'extended', dueAt: date('dueAt') });
          break;
        case 'rated':
          timeline.push({ ts, kind: 'rated', rating });
          break;
        case 'status': {
          const to = str('to') as IncidentStatus | null;
          if (!to || to === 'rejected' || !PUBLIC_STATUSES.includes(to)) break;
          timeline.push({
            ts,
            kind: 'status',
            status: to,
            ...(to === 'resolved' ? { reply: scrubText(str('reply'), row.reporter_name) } : {}),
            ...(rating ? { rating } : {}),
          });
          break;
        }
      }
    }
    return { report, timeline };
  }

  /**
   * Per-unit on-time figures of the period (QĐ 766/QĐ-TTg), from the briefing's rollups (migrations 0014,
   * 0016): the cohort of reports received in the period, merged duplicates and refused reports left out.
   * The city's unit rollup serves the period alone; a ward or category filter reads incident_daily.
   */
  async unitFigures(f: Pick<PublicFilters, 'period' | 'ward' | 'category'>): Promise<UnitFigures[]> {
    const params: unknown[] = [];
    const where = ['agency_id IS NOT NULL'];
    const range = periodRange(f.period, this.now());
    if (range) {
      params.push(range.from, range.to);
      where.push(`day >= $1 AND day < $2`);
    }
    let table = 'incident_daily_by_agency';
    if (f.ward || f.category) {
      table = 'incident_daily';
      if (f.ward) {
        params.push(f.ward);
        where.push(`ward_code = $${params.length}`);
      }
      if (f.category) {
        params.push(f.category);
        where.push(`category = $${params.length}`);
      }
    }
    const rows = await this.deps.db.query<{
      agency_id: string;
      received: number;
      handled: number;
      on_time: number;
    }>(
      `SELECT agency_id, sum(received)::int AS received, sum(handled)::int AS handled, sum(on_time)::int AS on_time
       FROM ${table} WHERE ${where.join(' AND ')}
       GROUP BY agency_id HAVING sum(received) > 0
       ORDER BY sum(received) DESC, agency_id`,
      params,
    );
    return rows.map((r) => ({
      agencyId: r.agency_id,
      received: r.received,
      handled: r.handled,
      onTime: r.on_time,
      onTimeRate: r.received > 0 ? Math.round((1000 * r.on_time) / r.received) / 10 : null,
    }));
  }
}

export const isCategory = (v: string): v is CategoryCode => (CATEGORY_CODES as readonly string[]).includes(v);
