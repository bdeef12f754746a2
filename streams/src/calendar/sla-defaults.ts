import type { CategoryCode, Priority } from '../incidents/taxonomy.ts';

/*
 * Default deadlines (hạn xử lý). The statutory number of days per category is not in our sources (DOMAIN.md:
 * the QĐ 30/2022 appendix is not available to us): these are sensible defaults, kept as data that an admin
 * edits, and the UI says so. Priority 1 is the immediate process (clock hours); the others run in working days.
 */
export interface SlaRule {
  /** Clock hours (priority 1, immediate process). */
  hours?: number;
  /** Working days (timed process). */
  workingDays?: number;
}

export interface SlaTable {
  byPriority: Readonly<Record<Priority, SlaRule>>;
  /** Exceptions by category and priority; what is not listed falls back to `byPriority`. */
  byCategory: Readonly<Partial<Record<CategoryCode, Partial<Record<Priority, SlaRule>>>>>;
}

export const SLA_DEFAULTS: SlaTable = {
  byPriority: {
    1: { hours: 4 },
    2: { workingDays: 2 },
    3: { workingDays: 5 },
    4: { workingDays: 7 },
  },
  byCategory: {
    // A dark street or a blocked drain is fixed by a crew on its rounds, faster than paperwork.
    lighting: { 3: { workingDays: 3 } },
    drainage: { 2: { workingDays: 1 }, 3: { workingDays: 3 } },
    // Administrative files follow their own procedure deadlines; 7 days is the ceiling for a complaint about one.
    public_services: { 3: { workingDays: 7 } },
  },
};

export function slaFor(
  category: CategoryCode,
  priority: Priority,
  table: SlaTable = SLA_DEFAULTS,
): SlaRule & { source: 'category' | 'priority' } {
  const specific = table.byCategory[category]?.[priority];
  if (specific) return { ...specific, source: 'category' };
  return { ...table.byPriority[priority], source: 'priority' };
}
