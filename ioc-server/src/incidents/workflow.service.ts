import {
  findTransition,
  INCIDENT_STATUS_LABELS,
  isFinishedStatus,
  transitionsFrom,
  type IncidentStatus,
  type Rating,
  type Transition,
  type WorkflowActor,
  type WorkflowRequirement,
} from '@hue-ioc/layers';
import type { Logger } from '@hue-ioc/streams';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { Db, Queryable } from '../storage/db.ts';
import {
  INCIDENT_COLUMNS,
  searchText,
  type IncidentRepository,
  type IncidentRow,
} from '../storage/incident.repository.ts';

/** Who asks for a change: a signed-in person, the citizen (Hue-S feedback) or the server itself. */
export type WorkflowBy =
  { kind: 'principal'; principal: Principal } | { kind: 'citizen' } | { kind: 'system'; name?: string };

export interface TransitionCommand {
  to: IncidentStatus;
  /** Required of people; the citizen and the system act on the current version. */
  expectedVersion?: number;
  reason?: string;
  dueAt?: Date;
  reply?: string;
  agencyId?: string;
  priority?: number;
  rating?: Rating;
  ratingComment?: string;
  attachmentIds?: string[];
}

/** One change of a case: the row before and after, and the event that records it. */
export interface IncidentChange {
  before: IncidentRow | null;
  after: IncidentRow;
  event: { type: string; actor: string; data: Record<string, unknown> };
}

/** Runs inside the change's transaction (the outbox writes its messages here, atomically with the change). */
export type TransactionHook = (tx: Queryable, change: IncidentChange) => Promise<void>;

/** A change prepared by `update`: the columns to set and the event to write; null for "nothing to do". */
export interface PreparedChange {
  set: Partial<Record<WritableColumn, unknown>>;
  event: { type: string; data: Record<string, unknown> };
}

export type WritableColumn =
  | 'status'
  | 'priority'
  | 'agency_id'
  | 'due_at'
  | 'verified_at'
  | 'assigned_at'
  | 'accepted_at'
  | 'breached_at'
  | 'escalated_at'
  | 'resolved_at'
  | 'closed_at'
  | 'public_reply'
  | 'rating'
  | 'rating_comment'
  | 'rated_at'
  | 'merged_into'
  | 'sources'
  | 'media'
  | 'title'
  | 'description'
  | 'category';

const WRITABLE = new Set<string>([
  'status',
  'priority',
  'agency_id',
  'due_at',
  'verified_at',
  'assigned_at',
  'accepted_at',
  'breached_at',
  'escalated_at',
  'resolved_at',
  'closed_at',
  'public_reply',
  'rating',
  'rating_comment',
  'rated_at',
  'merged_into',
  'sources',
  'media',
  'title',
  'description',
  'category',
]);
const JSON_COLUMNS = new Set(['sources', 'media']);

/** The default deadline of an assignment (the SLA table; the `sla` plugin provides it). */
export interface DeadlinePolicy {
  dueAtFor(input: { category: string; priority: number; from: Date }): { dueAt: Date; rule: unknown };
}

export interface WorkflowDeps {
  db: Db;
  /** The incident repository: the source → incident lookup and the event insert the ingest uses too. */
  incidents: Pick<IncidentRepository, 'incidentOfSource' | 'addEvent'>;
  /** Publishes changed rows on the incidents layer (→ `incident:changed` on /live, the wall, the ward counts). */
  publish: (rows: readonly IncidentRow[]) => Promise<void>;
  agencyExists: (id: string, q: Queryable) => Promise<boolean>;
  deadlines: () => DeadlinePolicy;
  logger: Logger;
  now?: () => Date;
}

/** Role → the actor column of the state table. Leaders and wall screens act on nothing. */
export function actorOfPrincipal(p: Principal): WorkflowActor | null {
  switch (p.role) {
    case 'admin':
    case 'supervisor':
    case 'operator':
      return 'desk';
    case 'agency':
      return 'agency';
    default:
      return null;
  }
}

const actorKind = (by: WorkflowBy): WorkflowActor | null =>
  by.kind === 'principal' ? actorOfPrincipal(by.principal) : by.kind;

/** The event's `actor`: the username of a person, `citizen`, or `system`. */
export function actorName(by: WorkflowBy): string {
  if (by.kind === 'principal') return by.principal.username ?? by.principal.id;
  if (by.kind === 'citizen') return 'citizen';
  return by.name ? `system:${by.name}` : 'system';
}

/** The agency a principal is limited to, or null for the desk. */
const scopeOf = (by: WorkflowBy): string | null =>
  by.kind === 'principal' && by.principal.role === 'agency' ? (by.principal.agencyId ?? '\u0000none') : null;

/** The event type a transition writes (ARCHITECTURE.md "Storage": created, assigned, status, …). */
function eventTypeOf(to: IncidentStatus): string {
  if (to === 'verified') return 'verified';
  if (to === 'assigned') return 'assigned';
  if (to === 'extended') return 'extended';
  return 'status';
}

const PG_LOCK_NOT_AVAILABLE = '55P03';

/**
 * The incident workflow (issue 12): every change a person, the citizen or the server makes to a case, each
 * checked against the state table (layers/src/workflow.ts) and the caller's version, in one transaction that
 * locks the row, bumps its version, writes exactly one incident_events row and runs the transaction hooks
 * (the outbox); after commit the case is published on the incidents layer.
 */
export class WorkflowService {
  private readonly txHooks: TransactionHook[] = [];
  private readonly committed = new Set<(change: IncidentChange) => void>();
  private readonly now: () => Date;

  constructor(private readonly deps: WorkflowDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  onTransaction(hook: TransactionHook): void {
    this.txHooks.push(hook);
  }

  onCommitted(listener: (change: IncidentChange) => void): () => void {
    this.committed.add(listener);
    return () => this.committed.delete(listener);
  }

  /** The incident a source (channel + the source's own id) belongs to. */
  async sourceIncident(channel: string, sourceId: string): Promise<string | null> {
    return this.deps.incidents.incidentOfSource(this.deps.db, channel, sourceId);
  }

  /** The transitions `by` may take from the case's state now (the consoles' buttons). */
  allowedActions(row: IncidentRow, by: WorkflowBy): Transition[] {
    const actor = actorKind(by);
    if (!actor) return [];
    const scope = scopeOf(by);
    if (scope !== null && row.agency_id !== scope) return [];
    if (row.merged_into) return [];
    return transitionsFrom(row.status as IncidentStatus, actor);
  }

  /** A status change through the state table. */
  async transition(id: string, cmd: TransitionCommand, by: WorkflowBy): Promise<IncidentRow> {
    const actor = actorKind(by);
    if (!actor) throw new AppError('IOC_AUTH_FORBIDDEN', 'this role changes no incident');
    return this.change(id, by, cmd.expectedVersion, async (row, tx) => {
      const from = row.status as IncidentStatus;
      const transition = row.merged_into ? undefined : findTransition(from, cmd.to, actor);
      if (!transition) {
        const allowed = row.merged_into ? [] : transitionsFrom(from, actor);
        throw new AppError(
          'IOC_INCIDENT_TRANSITION',
          row.merged_into
            ? `${id} was merged into ${row.merged_into}: act on that case`
            : `${INCIDENT_STATUS_LABELS[from].en} → ${cmd.to} is not allowed${allowed.length ? `; allowed: ${allowed.map((t) => t.to).join(', ')}` : ''}`,
          {
            from,
            to: cmd.to,
            allowed: allowed.map((t) => ({ action: t.action, to: t.to, requires: [...t.requires] })),
          },
        );
      }
      const now = this.now();
      const filled = await this.fill(transition, cmd, row, now, tx);
      const set: PreparedChange['set'] = { status: cmd.to, ...filled.set };
      const data: Record<string, unknown> = {
        from,
        to: cmd.to,
        action: transition.action,
        ...(cmd.reason ? { reason: cmd.reason } : {}),
        ...filled.data,
      };
      return { set, event: { type: eventTypeOf(cmd.to), data } };
    });
  }

  /**
   * Checks what the transition requires and fills the columns it sets. A missing requirement is a 400
   * naming every missing field.
   */
  private async fill(
    t: Transition,
    cmd: TransitionCommand,
    row: IncidentRow,
    now: Date,
    tx: Queryable,
  ): Promise<{ set: PreparedChange['set']; data: Record<string, unknown> }> {
    const missing: WorkflowRequirement[] = [];
    const has = (r: WorkflowRequirement) => t.requires.includes(r);
    if (has('reason') && !cmd.reason?.trim()) missing.push('reason');
    if (has('agency') && !cmd.agencyId) missing.push('agency');
    if (has('reply') && !cmd.reply?.trim()) missing.push('reply');
    if (has('rating') && !cmd.rating) missing.push('rating');
    // An extension names its new date; an assignment defaults to the SLA table's.
    if (has('dueAt') && t.action === 'extend' && !cmd.dueAt) missing.push('dueAt');
    if (missing.length > 0)
      throw new AppError('IOC_INCIDENT_REQUIREMENT', `${t.action} needs: ${missing.join(', ')}`, {
        action: t.action,
        missing,
      });

    const set: PreparedChange['set'] = {};
    const data: Record<string, unknown> = {};
    switch (t.to) {
      case 'verified':
        set.verified_at = now;
        break;
      case 'assigned': {
        const agencyId = cmd.agencyId!;
        if (!(await this.deps.agencyExists(agencyId, tx)))
          throw new AppError('IOC_INCIDENT_AGENCY_UNKNOWN', `no agency "${agencyId}"`, { agencyId });
        const priority = cmd.priority ?? row.priority;
        const deadline = cmd.dueAt
          ? { dueAt: cmd.dueAt, rule: 'set by the desk' }
          : this.deps.deadlines().dueAtFor({ category: row.category, priority, from: now });
        if (deadline.dueAt.getTime() <= now.getTime())
          throw new AppError('IOC_INCIDENT_REQUIREMENT', 'the deadline must be in the future', {
            action: t.action,
            missing: ['dueAt'],
          });
        Object.assign(set, {
          agency_id: agencyId,
          due_at: deadline.dueAt,
          assigned_at: now,
          accepted_at: null,
          breached_at: null,
          escalated_at: null,
          priority,
        });
        Object.assign(data, {
          agencyId,
          previousAgencyId: row.agency_id,
          dueAt: deadline.dueAt.toISOString(),
          previousDueAt: row.due_at?.toISOString() ?? null,
          deadlineRule: deadline.rule,
          ...(priority !== row.priority ? { priority, previousPriority: row.priority } : {}),
        });
        break;
      }
      case 'in_progress':
        set.accepted_at = now;
        break;
      case 'returned':
        // Back to the desk: the unit that sent it back no longer has it.
        set.agency_id = null;
        data.agencyId = row.agency_id;
        break;
      case 'extended': {
        const due = cmd.dueAt!;
        if (due.getTime() <= now.getTime() || (row.due_at && due.getTime() <= row.due_at.getTime()))
          throw new AppError('IOC_INCIDENT_REQUIREMENT', 'an extension moves the deadline later', {
            action: t.action,
            missing: ['dueAt'],
          });
        Object.assign(set, { due_at: due, breached_at: null, escalated_at: null });
        Object.assign(data, { dueAt: due.toISOString(), previousDueAt: row.due_at?.toISOString() ?? null });
        break;
      }
      case 'resolved':
        Object.assign(set, { public_reply: cmd.reply!.trim(), resolved_at: now });
        data.reply = cmd.reply!.trim();
        if (cmd.attachmentIds?.length) data.attachmentIds = cmd.attachmentIds;
        break;
      case 'closed':
        set.closed_at = now;
        if (cmd.rating) Object.assign(data, this.rate(set, cmd, now));
        break;
      case 'reopened': {
        Object.assign(set, { resolved_at: null, closed_at: null, breached_at: null, escalated_at: null });
        if (cmd.rating) Object.assign(data, this.rate(set, cmd, now));
        // Back with its unit under a new deadline (a rejected case has none: the desk assigns it).
        if (row.agency_id) {
          const deadline = this.deps.deadlines().dueAtFor({
            category: row.category,
            priority: row.priority,
            from: now,
          });
          Object.assign(set, { due_at: deadline.dueAt, assigned_at: now, accepted_at: null });
          data.dueAt = deadline.dueAt.toISOString();
        }
        break;
      }
      case 'rejected':
        break;
      default:
        break;
    }
    return { set, data };
  }

  private rate(set: PreparedChange['set'], cmd: TransitionCommand, now: Date): Record<string, unknown> {
    Object.assign(set, { rating: cmd.rating, rating_comment: cmd.ratingComment ?? null, rated_at: now });
    return { rating: cmd.rating, ...(cmd.ratingComment ? { ratingComment: cmd.ratingComment } : {}) };
  }

  /** A comment: internal (the desk and the unit) or public (sent to the citizen). */
  async comment(
    id: string,
    body: { expectedVersion: number; text: string; public?: boolean },
    by: WorkflowBy,
  ): Promise<IncidentRow> {
    if (!actorKind(by)) throw new AppError('IOC_AUTH_FORBIDDEN', 'this role comments on no incident');
    return this.change(id, by, body.expectedVersion, async () => ({
      set: {},
      event: { type: 'comment', data: { text: body.text.trim(), public: body.public === true } },
    }));
  }

  /**
   * Any other change (the deadline scheduler's breach and escalation marks, an attachment, a rating that
   * changes no state): locked, version-bumped, one event, the hooks, published. `fn` sees the locked row
   * and returns the change, or null to leave the case as it is (no version bump, no event).
   */
  async update(
    id: string,
    actor: string,
    fn: (row: IncidentRow, tx: Queryable) => Promise<PreparedChange | null>,
    expectedVersion?: number,
  ): Promise<IncidentRow | null> {
    const by: WorkflowBy = actor === 'citizen' ? { kind: 'citizen' } : { kind: 'system', name: actor };
    try {
      return await this.change(id, by, expectedVersion, fn, actor);
    } catch (e) {
      if (e instanceof NoChange) return null;
      throw e;
    }
  }

  /**
   * Merges `id` (the duplicate) into `body.into`: the other case takes its sources and media, keeps the
   * higher priority; `id` closes as merged. Both versions are checked; both cases get a `merged` event.
   */
  async merge(
    id: string,
    body: { expectedVersion: number; into: string; intoExpectedVersion: number; reason?: string },
    by: WorkflowBy,
  ): Promise<{ source: IncidentRow; target: IncidentRow }> {
    if (actorKind(by) !== 'desk') throw new AppError('IOC_AUTH_FORBIDDEN', 'only the desk merges cases');
    if (id === body.into) throw new AppError('IOC_INCIDENT_MERGE', 'a case cannot be merged into itself');
    const actor = actorName(by);
    const now = this.now();
    const result = await this.deps.db.transaction(async (tx) => {
      // Lock both rows in id order, so two merges of the same pair cannot deadlock.
      const [first, second] = [id, body.into].sort();
      const a = await this.lock(tx, first!, null);
      const b = await this.lock(tx, second!, null);
      const source = a.id === id ? a : b;
      const target = a.id === id ? b : a;
      this.checkVersion(source, body.expectedVersion);
      this.checkVersion(target, body.intoExpectedVersion);
      for (const r of [source, target])
        if (r.merged_into || r.status === 'closed' || r.status === 'rejected')
          throw new AppError(
            'IOC_INCIDENT_MERGE',
            `${r.id} is ${r.merged_into ? `merged into ${r.merged_into}` : r.status}: it cannot take part in a merge`,
          );
      await tx.query(`UPDATE incident_sources SET incident_id = $2 WHERE incident_id = $1`, [
        source.id,
        target.id,
      ]);
      const targetAfter = await this.write(tx, target, {
        sources: [...target.sources, ...source.sources],
        media: [...target.media, ...source.media],
        priority: Math.min(target.priority, source.priority),
      });
      const sourceAfter = await this.write(tx, source, {
        status: 'closed',
        closed_at: now,
        merged_into: target.id,
      });
      const reason = body.reason ? { reason: body.reason } : {};
      const changes: IncidentChange[] = [
        {
          before: source,
          after: sourceAfter,
          event: {
            type: 'merged',
            actor,
            data: {
              into: target.id,
              from: source.status,
              to: 'closed',
              ...reason,
              version: sourceAfter.version,
            },
          },
        },
        {
          before: target,
          after: targetAfter,
          event: {
            type: 'merged',
            actor,
            data: {
              absorbed: source.id,
              sources: source.sources.length,
              ...reason,
              version: targetAfter.version,
            },
          },
        },
      ];
      for (const c of changes) await this.record(tx, c);
      return changes;
    });
    await this.after(result);
    return { source: result[0]!.after, target: result[1]!.after };
  }

  /**
   * Splits sources that are another matter out of `id` into a new case (status `new`, triaged again);
   * at least one source stays. Both cases get a `split` event.
   */
  async split(
    id: string,
    body: { expectedVersion: number; sources: { channel: string; sourceId: string }[]; reason: string },
    by: WorkflowBy,
    nextId: (tx: Queryable, at: Date) => Promise<string>,
  ): Promise<{ source: IncidentRow; created: IncidentRow }> {
    if (actorKind(by) !== 'desk') throw new AppError('IOC_AUTH_FORBIDDEN', 'only the desk splits cases');
    const actor = actorName(by);
    const now = this.now();
    const result = await this.deps.db.transaction(async (tx) => {
      const row = await this.lock(tx, id, null);
      this.checkVersion(row, body.expectedVersion);
      if (row.merged_into || isFinishedStatus(row.status as IncidentStatus))
        throw new AppError('IOC_INCIDENT_MERGE', `${id} is ${row.status}: split an open case`);
      const key = (s: { channel: string; sourceId: string }) => `${s.channel}\u001f${s.sourceId}`;
      const wanted = new Set(body.sources.map(key));
      const moving = row.sources.filter((s) => wanted.has(key(s)));
      if (moving.length !== wanted.size)
        throw new AppError('IOC_INCIDENT_MERGE', 'some of these sources are not part of this case', {
          known: row.sources.map((s) => ({ channel: s.channel, sourceId: s.sourceId })),
        });
      if (moving.length === row.sources.length)
        throw new AppError('IOC_INCIDENT_MERGE', 'at least one source stays with the case');
      const staying = row.sources.filter((s) => !wanted.has(key(s)));
      const positions = await tx.query<{ lon: number | null; lat: number | null; occurred_at: Date }>(
        `SELECT lon, lat, occurred_at FROM incident_sources
         WHERE incident_id = $1 AND channel || chr(31) || source_id = ANY ($2::text[]) ORDER BY occurred_at`,
        [id, [...wanted]],
      );
      const at = positions.find((p) => p.lon !== null && p.lat !== null);
      const newId = await nextId(tx, now);
      const [created] = await tx.query<IncidentRow>(
        `INSERT INTO incidents (id, status, category, priority, title, description, lon, lat, ward_code, address,
            suggested_agency_id, routing_rule, routing_reason, sla, due_at, sources, reporter, media, created_at,
            updated_at, search_text)
         SELECT $2, 'new', category, priority, title, description, coalesce($3, lon), coalesce($4, lat), ward_code,
                address, suggested_agency_id, routing_rule, routing_reason, sla, due_at, $5::jsonb, reporter, '[]'::jsonb,
                $6, $6, search_text
         FROM incidents WHERE id = $1
         RETURNING ${INCIDENT_COLUMNS}`,
        [id, newId, at?.lon ?? null, at?.lat ?? null, JSON.stringify(moving), now],
      );
      await tx.query(
        `UPDATE incident_sources SET incident_id = $2
         WHERE incident_id = $1 AND channel || chr(31) || source_id = ANY ($3::text[])`,
        [id, newId, [...wanted]],
      );
      const after = await this.write(tx, row, { sources: staying });
      const changes: IncidentChange[] = [
        {
          before: row,
          after,
          event: {
            type: 'split',
            actor,
            data: { into: newId, sources: moving, reason: body.reason, version: after.version },
          },
        },
        {
          before: null,
          after: created!,
          event: {
            type: 'created',
            actor,
            data: { splitFrom: id, sources: moving, reason: body.reason, version: created!.version },
          },
        },
      ];
      for (const c of changes) await this.record(tx, c);
      return changes;
    });
    await this.after(result);
    return { source: result[0]!.after, created: result[1]!.after };
  }

  // ── the one way a case changes ──────────────────────────────────────────────────────────────────────

  private async change(
    id: string,
    by: WorkflowBy,
    expectedVersion: number | undefined,
    prepare: (row: IncidentRow, tx: Queryable) => Promise<PreparedChange | null>,
    actor = actorName(by),
  ): Promise<IncidentRow> {
    if (by.kind === 'principal' && expectedVersion === undefined)
      throw new AppError('IOC_REQUEST_INVALID', 'expectedVersion is required');
    const change = await this.deps.db.transaction(async (tx) => {
      const row = await this.lock(tx, id, scopeOf(by));
      if (expectedVersion !== undefined) await this.checkVersionWithChanges(tx, row, expectedVersion);
      const prepared = await prepare(row, tx);
      if (!prepared) throw new NoChange();
      const after = await this.write(tx, row, prepared.set);
      const c: IncidentChange = {
        before: row,
        after,
        event: { type: prepared.event.type, actor, data: { ...prepared.event.data, version: after.version } },
      };
      await this.record(tx, c);
      return c;
    });
    await this.after([change]);
    return change.after;
  }

  /** The row, locked for this transaction; 404 when it does not exist or is another agency's. */
  private async lock(tx: Queryable, id: string, agencyScope: string | null): Promise<IncidentRow> {
    let rows: IncidentRow[];
    try {
      rows = await tx.query<IncidentRow>(
        `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = $1 FOR UPDATE`,
        [id],
      );
    } catch (e) {
      if ((e as { code?: string }).code === PG_LOCK_NOT_AVAILABLE)
        throw new AppError('IOC_INCIDENT_STALE', 'the case is being changed; reload it');
      throw e;
    }
    const row = rows[0];
    // Another unit's case answers like a missing one: no oracle for ids (ARCHITECTURE.md "REST").
    if (!row || (agencyScope !== null && row.agency_id !== agencyScope))
      throw new AppError('IOC_INCIDENT_NOT_FOUND', `no incident ${id}`);
    return row;
  }

  private checkVersion(row: IncidentRow, expected: number): void {
    if (row.version !== expected)
      throw new AppError('IOC_INCIDENT_STALE', `${row.id} is at version ${row.version}, not ${expected}`, {
        currentVersion: row.version,
        status: row.status,
        changes: [],
      });
  }

  /** 409 with the current version and the events since the caller's version (what changed). */
  private async checkVersionWithChanges(tx: Queryable, row: IncidentRow, expected: number): Promise<void> {
    if (row.version === expected) return;
    const changes = await tx.query<{ ts: Date; type: string; actor: string | null; data: unknown }>(
      `SELECT ts, type, actor, data FROM incident_events
       WHERE incident_id = $1 AND (data->>'version') ~ '^[0-9]+$' AND (data->>'version')::int > $2
       ORDER BY ts LIMIT 50`,
      [row.id, expected],
    );
    throw new AppError(
      'IOC_INCIDENT_STALE',
      `${row.id} changed since version ${expected} (now ${row.version}): reload it`,
      {
        currentVersion: row.version,
        status: row.status,
        changes: changes.map((c) => ({ ts: c.ts.toISOString(), type: c.type, actor: c.actor, data: c.data })),
      },
    );
  }

  /** Sets the columns, bumps the version and `updated_at`, refreshes the search text. */
  private async write(tx: Queryable, row: IncidentRow, set: PreparedChange['set']): Promise<IncidentRow> {
    const assignments: string[] = [];
    const params: unknown[] = [row.id];
    for (const [column, value] of Object.entries(set)) {
      if (!WRITABLE.has(column)) throw new Error(`workflow: ${column} is not a writable column`);
      params.push(JSON_COLUMNS.has(column) ? JSON.stringify(value) : value);
      assignments.push(`${column} = $${params.length}${JSON_COLUMNS.has(column) ? '::jsonb' : ''}`);
    }
    const title = (set.title as string | undefined) ?? row.title;
    const description = (set.description as string | undefined) ?? row.description;
    params.push(searchText(row.id, title, description, row.address));
    assignments.push(`search_text = $${params.length}`);
    const [after] = await tx.query<IncidentRow>(
      `UPDATE incidents SET ${assignments.join(', ')}, version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING ${INCIDENT_COLUMNS}`,
      params,
    );
    return after!;
  }

  private async record(tx: Queryable, c: IncidentChange): Promise<void> {
    await this.deps.incidents.addEvent(tx, c.after.id, c.event.type, c.event.actor, c.event.data);
    for (const hook of this.txHooks) await hook(tx, c);
  }

  private async after(changes: readonly IncidentChange[]): Promise<void> {
    await this.deps.publish(changes.map((c) => c.after));
    for (const c of changes)
      for (const listener of this.committed) {
        try {
          listener(c);
        } catch (e) {
          this.deps.logger.error({ err: e, incidentId: c.after.id }, 'incident change listener failed');
        }
      }
  }
}

/** `update`'s "nothing to do": rolls the transaction back without an error for the caller. */
class NoChange extends Error {}
