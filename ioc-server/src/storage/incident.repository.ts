import type { IncidentSource, OpenIncident, CategoryCode, MergeReason } from '@hue-ioc/streams';
import { OPEN_INCIDENT_STATUSES, type IncidentStatus } from '@hue-ioc/layers';
import type { Queryable } from './db.ts';

export interface IncidentRow {
  id: string;
  version: number;
  status: string;
  category: string;
  priority: number;
  title: string | null;
  description: string | null;
  lon: number | null;
  lat: number | null;
  ward_code: string | null;
  address: string | null;
  agency_id: string | null;
  due_at: Date | null;
  sources: { channel: string; sourceId: string; at: string; signal?: string | null }[];
  reporter: { name: string | null; phone: string | null } | null;
  media: { url: string; type: string }[];
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  suggested_agency_id: string | null;
  routing_rule: string | null;
  routing_reason: string | null;
  sla: { hours?: number; workingDays?: number; source: string; urgent: boolean } | null;
  verified_at: Date | null;
  assigned_at: Date | null;
  accepted_at: Date | null;
  breached_at: Date | null;
  escalated_at: Date | null;
  public_reply: string | null;
  rating: 'hai_long' | 'chap_nhan' | 'khong_hai_long' | null;
  rating_comment: string | null;
  rated_at: Date | null;
  merged_into: string | null;
}

export interface NewIncident {
  id: string;
  category: string;
  priority: number;
  title: string;
  description: string;
  position: [number, number] | null;
  wardCode: string | null;
  address: string | null;
  /** What the routing table suggests; the case goes to a unit only when the desk assigns it. */
  suggestedAgencyId: string | null;
  routingRule: { id: string; description: string } | null;
  sla: { hours?: number; workingDays?: number; source: string; urgent: boolean } | null;
  dueAt: Date | null;
  reporter: { name: string | null; phone: string | null } | null;
  media: { url: string; type: string }[];
  createdAt: Date;
}

export interface SourceRow {
  channel: string;
  sourceId: string;
  occurredAt: Date;
  signal: string | null;
  position: [number, number] | null;
  matchReason: MergeReason | null;
}

/**
 * The text the queue's search looks in, folded like the query (`foldVietnamese`): "ngap" finds "ngập",
 * "duong" finds "Đường".
 */
export function searchText(...parts: (string | null | undefined)[]): string {
  return foldVietnamese(parts.filter(Boolean).join(' '));
}

/** Lower case without diacritics (NFD, combining marks removed, đ → d), whitespace collapsed. */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A list of statuses as an SQL `IN` list: typed, so a status the state table lacks does not compile. */
const statusList = (statuses: readonly IncidentStatus[]): string =>
  `(${statuses.map((s) => `'${s}'`).join(', ')})`;

/** States in which an incident still absorbs new reports of the same thing and counts as open. */
export const OPEN_STATES_SQL = statusList(OPEN_INCIDENT_STATUSES);

export const INCIDENT_COLUMNS = `id, version, status, category, priority, title, description, lon, lat, ward_code, address, agency_id,
  due_at, sources, reporter, media, created_at, updated_at, resolved_at, closed_at, suggested_agency_id, routing_rule,
  routing_reason, sla, verified_at, assigned_at, accepted_at, breached_at, escalated_at, public_reply, rating,
  rating_comment, rated_at, merged_into`;
const COLUMNS = INCIDENT_COLUMNS;

export class IncidentRepository {
  constructor(private readonly db: Queryable) {}

  async incidentOfSource(q: Queryable, channel: string, sourceId: string): Promise<string | null> {
    const rows = await q.query<{ incident_id: string }>(
      `SELECT incident_id FROM incident_sources WHERE channel = $1 AND source_id = $2`,
      [channel, sourceId],
    );
    return rows[0]?.incident_id ?? null;
  }

  /** Open incidents near a point (a lon/lat box of ±`deg`) updated since `since`, with their sources. */
  async openNear(
    q: Queryable,
    position: [number, number],
    deg: number,
    since: Date,
  ): Promise<OpenIncident[]> {
    const rows = await q.query<{
      id: string;
      category: string;
      lon: number | null;
      lat: number | null;
      sources: IncidentSourceJson[];
    }>(
      `SELECT i.id, i.category, i.lon, i.lat,
              coalesce(json_agg(json_build_object('channel', s.channel, 'sourceId', s.source_id, 'signal', s.signal,
                 'lon', s.lon, 'lat', s.lat, 'at', s.occurred_at)) FILTER (WHERE s.source_id IS NOT NULL), '[]') AS sources
       FROM incidents i LEFT JOIN incident_sources s ON s.incident_id = i.id
       WHERE i.status IN ${OPEN_STATES_SQL}
         AND i.lon BETWEEN $1 AND $2 AND i.lat BETWEEN $3 AND $4
         AND i.updated_at >= $5
       GROUP BY i.id`,
      [position[0] - deg, position[0] + deg, position[1] - deg, position[1] + deg, since],
    );
    return rows.map((r) => ({
      id: r.id,
      category: r.category as CategoryCode,
      position: r.lon !== null && r.lat !== null ? [r.lon, r.lat] : null,
      sources: r.sources.map((s): IncidentSource => ({
        channel: s.channel,
        sourceId: s.sourceId,
        at: new Date(s.at),
        position: s.lon !== null && s.lat !== null ? [s.lon, s.lat] : null,
        ...(s.signal ? { signal: s.signal as IncidentSource['signal'] & string } : {}),
      })),
    }));
  }

  /** IOC-<yymm>-<6 digits>, numbered across the whole history. */
  async nextId(q: Queryable, at: Date): Promise<string> {
    const [row] = await q.query<{ n: number }>(`SELECT nextval('incident_number_seq')::int AS n`);
    const local = new Date(at.getTime() + 7 * 3_600_000); // Asia/Ho_Chi_Minh
    const yymm = `${String(local.getUTCFullYear()).slice(2)}${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
    return `IOC-${yymm}-${String(row!.n).padStart(6, '0')}`;
  }

  async insert(q: Queryable, i: NewIncident, source: SourceRow): Promise<IncidentRow> {
    const sources = [
      {
        channel: source.channel,
        sourceId: source.sourceId,
        at: source.occurredAt.toISOString(),
        signal: source.signal,
      },
    ];
    const [row] = await q.query<IncidentRow>(
      `INSERT INTO incidents (id, status, category, priority, title, description, lon, lat, ward_code, address,
          suggested_agency_id, due_at, sources, reporter, media, created_at, updated_at,
          routing_rule, routing_reason, sla, search_text)
       VALUES ($1, 'new', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13::jsonb, $15::jsonb, $14, $14,
          $16, $17, $18::jsonb, $19)
       RETURNING ${COLUMNS}`,
      [
        i.id,
        i.category,
        i.priority,
        i.title,
        i.description,
        i.position?.[0] ?? null,
        i.position?.[1] ?? null,
        i.wardCode,
        i.address,
        i.suggestedAgencyId,
        i.dueAt,
        JSON.stringify(sources),
        i.reporter ? JSON.stringify(i.reporter) : null,
        i.createdAt,
        JSON.stringify(i.media),
        i.routingRule?.id ?? null,
        i.routingRule?.description ?? null,
        i.sla ? JSON.stringify(i.sla) : null,
        searchText(i.id, i.title, i.description, i.address),
      ],
    );
    await this.insertSource(q, row!.id, source);
    return row!;
  }

  private async insertSource(q: Queryable, incidentId: string, s: SourceRow): Promise<void> {
    await q.query(
      `INSERT INTO incident_sources (channel, source_id, incident_id, occurred_at, signal, lon, lat, match_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        s.channel,
        s.sourceId,
        incidentId,
        s.occurredAt,
        s.signal,
        s.position?.[0] ?? null,
        s.position?.[1] ?? null,
        s.matchReason ? JSON.stringify(s.matchReason) : null,
      ],
    );
  }

  /** Attaches one more source; the incident's priority rises if the new source is more urgent. */
  async attach(q: Queryable, incidentId: string, source: SourceRow, priority: number): Promise<IncidentRow> {
    await this.insertSource(q, incidentId, source);
    const entry = {
      channel: source.channel,
      sourceId: source.sourceId,
      at: source.occurredAt.toISOString(),
      signal: source.signal,
    };
    const [row] = await q.query<IncidentRow>(
      `UPDATE incidents SET sources = sources || $2::jsonb, priority = LEAST(priority, $3), version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [incidentId, JSON.stringify([entry]), priority],
    );
    return row!;
  }

  async addEvent(
    q: Queryable,
    incidentId: string,
    type: string,
    actor: string,
    data: unknown,
  ): Promise<void> {
    await q.query(
      `INSERT INTO incident_events (incident_id, type, actor, data) VALUES ($1, $2, $3, $4::jsonb)`,
      [incidentId, type, actor, JSON.stringify(data)],
    );
  }

  async get(id: string, q: Queryable = this.db): Promise<IncidentRow | null> {
    const rows = await q.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async listOpen(q: Queryable = this.db, limit = 50_000): Promise<IncidentRow[]> {
    return q.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incidents WHERE status NOT IN ${statusList(['closed', 'rejected'])} ORDER BY created_at DESC LIMIT $1`,
      [limit],
    );
  }

  async events(id: string): Promise<{ ts: Date; type: string; actor: string | null; data: unknown }[]> {
    return this.db.query(
      `SELECT ts, type, actor, data FROM incident_events WHERE incident_id = $1 ORDER BY ts, type`,
      [id],
    );
  }

  /** Open / overdue / urgent counts per ward, for the `wards` layer. */
  async wardCounts(
    now: Date,
  ): Promise<{ ward_code: string; open: number; overdue: number; urgent: number }[]> {
    return this.db.query(
      `SELECT ward_code, count(*)::int AS open,
              count(*) FILTER (WHERE due_at < $1)::int AS overdue,
              count(*) FILTER (WHERE priority = 1)::int AS urgent
       FROM incidents WHERE status IN ${OPEN_STATES_SQL} AND ward_code IS NOT NULL GROUP BY ward_code`,
      [now],
    );
  }
}

interface IncidentSourceJson {
  channel: string;
  sourceId: string;
  signal: string | null;
  lon: number | null;
  lat: number | null;
  at: string;
}
