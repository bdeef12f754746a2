import { type IncidentQuery, type IncidentSort, type IncidentSummary, type SlaState } from '@hue-ioc/layers';
import { slaState, type WorkingCalendar } from '@hue-ioc/streams';
import { AppError } from '../errors.ts';
import type { Queryable } from '../storage/db.ts';
import {
  foldVietnamese,
  INCIDENT_COLUMNS,
  OPEN_STATES_SQL,
  type IncidentRow,
} from '../storage/incident.repository.ts';

/** Statuses whose deadline runs: the open ones (the reply not yet published), as the repository lists them. */
const RUNNING_SQL = OPEN_STATES_SQL;

/** Counts stop here: "more than 10.000" is all a queue needs to say. */
export const TOTAL_CAP = 10_000;

const many = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

interface SortSpec {
  /** SQL expressions, in order; the last is always `id` (unique), so the order is total. */
  keys: { expr: string; dir: 'ASC' | 'DESC'; type: 'timestamptz' | 'int' | 'text' }[];
  value: (row: IncidentRow) => (string | number)[];
}

/** `infinity` stands for "no deadline", so deadline order and its cursor need no NULL cases. */
const DUE = `coalesce(due_at, 'infinity'::timestamptz)`;
const dueValue = (r: IncidentRow) => (r.due_at ? r.due_at.toISOString() : 'infinity');

const SORTS: Record<IncidentSort, SortSpec> = {
  due: {
    keys: [
      { expr: DUE, dir: 'ASC', type: 'timestamptz' },
      { expr: 'id', dir: 'ASC', type: 'text' },
    ],
    value: (r) => [dueValue(r), r.id],
  },
  '-due': {
    keys: [
      { expr: DUE, dir: 'DESC', type: 'timestamptz' },
      { expr: 'id', dir: 'DESC', type: 'text' },
    ],
    value: (r) => [dueValue(r), r.id],
  },
  priority: {
    keys: [
      { expr: 'priority', dir: 'ASC', type: 'int' },
      { expr: DUE, dir: 'ASC', type: 'timestamptz' },
      { expr: 'id', dir: 'ASC', type: 'text' },
    ],
    value: (r) => [r.priority, dueValue(r), r.id],
  },
  received: {
    keys: [
      { expr: 'created_at', dir: 'ASC', type: 'timestamptz' },
      { expr: 'id', dir: 'ASC', type: 'text' },
    ],
    value: (r) => [r.created_at.toISOString(), r.id],
  },
  '-received': {
    keys: [
      { expr: 'created_at', dir: 'DESC', type: 'timestamptz' },
      { expr: 'id', dir: 'DESC', type: 'text' },
    ],
    value: (r) => [r.created_at.toISOString(), r.id],
  },
};

/** The query as SQL: WHERE clauses and their parameters, shared by the page and its count. */
export function whereOf(
  q: IncidentQuery,
  agencyScope: string | null,
  now: Date,
): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // The unit's own cases only (ARCHITECTURE.md: a foreign id answers 404; a list never shows one).
  if (agencyScope !== null) where.push(`agency_id = ${p(agencyScope)}`);
  const statuses = many(q.status);
  if (statuses.length) where.push(`status = ANY (${p(statuses)}::text[])`);
  const categories = many(q.category);
  if (categories.length) where.push(`category = ANY (${p(categories)}::text[])`);
  const wards = many(q.ward);
  if (wards.length) where.push(`ward_code = ANY (${p(wards)}::text[])`);
  const agencies = many(q.agency);
  if (agencies.length) where.push(`agency_id = ANY (${p(agencies)}::text[])`);
  const priorities = many(q.priority);
  if (priorities.length) where.push(`priority = ANY (${p(priorities)}::int[])`);
  const channels = many(q.channel);
  if (channels.length)
    where.push(
      `(${channels.map((c) => `sources @> ${p(JSON.stringify([{ channel: c }]))}::jsonb`).join(' OR ')})`,
    );
  if (q.overdue === true) where.push(`status IN ${RUNNING_SQL} AND due_at < ${p(now)}`);
  if (q.overdue === false) where.push(`NOT (status IN ${RUNNING_SQL} AND due_at < ${p(now)})`);
  if (q.dueWithinHours !== undefined)
    where.push(
      `status IN ${RUNNING_SQL} AND due_at >= ${p(now)} AND due_at < ${p(new Date(now.getTime() + q.dueWithinHours * 3_600_000))}`,
    );
  if (q.dueBefore) where.push(`due_at < ${p(new Date(q.dueBefore))}`);
  if (q.dueAfter) where.push(`due_at >= ${p(new Date(q.dueAfter))}`);
  if (q.bbox) {
    const [minLon, minLat, maxLon, maxLat] = q.bbox.split(',').map(Number) as [
      number,
      number,
      number,
      number,
    ];
    if (![minLon, minLat, maxLon, maxLat].every(Number.isFinite) || minLon > maxLon || minLat > maxLat)
      throw new AppError('IOC_REQUEST_INVALID', 'bbox is minLon,minLat,maxLon,maxLat');
    where.push(`lon BETWEEN ${p(minLon)} AND ${p(maxLon)} AND lat BETWEEN ${p(minLat)} AND ${p(maxLat)}`);
  }
  if (q.q) {
    const words = foldVietnamese(q.q).split(' ').filter(Boolean).slice(0, 8);
    for (const w of words) where.push(`search_text LIKE ${p(`%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  }
  return { where, params };
}

function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, spec: SortSpec): (string | number)[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('IOC_REQUEST_INVALID', 'cursor is not one this server gave out');
  }
  if (
    !Array.isArray(values) ||
    values.length !== spec.keys.length ||
    !values.every((v, i) =>
      spec.keys[i]!.type === 'int'
        ? Number.isInteger(v)
        : typeof v === 'string' &&
          v.length <= 64 &&
          (spec.keys[i]!.type !== 'timestamptz' || v === 'infinity' || !Number.isNaN(Date.parse(v))),
    )
  )
    throw new AppError('IOC_REQUEST_INVALID', 'cursor is not one this server gave out');
  return values as (string | number)[];
}

/** The SQL of one page and of its capped count (listIncidents runs them; tests EXPLAIN them). */
export function listSql(
  q: IncidentQuery,
  agencyScope: string | null,
  now: Date,
): { page: { sql: string; params: unknown[] }; count: { sql: string; params: unknown[] }; spec: SortSpec } {
  const spec = SORTS[q.sort ?? 'due'];
  const limit = q.limit ?? 50;
  const { where, params } = whereOf(q, agencyScope, now);
  const countWhere = [...where];
  const countParams = [...params];
  if (q.cursor) {
    const values = decodeCursor(q.cursor, spec);
    // Row comparison when every key runs the same way (an index serves it); otherwise the expanded form.
    const sameDir = spec.keys.every((k) => k.dir === spec.keys[0]!.dir);
    const placeholders = values.map((v, i) => {
      params.push(v);
      return `$${params.length}::${spec.keys[i]!.type}`;
    });
    if (sameDir) {
      const op = spec.keys[0]!.dir === 'ASC' ? '>' : '<';
      where.push(`(${spec.keys.map((k) => k.expr).join(', ')}) ${op} (${placeholders.join(', ')})`);
    } else {
      const ors = spec.keys.map((k, i) => {
        const eq = spec.keys.slice(0, i).map((e, j) => `${e.expr} = ${placeholders[j]}`);
        return `(${[...eq, `${k.expr} ${k.dir === 'ASC' ? '>' : '<'} ${placeholders[i]}`].join(' AND ')})`;
      });
      where.push(`(${ors.join(' OR ')})`);
    }
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  params.push(limit + 1);
  const countSql = countWhere.length ? `WHERE ${countWhere.join(' AND ')}` : '';
  countParams.push(TOTAL_CAP + 1);
  return {
    spec,
    page: {
      sql: `SELECT ${INCIDENT_COLUMNS} FROM incidents ${whereSql}
     ORDER BY ${spec.keys.map((k) => `${k.expr} ${k.dir}`).join(', ')}
     LIMIT $${params.length}`,
      params,
    },
    count: {
      sql: `SELECT count(*)::int AS n FROM (SELECT 1 FROM incidents ${countSql} LIMIT $${countParams.length}) m`,
      params: countParams,
    },
  };
}

/**
 * One page of the queue, keyset-paginated on the sort key (stable under inserts, fast at any depth), and
 * the number of matches up to TOTAL_CAP.
 */
export async function listIncidents(
  db: Queryable,
  q: IncidentQuery,
  agencyScope: string | null,
  now: Date,
): Promise<{ rows: IncidentRow[]; nextCursor?: string; total: number; totalCapped: boolean }> {
  const limit = q.limit ?? 50;
  const { page, count, spec } = listSql(q, agencyScope, now);
  const rows = await db.query<IncidentRow>(page.sql, page.params);
  const items = rows.slice(0, limit);
  const [counted] = await db.query<{ n: number }>(count.sql, count.params);
  const n = counted?.n ?? 0;
  return {
    rows: items,
    ...(rows.length > limit ? { nextCursor: encodeCursor(spec.value(items.at(-1)!)) } : {}),
    total: Math.min(n, TOTAL_CAP),
    totalCapped: n > TOTAL_CAP,
  };
}

/** The deadline's state for the queue (streams' slaState, in working time with the calendar). */
export function slaStateOf(row: IncidentRow, now: Date, calendar?: WorkingCalendar): SlaState {
  return slaState(
    {
      status: row.status,
      dueAt: row.due_at,
      createdAt: row.created_at,
      assignedAt: row.assigned_at,
      breachedAt: row.breached_at,
      escalatedAt: row.escalated_at,
      resolvedAt: row.resolved_at,
      closedAt: row.closed_at,
      urgent: row.sla?.urgent ?? row.priority === 1,
    },
    now,
    calendar,
  );
}

export function summaryOf(row: IncidentRow, now: Date, calendar?: WorkingCalendar): IncidentSummary {
  return {
    id: row.id,
    version: row.version,
    status: row.status as IncidentSummary['status'],
    category: row.category,
    priority: row.priority,
    title: row.title ?? '',
    description: row.description ?? '',
    address: row.address,
    position: row.lon !== null && row.lat !== null ? [row.lon, row.lat] : null,
    wardCode: row.ward_code,
    agencyId: row.agency_id,
    suggestedAgencyId: row.suggested_agency_id,
    dueAt: row.due_at?.toISOString() ?? null,
    slaState: slaStateOf(row, now, calendar),
    channels: row.sources.map((s) => s.channel),
    sourceCount: row.sources.length,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    mergedInto: row.merged_into,
    rating: row.rating,
  };
}

export interface DetailParts {
  sources: {
    channel: string;
    source_id: string;
    occurred_at: Date;
    received_at: Date;
    signal: string | null;
    lon: number | null;
    lat: number | null;
    match_reason: unknown;
  }[];
  events: { ts: Date; type: string; actor: string | null; data: unknown }[];
  duplicates: string[];
}

/** What a case view needs besides the row: its sources, its timeline, the cases merged into it. */
export async function detailParts(db: Queryable, id: string): Promise<DetailParts> {
  const [sources, events, duplicates] = await Promise.all([
    db.query<DetailParts['sources'][number]>(
      `SELECT channel, source_id, occurred_at, received_at, signal, lon, lat, match_reason
       FROM incident_sources WHERE incident_id = $1 ORDER BY occurred_at, channel, source_id`,
      [id],
    ),
    db.query<DetailParts['events'][number]>(
      `SELECT ts, type, actor, data FROM incident_events WHERE incident_id = $1 ORDER BY ts, type LIMIT 500`,
      [id],
    ),
    db.query<{ id: string }>(`SELECT id FROM incidents WHERE merged_into = $1 ORDER BY id`, [id]),
  ]);
  return { sources, events, duplicates: duplicates.map((d) => d.id) };
}
