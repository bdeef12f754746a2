import { createHash } from 'node:crypto';
import {
  CATEGORY_LABELS,
  isCategoryCode,
  type Open311Discovery,
  type Open311Request,
  type Open311RequestsQuery,
  type Open311Service,
  type Open311ServiceDefinition,
  type Open311Update,
} from '@hue-ioc/layers';
import { cleanText, OPEN311_SERVICES, open311Service } from '@hue-ioc/streams';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../storage/db.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';
import type { WorkflowService } from '../incidents/workflow.service.ts';
import { publicPosition, publishedSql, scrubText } from '../public/anonymise.ts';
import {
  isoLocal,
  JURISDICTION_ID,
  open311StatusOf,
  parseOpen311Time,
  STATUSES_OF,
} from './open311-format.ts';
import { open311Update, type PublicChange } from './open311-updates.ts';

/** GeoReport v2: a GET Service Requests answers at most this many, newest first, over at most 90 days. */
export const MAX_REQUESTS = 1000;
export const DEFAULT_SPAN_DAYS = 90;
const DAY_MS = 86_400_000;

/** When this API last changed (discovery `changeset`). */
const CHANGESET = new Date('2026-12-01T00:00:00+07:00');

/** The one jurisdiction we serve; another is 404 (GeoReport v2 "Possible errors"). */
export function checkJurisdiction(id: string | undefined): void {
  if (id === undefined || id.trim() === '' || id.trim().toLowerCase() === JURISDICTION_ID) return;
  throw new AppError(
    'IOC_OPEN311_JURISDICTION',
    `jurisdiction_id "${id.slice(0, 80)}" is not served here; ours is ${JURISDICTION_ID}`,
  );
}

/** Our request tokens: derived from the API key and the request (open311.routes.ts), never guessable. */
export const TOKEN = /^o311-[0-9a-f]{32}$/;

/** The token of a POST: from the client's Idempotency-Key when it sends one, else from the form's content. */
export function requestToken(
  apiKey: string,
  idempotencyKey: string | undefined,
  form: URLSearchParams,
): string {
  const h = createHash('sha256').update(apiKey).update('\u0000');
  if (idempotencyKey !== undefined && idempotencyKey.trim() !== '')
    h.update('key\u0000').update(idempotencyKey.trim());
  else {
    // The fields in a fixed order (a client may send them in another order on a retry), api_key left out.
    const pairs = [...form.entries()]
      .filter(([k]) => k !== 'api_key')
      .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
    h.update('form\u0000').update(JSON.stringify(pairs));
  }
  return `o311-${h.digest('hex').slice(0, 32)}`;
}

interface PublicRow {
  id: string;
  status: string;
  category: string;
  description: string | null;
  public_reply: string | null;
  created_at: Date;
  updated_at: Date;
  due_at: Date | null;
  address: string | null;
  ward_code: string | null;
  lon: number | null;
  lat: number | null;
  reporter_name: string | null;
  agency_name: string | null;
}

const PUBLIC_COLUMNS = `i.id, i.status, i.category, i.description, i.public_reply, i.created_at, i.updated_at, i.due_at,
  i.address, i.ward_code, i.lon, i.lat, i.reporter->>'name' AS reporter_name, a.name_vi AS agency_name`;
// The unit the case is with, else the one routing suggests (the deadline is already set from the SLA table).
const PUBLIC_FROM = `incidents i LEFT JOIN agencies a ON a.id = coalesce(i.agency_id, i.suggested_agency_id)`;

const serviceName = (code: string) =>
  isCategoryCode(code) ? CATEGORY_LABELS[code].vi : CATEGORY_LABELS.other.vi;

/** A published case as GeoReport v2 shows it: no reporter, text scrubbed, position rounded by category. */
export function publicRequest(r: PublicRow): Open311Request {
  const pos = publicPosition(r.category, r.lon, r.lat);
  return {
    service_request_id: r.id,
    status: open311StatusOf(r.status),
    status_notes: scrubText(r.public_reply, r.reporter_name),
    service_name: serviceName(r.category),
    service_code: r.category,
    description: scrubText(r.description, r.reporter_name),
    agency_responsible: r.agency_name,
    service_notice: null,
    requested_datetime: isoLocal(r.created_at),
    updated_datetime: isoLocal(r.updated_at),
    expected_datetime: r.due_at ? isoLocal(r.due_at) : null,
    address: scrubText(r.address, r.reporter_name),
    address_id: r.ward_code,
    zipcode: null,
    lat: pos?.lat ?? null,
    long: pos?.lon ?? null,
    // Citizens' photos may show people and homes, and a unit's public attachments have no public address
    // yet (GET /api/attachments/:id needs a login): no media is published.
    media_url: null,
  };
}

export interface Open311Deps {
  db: Db;
  workflow: WorkflowService;
  getIncident: (id: string) => Promise<IncidentRow | null>;
  now?: () => Date;
}

/** Fields of a servicerequestupdates POST, already validated by the route's checks below. */
export interface UpdateForm {
  service_request_id: string;
  update_id: string;
  updated_datetime: string;
  status: string;
  description: string;
}

const UPDATE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** A claim older than this without a result is from a node that died mid-change: taken over. */
const STALE_CLAIM_MS = 60_000;

/**
 * Open311 GeoReport v2 over our cases (issue 14): the services (our categories), the published cases and their
 * public changes, and the updates a unit's own system pushes (mySociety's servicerequestupdates). What is
 * public is decided once, in public/anonymise.ts.
 */
export class Open311Api {
  private readonly now: () => Date;

  constructor(private readonly deps: Open311Deps) {
    this.now = deps.now ?? (() => new Date());
  }

  discovery(baseUrl: string): Open311Discovery {
    return {
      changeset: isoLocal(CHANGESET),
      contact: 'Trung tâm Giám sát, điều hành đô thị thông minh thành phố Huế (IOC Huế), tổng đài 19001075',
      key_service: 'Khoá API (api_key) do IOC Huế cấp cho hệ thống đối tác; liên hệ IOC Huế.',
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${baseUrl}/open311/v2`,
          changeset: isoLocal(CHANGESET),
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ],
    };
  }

  services(): Open311Service[] {
    return OPEN311_SERVICES.map((s) => ({
      service_code: s.code,
      service_name: CATEGORY_LABELS[s.code].vi,
      description: s.description,
      metadata: s.attributes.length > 0,
      type: 'realtime',
      keywords: s.keywords.join(', '),
      group: s.group,
    }));
  }

  definition(code: string): Open311ServiceDefinition {
    const s = open311Service(code);
    if (!s) throw new AppError('IOC_OPEN311_SERVICE', `no service ${code.slice(0, 64)}`);
    return {
      service_code: s.code,
      attributes: s.attributes.map((a) => ({
        variable: true,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: a.datatype_description,
        order: a.order,
        description: a.description,
        ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
      })),
    };
  }

  /** GET Service Requests with GeoReport v2's filters. */
  async requests(q: Open311RequestsQuery): Promise<Open311Request[]> {
    const where: string[] = [publishedSql('i')];
    const params: unknown[] = [];
    const ids = listOf(q.service_request_id);
    if (ids.length > 0) {
      // GeoReport v2: service_request_id overrides every other filter.
      if (ids.length > MAX_REQUESTS) throw invalid(`at most ${MAX_REQUESTS} service_request_id`);
      params.push(ids);
      where.push(`i.id = ANY ($${params.length}::text[])`);
    } else {
      const codes = listOf(q.service_code);
      for (const c of codes)
        if (!isCategoryCode(c)) throw new AppError('IOC_OPEN311_SERVICE', `no service ${c.slice(0, 64)}`);
      if (codes.length > 0) {
        params.push(codes);
        where.push(`i.category = ANY ($${params.length}::text[])`);
      }
      const { from, to } = this.span(q.start_date, q.end_date, DEFAULT_SPAN_DAYS);
      params.push(from, to);
      where.push(`i.created_at >= $${params.length - 1} AND i.created_at <= $${params.length}`);
      const statuses = listOf(q.status) as ('open' | 'closed')[];
      if (statuses.length === 1) {
        params.push(STATUSES_OF[statuses[0]!]);
        where.push(`i.status = ANY ($${params.length}::text[])`);
      }
    }
    params.push(MAX_REQUESTS);
    const rows = await this.deps.db.query<PublicRow>(
      `SELECT ${PUBLIC_COLUMNS} FROM ${PUBLIC_FROM} WHERE ${where.join(' AND ')}
       ORDER BY i.created_at DESC, i.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(publicRequest);
  }

  /** GET Service Request: one published case; 404 for one that does not exist or is not published. */
  async request(id: string): Promise<Open311Request> {
    const rows = await this.deps.db.query<PublicRow>(
      `SELECT ${PUBLIC_COLUMNS} FROM ${PUBLIC_FROM} WHERE i.id = $1 AND ${publishedSql('i')}`,
      [id],
    );
    if (!rows[0]) throw new AppError('IOC_INCIDENT_NOT_FOUND', `no service request ${id.slice(0, 64)}`);
    return publicRequest(rows[0]);
  }

  /** GET service_request_id from a token. */
  async token(token: string): Promise<{ service_request_id: string; token: string }[]> {
    if (!TOKEN.test(token)) throw new AppError('IOC_OPEN311_TOKEN_NOT_FOUND', 'no such token');
    const rows = await this.deps.db.query<{ incident_id: string }>(
      `SELECT incident_id FROM incident_sources WHERE channel = 'open311' AND source_id = $1`,
      [token],
    );
    if (!rows[0]) throw new AppError('IOC_OPEN311_TOKEN_NOT_FOUND', 'no such token');
    return [{ service_request_id: rows[0].incident_id, token }];
  }

  /**
   * mySociety's GET servicerequestupdates: the public changes of published cases (every status change, the
   * published reply, public comments — what the Hue-S callback tells, outbox-messages.ts), newest first.
   */
  async updates(q: { start_date?: string; end_date?: string }): Promise<Open311Update[]> {
    const { from, to } = this.span(q.start_date, q.end_date, 7);
    const rows = await this.deps.db.query<{
      ts: Date;
      incident_id: string;
      type: string;
      data: Record<string, unknown>;
      status_then: string | null;
      reporter_name: string | null;
    }>(
      `SELECT e.ts, e.incident_id, e.type, e.data, i.reporter->>'name' AS reporter_name,
              (SELECT p.data->>'to' FROM incident_events p
                WHERE p.incident_id = e.incident_id AND p.ts <= e.ts AND p.data ? 'to'
                ORDER BY p.ts DESC LIMIT 1) AS status_then
       FROM incident_events e JOIN incidents i ON i.id = e.incident_id
       WHERE e.ts >= $1 AND e.ts <= $2 AND ${publishedSql('i')} AND e.data ? 'version'
         AND ((e.type IN ('verified', 'assigned', 'status', 'extended') AND e.data ? 'to')
              OR (e.type = 'comment' AND e.data->>'public' = 'true'))
       ORDER BY e.ts DESC LIMIT $3`,
      [from, to, MAX_REQUESTS],
    );
    return rows.map((r) => {
      const d = r.data;
      const str = (v: unknown) => (typeof v === 'string' ? v : null);
      const isComment = r.type === 'comment';
      const status = isComment ? (r.status_then ?? 'new') : (str(d.to) ?? 'new');
      const change: PublicChange = {
        incidentId: r.incident_id,
        version: Number(d.version),
        kind: isComment ? 'comment' : str(d.reply) ? 'reply' : 'status',
        status,
        at: r.ts,
        reply: str(d.reply),
        comment: isComment ? str(d.text) : null,
        reason: status === 'rejected' ? str(d.reason) : null,
        reporterName: r.reporter_name,
      };
      return open311Update(change);
    });
  }

  /**
   * mySociety's POST servicerequestupdates, from the system of the unit the case is with: CLOSED with a
   * description resolves the case with it as the published reply (when the state table lets the unit resolve
   * now), OPEN adds it as a public comment. The unit acts as itself (an `agency` principal of the case's
   * agency), on the version it finds; a change made meanwhile is read again, up to three times. `update_id` is
   * the idempotency key: the same update again answers the same, the same id with other content is refused.
   */
  async pushUpdate(form: UpdateForm): Promise<{ update_id: string; created: boolean }> {
    const status = form.status.trim().toUpperCase();
    if (status !== 'OPEN' && status !== 'CLOSED') throw invalid('status must be OPEN or CLOSED');
    if (!UPDATE_ID.test(form.update_id)) throw invalid('update_id must be 1–64 letters, digits or . _ : -');
    const at = parseOpen311Time(form.updated_datetime);
    if (!at) throw invalid('updated_datetime must be ISO 8601 with an offset');
    const text = cleanText(form.description);
    if (text === '') throw invalid('description is required: the public text of the update');
    if (text.length > 4000) throw invalid('description is at most 4000 characters');
    const id = form.service_request_id.trim();
    const hash = createHash('sha256')
      .update(JSON.stringify([id, status, text]))
      .digest('hex');

    // Claim the update id first, so that two deliveries of one update at once apply it once.
    const claimed = await this.claim(form.update_id, id, status, hash);
    if (!claimed) return { update_id: form.update_id, created: false };
    try {
      const version = await this.apply(id, status, text);
      await this.deps.db.query(`UPDATE open311_updates SET version = $2 WHERE update_id = $1`, [
        form.update_id,
        version,
      ]);
      return { update_id: form.update_id, created: true };
    } catch (e) {
      await this.deps.db.query(`DELETE FROM open311_updates WHERE update_id = $1 AND version IS NULL`, [
        form.update_id,
      ]);
      throw e;
    }
  }

  private async claim(updateId: string, incidentId: string, status: string, hash: string): Promise<boolean> {
    const exists = await this.deps.db.query<{ id: string }>(`SELECT id FROM incidents WHERE id = $1`, [
      incidentId,
    ]);
    if (!exists[0])
      throw new AppError('IOC_INCIDENT_NOT_FOUND', `no service request ${incidentId.slice(0, 64)}`);
    for (let attempt = 0; attempt < 2; attempt++) {
      const inserted = await this.deps.db.query(
        `INSERT INTO open311_updates (update_id, incident_id, status, content_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (update_id) DO NOTHING RETURNING 1`,
        [updateId, incidentId, status, hash],
      );
      if (inserted.length > 0) return true;
      const [prior] = await this.deps.db.query<{
        content_hash: string;
        version: number | null;
        received_at: Date;
      }>(`SELECT content_hash, version, received_at FROM open311_updates WHERE update_id = $1`, [updateId]);
      if (!prior) continue;
      if (prior.content_hash !== hash)
        throw new AppError('IOC_OPEN311_UPDATE', `update_id ${updateId} was already used for another update`);
      if (prior.version !== null) return false;
      if (this.now().getTime() - new Date(prior.received_at).getTime() < STALE_CLAIM_MS)
        throw new AppError('IOC_INCIDENT_STALE', `update ${updateId} is being applied; retry in a minute`);
      await this.deps.db.query(`DELETE FROM open311_updates WHERE update_id = $1 AND version IS NULL`, [
        updateId,
      ]);
    }
    throw new AppError('IOC_INCIDENT_STALE', `update ${updateId} is being applied; retry`);
  }

  /** The change itself, as the case's unit, on the version read; returns the version after it. */
  private async apply(id: string, status: 'OPEN' | 'CLOSED', text: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const row = await this.deps.getIncident(id);
      if (!row) throw new AppError('IOC_INCIDENT_NOT_FOUND', `no service request ${id.slice(0, 64)}`);
      if (row.merged_into)
        throw new AppError(
          'IOC_OPEN311_UPDATE',
          `${id} was merged into ${row.merged_into}: update that request`,
        );
      if (!row.agency_id)
        throw new AppError(
          'IOC_OPEN311_UPDATE',
          `${id} is not with a unit yet (status ${row.status}): nothing to update`,
        );
      const unit: Principal = {
        id: `open311:${row.agency_id}`,
        role: 'agency',
        agencyId: row.agency_id,
        username: `open311:${row.agency_id}`,
        credential: { type: 'session', idHash: 'open311' },
      };
      const by = { kind: 'principal', principal: unit } as const;
      try {
        const after =
          status === 'CLOSED'
            ? await this.deps.workflow.transition(
                id,
                { to: 'resolved', expectedVersion: row.version, reply: text },
                by,
              )
            : await this.deps.workflow.comment(id, { expectedVersion: row.version, text, public: true }, by);
        return after.version;
      } catch (e) {
        if (e instanceof AppError && e.code === 'IOC_INCIDENT_STALE' && attempt < 2) continue;
        if (e instanceof AppError && e.code === 'IOC_INCIDENT_TRANSITION')
          throw new AppError(
            'IOC_OPEN311_UPDATE',
            `${id} cannot be closed now: it is ${row.status}; the unit closes a request it has accepted (in_progress or extended)`,
            e.details,
          );
        throw e;
      }
    }
  }

  /** start_date/end_date: defaults, order and the longest span (GeoReport v2: 90 days). */
  private span(
    start: string | undefined,
    end: string | undefined,
    defaultDays: number,
  ): { from: Date; to: Date } {
    const parse = (v: string | undefined, name: string) => {
      if (v === undefined || v.trim() === '') return null;
      const t = parseOpen311Time(v);
      if (!t) throw invalid(`${name} must be ISO 8601 (e.g. 2026-03-05T00:00:00+07:00)`);
      return t;
    };
    const s = parse(start, 'start_date');
    const e = parse(end, 'end_date');
    const to =
      e ?? (s ? new Date(Math.min(s.getTime() + defaultDays * DAY_MS, this.now().getTime())) : this.now());
    const from = s ?? new Date(to.getTime() - defaultDays * DAY_MS);
    if (from > to) throw invalid('start_date is after end_date');
    if (to.getTime() - from.getTime() > DEFAULT_SPAN_DAYS * DAY_MS)
      throw invalid('start_date to end_date spans more than 90 days');
    return { from, to };
  }
}

const invalid = (message: string) => new AppError('IOC_REQUEST_INVALID', message);

/** A comma list with blanks dropped ("a,,b" → [a, b]). */
function listOf(v: string | undefined): string[] {
  if (v === undefined) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
