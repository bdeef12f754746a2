import type { FeedbackBody, IncidentStatus } from '@hue-ioc/layers';
import type { Logger } from '@hue-ioc/streams';
import { AppError } from '../errors.ts';
import type { Db } from '../storage/db.ts';
import type { IncidentRow } from '../storage/incident.repository.ts';
import type { WorkflowService } from './workflow.service.ts';

export interface FeedbackDeps {
  workflow: Pick<WorkflowService, 'transition' | 'sourceIncident'>;
  db: Db;
  getIncident: (id: string) => Promise<IncidentRow | null>;
  /** FEEDBACK_REOPEN_DAYS in seconds: a "không hài lòng" this soon after resolution reopens the case. */
  reopenWindowS: number;
  /** RATING_WINDOW_DAYS in seconds: a resolved case nobody rated closes by itself after this. */
  ratingWindowS: number;
  logger: Logger;
  now?: () => Date;
}

export interface FeedbackOutcome {
  incidentId: string;
  status: IncidentStatus;
  outcome: 'closed' | 'reopened' | 'duplicate';
}

/**
 * The citizen's rating of a published reply (Hue-S feedback, issue 12 item 6) and the close of cases nobody
 * rated. Both go through the workflow, so the state table, the version check and the outbox apply.
 */
export class FeedbackService {
  private readonly now: () => Date;

  constructor(private readonly deps: FeedbackDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * A rating: `closed` with it, or `reopened` when the citizen is not satisfied within the reopen window
   * (later, a "không hài lòng" closes the case and counts as dissatisfied). A retried delivery of a rating
   * already applied changes nothing; an unknown report is IOC_INCIDENT_NOT_FOUND; a case not resolved
   * (not yet, or no more) is IOC_INCIDENT_TRANSITION from the workflow.
   */
  async rate(body: FeedbackBody): Promise<FeedbackOutcome> {
    const id = await this.deps.workflow.sourceIncident('hue_s', body.id);
    if (!id) throw new AppError('IOC_INCIDENT_NOT_FOUND', `no incident has the Hue-S report ${body.id}`);
    const row = await this.deps.getIncident(id);
    if (!row) throw new AppError('IOC_INCIDENT_NOT_FOUND', `no incident has the Hue-S report ${body.id}`);
    // A merged case: the rating belongs to the case that absorbed it.
    const target = row.merged_into ? ((await this.deps.getIncident(row.merged_into)) ?? row) : row;
    const comment = body.comment?.trim() || undefined;
    // The same rating again on a case it already moved on: Hue-S retrying a delivery we answered.
    if (target.status !== 'resolved' && target.rating === body.rating && target.rated_at !== null) {
      return { incidentId: target.id, status: target.status as IncidentStatus, outcome: 'duplicate' };
    }
    const resolvedAt = target.resolved_at ? new Date(target.resolved_at).getTime() : null;
    const withinWindow =
      resolvedAt !== null && this.now().getTime() - resolvedAt <= this.deps.reopenWindowS * 1000;
    const to: IncidentStatus = body.rating === 'khong_hai_long' && withinWindow ? 'reopened' : 'closed';
    const after = await this.deps.workflow.transition(
      target.id,
      { to, rating: body.rating, ...(comment ? { ratingComment: comment } : {}) },
      { kind: 'citizen' },
    );
    return { incidentId: after.id, status: after.status as IncidentStatus, outcome: to };
  }

  /**
   * Closes resolved cases not rated within the window (`system` actor). Safe on several nodes: each close is
   * checked against the version read here, and a case another node (or the citizen) closed first is skipped.
   */
  async closeUnrated(limit = 200): Promise<number> {
    const due = await this.deps.db.query<{ id: string; version: number }>(
      `SELECT id, version FROM incidents
       WHERE status = 'resolved' AND resolved_at < now() - ($1::float8 * INTERVAL '1 second')
       ORDER BY resolved_at LIMIT $2`,
      [this.deps.ratingWindowS, limit],
    );
    let closed = 0;
    for (const { id, version } of due) {
      try {
        await this.deps.workflow.transition(
          id,
          { to: 'closed', expectedVersion: version },
          { kind: 'system' },
        );
        closed++;
      } catch (e) {
        if (
          e instanceof AppError &&
          (e.code === 'IOC_INCIDENT_STALE' || e.code === 'IOC_INCIDENT_TRANSITION')
        )
          continue;
        throw e;
      }
    }
    if (closed > 0) this.deps.logger.info({ closed }, 'closed resolved cases nobody rated in time');
    return closed;
  }

  /**
   * Satisfaction (DOMAIN.md "Indicators", QĐ 766/QĐ-TTg) = (total − dissatisfied − overdue) ÷ total, over the
   * cases handled or rated in the last 30 days: dissatisfied = rated "không hài lòng", overdue = handled after
   * its deadline (and not already counted as dissatisfied). Null when there is nothing to count.
   */
  async satisfaction(): Promise<{ value: number; total: number } | null> {
    const [r] = await this.deps.db.query<{ total: number; dissatisfied: number; overdue: number }>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE rating = 'khong_hai_long')::int AS dissatisfied,
              count(*) FILTER (WHERE rating IS DISTINCT FROM 'khong_hai_long' AND due_at IS NOT NULL
                                 AND coalesce(resolved_at, closed_at) > due_at)::int AS overdue
       FROM incidents
       WHERE merged_into IS NULL
         AND (rated_at > now() - INTERVAL '30 days' OR resolved_at > now() - INTERVAL '30 days')`,
    );
    if (!r || r.total === 0) return null;
    return { value: (100 * (r.total - r.dissatisfied - r.overdue)) / r.total, total: r.total };
  }
}
