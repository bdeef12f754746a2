import { Type, type Static } from '@sinclair/typebox';
import { CATEGORY_CODES } from '../category.ts';
import '../formats.ts';

/**
 * The deadline table (hạn xử lý; issue 12, item 5): `GET|PUT /api/admin/sla` (admin) and `GET /api/sla` (the
 * desk, to show the default deadline). DOMAIN.md: the statutory days per category are not in our sources, so
 * these are editable defaults. Priority 1 is the immediate process (clock hours, 1–72); 2–4 the timed process
 * (working days, 1–60). Category `*` holds the per-priority defaults; a category row is an exception.
 */

export const SLA_ANY_CATEGORY = '*';
export const SLA_PRIORITIES = [1, 2, 3, 4] as const;
export const SLA_LIMITS = {
  hours: { min: 1, max: 72 },
  workingDays: { min: 1, max: 60 },
  escalateFactor: { min: 1, max: 10, default: 2 },
} as const;

export const SlaCategorySchema = Type.Union(
  [Type.Literal(SLA_ANY_CATEGORY), ...CATEGORY_CODES.map((c) => Type.Literal(c))],
  { description: "a category code, or '*' for the per-priority defaults" },
);
export type SlaCategory = Static<typeof SlaCategorySchema>;

/** One rule as an admin writes it: exactly one of `hours` (priority 1 only) and `workingDays`. */
export const SlaRuleInputSchema = Type.Object(
  {
    category: SlaCategorySchema,
    priority: Type.Integer({ minimum: 1, maximum: 4 }),
    hours: Type.Optional(
      Type.Integer({
        minimum: SLA_LIMITS.hours.min,
        maximum: SLA_LIMITS.hours.max,
        description: 'clock hours (priority 1, immediate process)',
      }),
    ),
    workingDays: Type.Optional(
      Type.Integer({
        minimum: SLA_LIMITS.workingDays.min,
        maximum: SLA_LIMITS.workingDays.max,
        description: 'working days (timed process)',
      }),
    ),
    escalateFactor: Type.Optional(
      Type.Number({
        minimum: SLA_LIMITS.escalateFactor.min,
        maximum: SLA_LIMITS.escalateFactor.max,
        description: 'escalate once start + factor × (deadline − start) has passed (default 2)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SlaRuleInput = Static<typeof SlaRuleInputSchema>;

export const SlaRuleSchema = Type.Object({
  category: SlaCategorySchema,
  priority: Type.Integer({ minimum: 1, maximum: 4 }),
  hours: Type.Optional(Type.Integer()),
  workingDays: Type.Optional(Type.Integer()),
  escalateFactor: Type.Number(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type SlaRuleItem = Static<typeof SlaRuleSchema>;

/** The whole table; the body of PUT replaces it (rows left out are removed; the four `*` rows are required). */
export const SlaTableBodySchema = Type.Object(
  { rules: Type.Array(SlaRuleInputSchema, { minItems: 4, maxItems: 4 * (CATEGORY_CODES.length + 1) }) },
  { additionalProperties: false },
);
export type SlaTableBody = Static<typeof SlaTableBodySchema>;

export const SlaTableSchema = Type.Object({
  rules: Type.Array(SlaRuleSchema),
  /** Shown beside the table: where the numbers come from. */
  note: Type.String(),
});
export type SlaTableResponse = Static<typeof SlaTableSchema>;

export const SLA_NOTE =
  'Thời hạn theo quy định cho từng lĩnh vực không có trong nguồn của chúng tôi: đây là giá trị mặc định, quản trị viên chỉnh sửa được.';

/**
 * What the schema cannot say: hours only for priority 1, exactly one unit per rule, no rule twice, the four
 * default rows present. Returns the problems (empty: valid), each naming the rule (`rules/3: …`).
 */
export function slaTableProblems(rules: readonly SlaRuleInput[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const at = `rules/${i} (${r.category}, priority ${r.priority})`;
    if ((r.hours === undefined) === (r.workingDays === undefined))
      problems.push(`${at}: exactly one of hours and workingDays`);
    if (r.hours !== undefined && r.priority !== 1)
      problems.push(`${at}: hours are for priority 1 (immediate process); use workingDays`);
    const key = `${r.category}/${r.priority}`;
    if (seen.has(key)) problems.push(`${at}: given twice`);
    seen.add(key);
  });
  for (const p of SLA_PRIORITIES)
    if (!seen.has(`${SLA_ANY_CATEGORY}/${p}`))
      problems.push(`the default rule (category '*') for priority ${p} is missing`);
  return problems;
}
