import { Type, type Static } from '@sinclair/typebox';
import { KpiPillarSchema, KpiUnitSchema } from './kpi-catalogue.ts';
import { ChannelSchema } from './incidents.ts';
import '../formats.ts';

/**
 * `GET /api/briefing` (issue 13): the leaders' picture of one period against the previous equal period.
 * Days are Asia/Ho_Chi_Minh days (UTC+7, no daylight saving); `from` is inclusive and `to` exclusive.
 * Every figure is computed in the database (the `incident_daily` continuous aggregate plus direct SQL for
 * percentiles and current state; migration 0013). No personal data appears: no reporter, no phone, no name
 * of a citizen. An agency user's scope is its own unit: an absent scope means `agency:<own id>`, any other
 * scope answers 403 `IOC_AUTH_FORBIDDEN`.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DAY = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';

export const BRIEFING_PERIODS = ['today', '7d', '30d', 'month', 'custom'] as const;
export const BriefingPeriodKindSchema = Type.Union(
  BRIEFING_PERIODS.map((p) => Type.Literal(p)),
  {
    description:
      'today; the last 7 or 30 days including today; this calendar month up to today; custom = from..to (inclusive days)',
  },
);
export type BriefingPeriodKind = Static<typeof BriefingPeriodKindSchema>;

/** Custom periods are at most this many days (a year and a bit: the benchmark's span). */
export const BRIEFING_MAX_DAYS = 400;

export const BriefingQuerySchema = Type.Object(
  {
    period: Type.Optional(
      Type.Union(
        BRIEFING_PERIODS.map((p) => Type.Literal(p)),
        { default: '7d' },
      ),
    ),
    /** First day (YYYY-MM-DD, Asia/Ho_Chi_Minh), with period=custom. */
    from: Type.Optional(Type.String({ pattern: DAY })),
    /** Last day, inclusive (YYYY-MM-DD), with period=custom. */
    to: Type.Optional(Type.String({ pattern: DAY })),
    /** `province` (default), `ward:<GSO code>` or `agency:<id>`. */
    scope: Type.Optional(Type.String({ pattern: '^(province|ward:[0-9]{5}|agency:[A-Za-z0-9_.-]{1,64})$' })),
  },
  { additionalProperties: false },
);
export type BriefingQuery = Static<typeof BriefingQuerySchema>;

export const BriefingRangeSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  /** Exclusive end. */
  to: Type.String({ format: 'date-time' }),
  /** First and last day (inclusive), YYYY-MM-DD in Asia/Ho_Chi_Minh. */
  fromDay: Type.String({ pattern: DAY }),
  toDay: Type.String({ pattern: DAY }),
  days: Type.Integer({ minimum: 1 }),
});
export type BriefingRange = Static<typeof BriefingRangeSchema>;

export const BriefingScopeSchema = Type.Object({
  level: Type.Union([Type.Literal('province'), Type.Literal('ward'), Type.Literal('agency')]),
  /** Ward GSO code or agency id; absent for the province. */
  code: Type.Optional(Type.String()),
  /** Vietnamese name of the province, ward or unit. */
  name: Type.String(),
});
export type BriefingScope = Static<typeof BriefingScopeSchema>;

export const LabelSchema = Type.Object({ vi: Type.String(), en: Type.String() });

export const BriefingUnitSchema = Type.Union([
  Type.Literal('%'),
  Type.Literal('count'),
  Type.Literal('hours'),
]);
export const GoodDirectionSchema = Type.Union([Type.Literal('up'), Type.Literal('down')]);

/**
 * The headline ids, in display order. `received` … `returned_share` come from the incidents;
 * rates are percentages 0–100, times in working hours.
 */
export const BRIEFING_HEADLINE_IDS = [
  'received',
  'handled',
  'ty_le_xu_ly_dung_han',
  'ty_le_hai_long',
  'ty_le_phan_anh_da_xu_ly',
  'overdue_now',
  'median_resolve_hours',
  'p90_resolve_hours',
  'reopened_share',
  'returned_share',
] as const;
export type BriefingHeadlineId = (typeof BRIEFING_HEADLINE_IDS)[number];

export const BriefingHeadlineSchema = Type.Object({
  id: Type.String(),
  label: LabelSchema,
  /** Null when there is nothing to count (a rate over zero cases). */
  value: Nullable(Type.Number()),
  /** The same figure over the previous equal period (for `overdue_now`: the count at the previous period's end is not kept, so null). */
  previous: Nullable(Type.Number()),
  target: Nullable(Type.Number()),
  unit: BriefingUnitSchema,
  goodDirection: GoodDirectionSchema,
  /** value − previous, in the figure's unit (percentage points for rates). */
  change: Nullable(Type.Number()),
  /** (value − previous) ÷ previous × 100; null when previous is null or 0. */
  changePct: Nullable(Type.Number()),
});
export type BriefingHeadline = Static<typeof BriefingHeadlineSchema>;

export const BriefingTrendPointSchema = Type.Object({
  /** YYYY-MM-DD, Asia/Ho_Chi_Minh. */
  day: Type.String({ pattern: DAY }),
  /** Cases created that day. */
  received: Type.Integer(),
  /** Of those, handled (resolved or closed) so far. */
  handled: Type.Integer(),
  /** Of those, handled by their deadline. */
  onTime: Type.Integer(),
});

export const BriefingWardSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  received: Type.Integer(),
  handled: Type.Integer(),
  /** Open and past the deadline now (not limited to the period). */
  overdue: Type.Integer(),
  onTimeRate: Nullable(Type.Number()),
  satisfaction: Nullable(Type.Number()),
});

export const BriefingAgencySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  received: Type.Integer(),
  handled: Type.Integer(),
  onTimeRate: Nullable(Type.Number()),
  /** Open and past the deadline now. */
  overdue: Type.Integer(),
  /** Median time to resolve in working hours, over the period's handled cases. */
  medianHours: Nullable(Type.Number()),
});

export const BriefingChannelSchema = Type.Object({
  channel: ChannelSchema,
  received: Type.Integer(),
  handled: Type.Integer(),
  onTimeRate: Nullable(Type.Number()),
});

export const BriefingOverdueCaseSchema = Type.Object({
  id: Type.String(),
  title: Nullable(Type.String()),
  category: Type.String(),
  status: Type.String(),
  wardCode: Nullable(Type.String()),
  agencyId: Nullable(Type.String()),
  dueAt: Type.String({ format: 'date-time' }),
  /** Clock hours past the deadline now. */
  overdueHours: Type.Number(),
});

/** A sensor in alarm now (device_alarms level ≥ 1); for river gauges level 1–3 is BĐ I–III (QĐ 05/2020/QĐ-TTg). */
export const BriefingAlarmSchema = Type.Object({
  deviceId: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  wardCode: Nullable(Type.String()),
  level: Type.Integer({ minimum: 1, maximum: 3 }),
  since: Type.String({ format: 'date-time' }),
  peakValue: Nullable(Type.Number()),
  unit: Nullable(Type.String()),
});

/**
 * Hours in the period a gauge spent at or above each alarm level, from the hourly rollup (observations_1h:
 * an hour counts when its highest reading reached the threshold).
 */
export const BriefingAlarmHoursSchema = Type.Object({
  deviceId: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  /** Hours at or above BĐ I, II, III (index 0, 1, 2). */
  hours: Type.Array(Type.Integer()),
});

export const BriefingSensorsSchema = Type.Object({
  devices: Type.Integer(),
  /** Share of device-hours in the period with at least one reading (observations_1h), 0–100. */
  uptime: Nullable(Type.Number()),
});

/** The catalogue's pillars (layers/src/kpi.ts KPI_PILLARS). */
export const PillarSchema = KpiPillarSchema;

/**
 * A catalogue indicator's newest value in the period (from the KPI webhook's kpi_samples, province scope):
 * every active entry of the kpi_catalogue table, in its sort order, with the label, unit, target and
 * direction an admin gave it.
 */
export const BriefingKpiSchema = Type.Object({
  id: Type.String(),
  pillar: PillarSchema,
  label: LabelSchema,
  value: Nullable(Type.Number()),
  /** Newest value before the period began. */
  previous: Nullable(Type.Number()),
  target: Nullable(Type.Number()),
  unit: KpiUnitSchema,
  goodDirection: GoodDirectionSchema,
  ts: Nullable(Type.String({ format: 'date-time' })),
});

export const BriefingSchema = Type.Object({
  period: Type.Composite([
    BriefingRangeSchema,
    Type.Object({ kind: BriefingPeriodKindSchema, label: LabelSchema }),
  ]),
  previous: BriefingRangeSchema,
  generatedAt: Type.String({ format: 'date-time' }),
  scope: BriefingScopeSchema,
  headline: Type.Array(BriefingHeadlineSchema),
  trend: Type.Array(BriefingTrendPointSchema),
  wards: Type.Array(BriefingWardSchema),
  agencies: Type.Array(BriefingAgencySchema),
  channels: Type.Array(BriefingChannelSchema),
  mostOverdue: Type.Array(BriefingOverdueCaseSchema),
  alarms: Type.Array(BriefingAlarmSchema),
  alarmHours: Type.Array(BriefingAlarmHoursSchema),
  sensors: BriefingSensorsSchema,
  kpis: Type.Array(BriefingKpiSchema),
});
export type Briefing = Static<typeof BriefingSchema>;
