import {
  dueAt,
  SLA_DEFAULTS,
  slaFor,
  type CategoryCode,
  type Logger,
  type Priority,
  type SlaRule,
  type SlaTable,
  type WorkingCalendar,
} from '@hue-ioc/streams';
import { SLA_ANY_CATEGORY, SLA_LIMITS, type SlaRuleInput, type SlaRuleItem } from '@hue-ioc/layers';
import type { Db, Queryable } from '../storage/db.ts';
import { SlaRuleRepository, type SlaRuleRow } from '../storage/sla-rule.repository.ts';
import { reloadEvery } from '../reload-every.ts';
import type { ActorContext } from '../auth/access.service.ts';

/** The rule a deadline came from: the table's rule and whether it was the category's own or the default. */
export type AppliedSlaRule = SlaRule & { source: 'category' | 'priority' };

export interface SlaServiceDeps {
  db: Db;
  calendar: WorkingCalendar;
  logger: Logger;
  /** Writes the access audit row of a change, inside its transaction (access.service `record`). */
  audit: (actor: ActorContext, before: SlaRuleItem[], after: SlaRuleItem[], tx: Queryable) => Promise<void>;
}

export const publicSlaRule = (r: SlaRuleRow): SlaRuleItem => ({
  category: r.category as SlaRuleItem['category'],
  priority: r.priority,
  ...(r.hours !== null ? { hours: r.hours } : {}),
  ...(r.working_days !== null ? { workingDays: r.working_days } : {}),
  escalateFactor: r.escalate_factor,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** The rows as streams' SlaTable (what `enrich` and `slaFor` read); a missing default keeps SLA_DEFAULTS'. */
export function tableOf(rows: readonly SlaRuleRow[]): SlaTable {
  const byPriority: Record<Priority, SlaRule> = { ...SLA_DEFAULTS.byPriority };
  const byCategory: Partial<Record<CategoryCode, Partial<Record<Priority, SlaRule>>>> = {};
  for (const r of rows) {
    const rule: SlaRule = r.hours !== null ? { hours: r.hours } : { workingDays: r.working_days ?? 1 };
    const p = r.priority as Priority;
    if (r.category === SLA_ANY_CATEGORY) byPriority[p] = rule;
    else (byCategory[r.category as CategoryCode] ??= {})[p] = rule;
  }
  return { byPriority, byCategory };
}

/**
 * The deadline table (hạn xử lý) as data (issue 12, item 5): read from `sla_rules`, cached, reloaded after a
 * change and every minute (another node may have changed it). New incidents (enrich), assignments (the
 * workflow's default deadline) and the escalation threshold read it from here.
 */
export class SlaService {
  private readonly repo: SlaRuleRepository;
  private rows: SlaRuleRow[] = [];
  private table: SlaTable = SLA_DEFAULTS;
  private stopReload: (() => void) | null = null;

  constructor(private readonly deps: SlaServiceDeps) {
    this.repo = new SlaRuleRepository(deps.db);
  }

  get calendar(): WorkingCalendar {
    return this.deps.calendar;
  }

  async load(): Promise<void> {
    this.set(await this.repo.list());
  }

  /** Reloads every `intervalMs`; a failed reload keeps the table it has and is tried again next time. */
  start(intervalMs: number): void {
    this.stop();
    this.stopReload = reloadEvery(() => this.load(), intervalMs, this.deps.logger, 'SLA table');
  }

  stop(): void {
    this.stopReload?.();
    this.stopReload = null;
  }

  current(): SlaTable {
    return this.table;
  }

  rules(): SlaRuleItem[] {
    return this.rows.map(publicSlaRule);
  }

  /** The rule for a case: the category's own, else the priority's default. */
  ruleFor(category: string, priority: number): AppliedSlaRule {
    return slaFor(category as CategoryCode, clampPriority(priority), this.table);
  }

  /** The default deadline of a case whose clock starts at `from` (creation, or an assignment). */
  dueAtFor(input: { category: string; priority: number; from: Date }): { dueAt: Date; rule: AppliedSlaRule } {
    const rule = this.ruleFor(input.category, input.priority);
    const due = dueAt({
      receivedAt: input.from,
      urgent: clampPriority(input.priority) === 1,
      calendar: this.deps.calendar,
      ...(rule.hours !== undefined ? { hours: rule.hours } : { workingDays: rule.workingDays ?? 1 }),
    });
    return { dueAt: due, rule };
  }

  /** How far past the deadline (as a multiple of the time allowed) the IOC escalates: the rule's, else 2. */
  escalateFactor(category: string, priority: number): number {
    const p = clampPriority(priority);
    const own = this.rows.find((r) => r.category === category && r.priority === p);
    const fallback = this.rows.find((r) => r.category === SLA_ANY_CATEGORY && r.priority === p);
    return own?.escalate_factor ?? fallback?.escalate_factor ?? SLA_LIMITS.escalateFactor.default;
  }

  /**
   * Replaces the table (already validated: layers' slaTableProblems) with the audit row in the same
   * transaction, and takes it into use on this node at once (other nodes within a minute).
   */
  async replace(rules: readonly SlaRuleInput[], actor: ActorContext): Promise<SlaRuleItem[]> {
    const updatedBy = actor.principal?.username ?? actor.principal?.id ?? 'system';
    const rows = await this.deps.db.transaction(async (tx) => {
      const before = (await this.repo.list(tx)).map(publicSlaRule);
      const after = await this.repo.replaceAll(
        rules.map((r) => ({
          category: r.category,
          priority: r.priority,
          hours: r.hours ?? null,
          workingDays: r.workingDays ?? null,
          escalateFactor: r.escalateFactor ?? SLA_LIMITS.escalateFactor.default,
        })),
        updatedBy,
        tx,
      );
      await this.deps.audit(actor, before, after.map(publicSlaRule), tx);
      return after;
    });
    this.set(rows);
    return this.rules();
  }

  private set(rows: SlaRuleRow[]): void {
    this.rows = rows;
    this.table = tableOf(rows);
  }
}

const clampPriority = (p: number): Priority => (p <= 1 ? 1 : p >= 4 ? 4 : (Math.round(p) as Priority));
