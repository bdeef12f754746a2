import type { Queryable } from './db.ts';

/** One row of `sla_rules` (migration 0011): category '*' holds the per-priority defaults. */
export interface SlaRuleRow {
  category: string;
  priority: number;
  hours: number | null;
  working_days: number | null;
  escalate_factor: number;
  updated_by: string | null;
  updated_at: Date;
}

export interface NewSlaRule {
  category: string;
  priority: number;
  hours: number | null;
  workingDays: number | null;
  escalateFactor: number;
}

const COLUMNS =
  'category, priority, hours, working_days, escalate_factor::float8 AS escalate_factor, updated_by, updated_at';

/** The deadline table (hạn xử lý), edited as a whole by an admin. */
export class SlaRuleRepository {
  constructor(private readonly db: Queryable) {}

  list(q: Queryable = this.db): Promise<SlaRuleRow[]> {
    return q.query<SlaRuleRow>(
      `SELECT ${COLUMNS} FROM sla_rules ORDER BY (category <> '*'), category, priority`,
    );
  }

  /**
   * Replaces the table inside the caller's transaction. Rows that did not change keep who changed them
   * and when; a row left out is removed (its category falls back to the '*' default).
   */
  async replaceAll(rules: readonly NewSlaRule[], updatedBy: string, tx: Queryable): Promise<SlaRuleRow[]> {
    const keys = rules.map((r) => `${r.category}/${r.priority}`);
    await tx.query(`DELETE FROM sla_rules WHERE NOT ((category || '/' || priority) = ANY($1::text[]))`, [
      keys,
    ]);
    await tx.query(
      `INSERT INTO sla_rules (category, priority, hours, working_days, escalate_factor, updated_by, updated_at)
       SELECT c, p, h, w, f, $6, now()
       FROM unnest($1::text[], $2::smallint[], $3::int[], $4::int[], $5::real[]) AS t(c, p, h, w, f)
       ON CONFLICT (category, priority) DO UPDATE SET
         hours = EXCLUDED.hours, working_days = EXCLUDED.working_days,
         escalate_factor = EXCLUDED.escalate_factor, updated_by = EXCLUDED.updated_by, updated_at = now()
       WHERE (sla_rules.hours, sla_rules.working_days, sla_rules.escalate_factor)
         IS DISTINCT FROM (EXCLUDED.hours, EXCLUDED.working_days, EXCLUDED.escalate_factor)`,
      [
        rules.map((r) => r.category),
        rules.map((r) => r.priority),
        rules.map((r) => r.hours),
        rules.map((r) => r.workingDays),
        rules.map((r) => r.escalateFactor),
        updatedBy,
      ],
    );
    return this.list(tx);
  }
}
