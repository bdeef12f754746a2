import type { Logger } from '@hue-ioc/streams';
import type { Queryable } from '../storage/db.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';

/** Who the IOC chases when a case is escalated (DOMAIN.md: "by SMS and phone"; the outbox sends the notices). */
export const ESCALATION_NOTIFY = ['unit_head', 'supervisors'] as const;

/** The event's actor: `system:deadlines`. */
export const DEADLINE_ACTOR = 'deadlines';

/** Statuses whose clock has stopped: never marked. */
const STOPPED = new Set(['resolved', 'closed', 'rejected']);

/** The workflow's locked, version-bumping change (WorkflowService.update). */
export interface DeadlineWorkflow {
  update(
    id: string,
    actor: string,
    fn: (
      row: IncidentRow,
      tx: Queryable,
    ) => Promise<{
      set: Partial<Record<'breached_at' | 'escalated_at', unknown>>;
      event: { type: string; data: Record<string, unknown> };
    } | null>,
  ): Promise<IncidentRow | null>;
}

/**
 * One node at a time (issue 12, item 5): `run` calls `fn` when this node holds the sweep, and answers null
 * without calling it when another node does.
 */
export interface SweepLock {
  run<T>(fn: () => Promise<T>): Promise<T | null>;
}

export interface DeadlineSchedulerDeps {
  /** Where the candidates are read (the row's own decision is taken again under the workflow's lock). */
  db: Queryable;
  workflow: DeadlineWorkflow;
  sla: { escalateFactor(category: string, priority: number): number };
  lock: SweepLock;
  now: () => Date;
  logger: Logger;
  /** Candidates per sweep; the rest wait for the next one (oldest deadline first). */
  batch?: number;
}

export interface SweepResult {
  breached: string[];
  escalated: string[];
}

/** When the IOC escalates: start + factor × (due − start), start = assigned_at ?? created_at; never before due. */
export function escalationAt(
  row: Pick<IncidentRow, 'due_at' | 'assigned_at' | 'created_at'>,
  factor: number,
): Date | null {
  if (!row.due_at) return null;
  const due = new Date(row.due_at).getTime();
  const start = new Date(row.assigned_at ?? row.created_at).getTime();
  return new Date(Math.max(due, start + factor * (due - start)));
}

/** What the sweep would do to a case at `now`: pure, and the same check runs again on the locked row. */
export function deadlineMarks(
  row: Pick<
    IncidentRow,
    'status' | 'due_at' | 'assigned_at' | 'created_at' | 'breached_at' | 'escalated_at' | 'merged_into'
  >,
  now: Date,
  factor: number,
): { breach: boolean; escalate: boolean } {
  if (STOPPED.has(row.status) || row.merged_into || !row.due_at) return { breach: false, escalate: false };
  const overdue = now.getTime() >= new Date(row.due_at).getTime();
  const escalateAt = escalationAt(row, factor);
  return {
    breach: overdue && row.breached_at === null,
    escalate: escalateAt !== null && now.getTime() >= escalateAt.getTime() && row.escalated_at === null,
  };
}

interface Candidate {
  id: string;
}

/**
 * The deadline scheduler (issue 12, item 5; ARCHITECTURE.md: "SLA scheduler"): marks open cases past their
 * deadline (`breached_at`, event `sla_breached`) and escalates once those past the second threshold
 * (`escalated_at`, event `escalated` naming who is told), each through the workflow so the change is locked,
 * versioned, on /live and in the outbox. Each mark fires once per deadline: the workflow clears both when a
 * new deadline is set (assignment, extension, reopening).
 */
export class DeadlineScheduler {
  private timer: NodeJS.Timeout | null = null;
  /** Sweeps of this node, one after the other. */
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly deps: DeadlineSchedulerDeps) {}

  /** Runs a sweep after any running on this node; null when another node holds the sweep. */
  sweep(): Promise<SweepResult | null> {
    this.pending++;
    const run = this.chain.then(() => this.deps.lock.run(() => this.sweepNow()));
    this.chain = run.catch(() => undefined).finally(() => this.pending--);
    return run;
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      // A sweep slower than the interval is not queued behind: the next tick after it will do.
      if (this.pending > 0) return;
      this.sweep().catch((err: unknown) =>
        this.deps.logger.warn(
          { err: (err as Error).message },
          'deadline sweep failed; tried again next time',
        ),
      );
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
  }

  private async sweepNow(): Promise<SweepResult> {
    const now = this.deps.now();
    const limit = this.deps.batch ?? 500;
    const result: SweepResult = { breached: [], escalated: [] };
    // Two questions so a backlog of breached cases waiting for their escalation never starves new breaches.
    const toBreach = await this.deps.db.query<Candidate>(
      `SELECT id FROM incidents
       WHERE status NOT IN ('resolved', 'closed', 'rejected') AND merged_into IS NULL
         AND due_at IS NOT NULL AND due_at <= $1 AND breached_at IS NULL
       ORDER BY due_at, id LIMIT $2`,
      [now, limit],
    );
    // The factor of the case's own rule, else its priority's default (sla_rules, migration 0011), else 2.
    const toEscalate = await this.deps.db.query<Candidate>(
      `SELECT i.id FROM incidents i
       LEFT JOIN sla_rules own ON own.category = i.category AND own.priority = i.priority
       LEFT JOIN sla_rules def ON def.category = '*' AND def.priority = i.priority
       WHERE i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL
         AND i.due_at IS NOT NULL AND i.due_at <= $1 AND i.escalated_at IS NULL
         AND greatest(i.due_at, coalesce(i.assigned_at, i.created_at)
               + coalesce(own.escalate_factor, def.escalate_factor, 2)
                 * (i.due_at - coalesce(i.assigned_at, i.created_at))) <= $1
       ORDER BY i.due_at, i.id LIMIT $2`,
      [now, limit],
    );
    for (const { id } of toBreach) if (await this.mark(id, 'breach', now)) result.breached.push(id);
    for (const { id } of toEscalate) if (await this.mark(id, 'escalate', now)) result.escalated.push(id);
    if (result.breached.length > 0 || result.escalated.length > 0)
      this.deps.logger.info(
        { breached: result.breached.length, escalated: result.escalated.length },
        'deadline sweep marked cases',
      );
    return result;
  }

  /** One mark through the workflow; decided again on the locked row (another node, or a new deadline). */
  private async mark(id: string, kind: 'breach' | 'escalate', now: Date): Promise<boolean> {
    try {
      const row = await this.deps.workflow.update(id, DEADLINE_ACTOR, async (locked) => {
        const factor = this.deps.sla.escalateFactor(locked.category, locked.priority);
        const marks = deadlineMarks(locked, now, factor);
        const dueAt = new Date(locked.due_at!).toISOString();
        if (kind === 'breach') {
          if (!marks.breach) return null;
          return {
            set: { breached_at: now },
            event: { type: 'sla_breached', data: { dueAt, agencyId: locked.agency_id } },
          };
        }
        if (!marks.escalate) return null;
        return {
          // A case escalated before its breach was written (the sweep was down past both) gets both marks.
          set: { escalated_at: now, ...(locked.breached_at === null ? { breached_at: now } : {}) },
          event: {
            type: 'escalated',
            data: {
              dueAt,
              threshold: escalationAt(locked, factor)!.toISOString(),
              factor,
              agencyId: locked.agency_id,
              notify: [...ESCALATION_NOTIFY],
            },
          },
        };
      });
      return row !== null;
    } catch (err) {
      // A row locked by a person's change now: it is looked at again next sweep.
      this.deps.logger.warn({ err: (err as Error).message, incidentId: id, kind }, 'deadline mark deferred');
      return false;
    }
  }
}
