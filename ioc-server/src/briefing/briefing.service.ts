import {
  KPI_CATALOGUE,
  type Briefing,
  type BriefingHeadlineId,
  type BriefingPeriodKind,
  type Channel,
  type KpiPillar,
  type KpiUnit,
} from '@hue-ioc/layers';
import { localDateOf, type Ward } from '@hue-ioc/streams';
import type { Queryable } from '../storage/db.ts';
import { resolvePeriod } from './briefing-period.ts';

export type BriefingScopeRef =
  { level: 'province' } | { level: 'ward'; code: string } | { level: 'agency'; code: string };

/** What the briefing reads of a KPI catalogue entry (the kpi_catalogue table's active entries). */
export interface BriefingKpiDefinition {
  id: string;
  pillar: KpiPillar;
  label: { vi: string; en: string };
  unit: KpiUnit;
  target: number | null;
  goodDirection: 'up' | 'down';
}

export interface BriefingDeps {
  db: Queryable;
  wards: () => readonly Ward[];
  /**
   * The active KPI catalogue in display order (the server's KpiCatalogueService.active()); absent: layers'
   * KPI_CATALOGUE, the seed.
   */
  catalogue?: () => readonly BriefingKpiDefinition[];
  now?: () => Date;
}

const SEED_CATALOGUE: readonly BriefingKpiDefinition[] = KPI_CATALOGUE.map((k) => ({
  id: k.id,
  pillar: k.pillar,
  label: { vi: k.vi, en: k.en },
  unit: k.unit,
  target: k.target ?? null,
  goodDirection: k.higherIsBetter ? 'up' : 'down',
}));

/** The province's code in kpi_samples (GSO 46, Thành phố Huế). */
const PROVINCE_CODE = '46';
const PROVINCE_NAME = 'Thành phố Huế';
const CHANNELS: readonly Channel[] = ['hue_s', 'hotline', 'camera', 'sensor', 'open311'];
/** Cases still with someone: the partial index incidents_open_due_idx covers exactly these. */
const OPEN_SQL = `status NOT IN ('closed', 'rejected', 'resolved')`;

/** Sums of the incident_daily columns (migration 0014 defines each). */
interface Sums {
  received: number;
  rejected: number;
  handled: number;
  on_time: number;
  dissatisfied: number;
  sat_overdue: number;
  reopened: number;
  returned: number;
}
const SUM_COLUMNS = [
  'received',
  'rejected',
  'handled',
  'on_time',
  'dissatisfied',
  'sat_overdue',
  'reopened',
  'returned',
] as const;
const ZERO: Sums = {
  received: 0,
  rejected: 0,
  handled: 0,
  on_time: 0,
  dissatisfied: 0,
  sat_overdue: 0,
  reopened: 0,
  returned: 0,
};

const pct = (n: number, d: number): number | null => (d > 0 ? round((100 * n) / d) : null);
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** On-time rate = handled by the deadline ÷ received (QĐ 766/QĐ-TTg). */
export const onTimeRate = (s: Sums) => pct(s.on_time, s.received);
/**
 * Satisfaction = (total − dissatisfied − overdue) ÷ total (QĐ 766/QĐ-TTg), counted as feedback.service.ts
 * counts it: total = handled cases, dissatisfied = rated "không hài lòng", overdue = handled after the
 * deadline and not already counted as dissatisfied.
 */
export const satisfaction = (s: Sums) => pct(s.handled - s.dissatisfied - s.sat_overdue, s.handled);

const HEADLINE_LABELS: Record<BriefingHeadlineId, { vi: string; en: string }> = {
  received: { vi: 'Phản ánh tiếp nhận', en: 'Reports received' },
  handled: { vi: 'Phản ánh đã xử lý', en: 'Reports handled' },
  ty_le_xu_ly_dung_han: { vi: 'Tỷ lệ xử lý đúng hạn', en: 'Handled on time' },
  ty_le_hai_long: { vi: 'Mức độ hài lòng', en: 'Citizen satisfaction' },
  ty_le_phan_anh_da_xu_ly: { vi: 'Tỷ lệ đã xử lý', en: 'Share handled' },
  overdue_now: { vi: 'Đang quá hạn', en: 'Overdue now' },
  median_resolve_hours: { vi: 'Thời gian xử lý (trung vị)', en: 'Time to resolve (median)' },
  p90_resolve_hours: { vi: 'Thời gian xử lý (90%)', en: 'Time to resolve (90th percentile)' },
  reopened_share: { vi: 'Tỷ lệ mở lại', en: 'Share reopened' },
  returned_share: { vi: 'Tỷ lệ trả lại', en: 'Share returned' },
};

/**
 * GET /api/briefing's figures. Counts come from the continuous aggregates (one query over the period and the
 * previous one: totals, days, wards, units, channels; the city's from the narrow rollups of 0016, a ward's
 * or a unit's from incident_daily); percentiles of the working time to resolve from incident_facts (an
 * ordered-set aggregate does not add up across days); what is true now (overdue cases, alarms) from the
 * relational tables through their partial indexes.
 */
export class BriefingService {
  constructor(private readonly deps: BriefingDeps) {}

  async briefing(
    q: { period: BriefingPeriodKind; from?: string | undefined; to?: string | undefined },
    scope: BriefingScopeRef,
  ): Promise<Briefing> {
    const now = this.deps.now?.() ?? new Date();
    const p = resolvePeriod(q.period, now, q);
    const db = this.deps.db;
    const catalogue = this.deps.catalogue?.() ?? SEED_CATALOGUE;
    const definition = new Map(catalogue.map((k) => [k.id, k]));
    const cur = [p.current.from, p.current.to] as const;
    const prev = [p.previous.from, p.previous.to] as const;
    // $1..$4: current from/to, previous from/to; $5: the scope's code.
    const params: unknown[] = [cur[0], cur[1], prev[0], prev[1]];
    let scopeSql = 'true';
    let incidentScopeSql = 'true';
    if (scope.level !== 'province') {
      params.push(scope.code);
      const col = scope.level === 'ward' ? 'ward_code' : 'agency_id';
      scopeSql = `${col} = $5`;
      incidentScopeSql = `${col} = $2`;
    }
    const sums = SUM_COLUMNS.map((c) => `sum(${c})::int AS ${c}`).join(', ');

    const [rolled, times, overdueGroups, mostOverdue, alarms, gauges, sensors, kpis, agencyNames] =
      await Promise.all([
        db.query<
          Sums & {
            cur: boolean;
            g: number;
            day: Date | null;
            ward_code: string | null;
            agency_id: string | null;
            channel: string | null;
          }
        >(scope.level === 'province' ? cityRollupSql(sums) : scopedRollupSql(sums, scopeSql), params),
        db.query<{
          cur: boolean;
          agency_id: string | null;
          g: number;
          p50: number | null;
          p90: number | null;
        }>(
          `SELECT true AS cur, agency_id, GROUPING(agency_id)::int AS g,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY resolve_working_minutes) AS p50,
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY resolve_working_minutes) AS p90
           FROM incident_facts
           WHERE created_at >= $1 AND created_at < $2 AND handled_at IS NOT NULL AND NOT merged AND ${scopeSql}
           GROUP BY GROUPING SETS ((), (agency_id))
           UNION ALL
           SELECT false, NULL::text, 1,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY resolve_working_minutes),
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY resolve_working_minutes)
           FROM incident_facts
           WHERE created_at >= $3 AND created_at < $4 AND handled_at IS NOT NULL AND NOT merged AND ${scopeSql}`,
          params,
        ),
        db.query<{ ward_code: string | null; agency_id: string | null; n: number }>(
          `SELECT ward_code, agency_id, count(*)::int AS n FROM incidents
           WHERE ${OPEN_SQL} AND due_at < $1 AND merged_into IS NULL AND ${incidentScopeSql}
           GROUP BY 1, 2`,
          [now, ...params.slice(4)],
        ),
        db.query<{
          id: string;
          title: string | null;
          category: string;
          status: string;
          ward_code: string | null;
          agency_id: string | null;
          due_at: Date;
        }>(
          `SELECT id, title, category, status, ward_code, agency_id, due_at FROM incidents
           WHERE ${OPEN_SQL} AND due_at < $1 AND merged_into IS NULL AND ${incidentScopeSql}
           ORDER BY due_at, id LIMIT 10`,
          [now, ...params.slice(4)],
        ),
        // Flood and alarm status is the city's, whatever the scope: a river in flood concerns every unit.
        db.query<{
          device_id: string;
          name: string;
          kind: string;
          ward_code: string | null;
          level: number;
          since: Date;
          peak_value: number | null;
          unit: string | null;
        }>(
          `SELECT a.device_id, d.name, d.kind, d.ward_code, a.level, a.since, a.peak_value, d.unit
           FROM device_alarms a JOIN devices d ON d.id = a.device_id
           WHERE a.level > 0 ORDER BY a.level DESC, a.since`,
        ),
        // Hours at or above BĐ I–III per river gauge: an hour counts when its highest reading reached the level.
        db.query<{ device_id: string; name: string; kind: string; h1: number; h2: number; h3: number }>(
          `SELECT d.id AS device_id, d.name, d.kind,
                  count(*) FILTER (WHERE o.max_value >= d.thresholds[1])::int AS h1,
                  count(*) FILTER (WHERE o.max_value >= d.thresholds[2])::int AS h2,
                  count(*) FILTER (WHERE o.max_value >= d.thresholds[3])::int AS h3
           FROM devices d JOIN observations_1h o ON o.device_id = d.id AND o.metric = 'water_level'
           WHERE d.kind = 'water_level' AND cardinality(d.thresholds) >= 1
             AND o.bucket >= $1 AND o.bucket < $2
           GROUP BY d.id, d.name, d.kind ORDER BY d.id`,
          cur,
        ),
        // Uptime: hours with readings ÷ the hours each device was expected to report in the period so far,
        // counted from when it joined (its registration, or its first reading if that is earlier: history
        // imported for a device registered since). A device that did not exist at the period's start does
        // not count as down for those hours (a node started at 22:00 read 4 % "today"). observations_1h has
        // one row per device, metric and hour: a device reporting two metrics counts its hours twice
        // (clamped at 100%), which no seeded device does; an exact count(DISTINCT …) cost 40 ms of the
        // 150 ms budget.
        db.query<{ devices: number; hours_seen: number; device_hours: number }>(
          `WITH seen AS (
             SELECT o.device_id, count(*)::int AS hours, min(o.bucket) AS first
             FROM observations_1h o
             WHERE o.bucket >= $1 AND o.bucket < $2
             GROUP BY o.device_id)
           SELECT count(*)::int AS devices,
                  coalesce(sum(s.hours), 0)::int AS hours_seen,
                  coalesce(sum(greatest(0, ceil(extract(epoch FROM
                    least($2::timestamptz, $3::timestamptz)
                    - greatest($1::timestamptz, least(date_trunc('hour', d.created_at), coalesce(s.first, 'infinity')))
                  ) / 3600))), 0)::int AS device_hours
           FROM devices d LEFT JOIN seen s ON s.device_id = d.id
           WHERE d.kind <> 'camera'`,
          [cur[0], cur[1], now],
        ),
        db.query<{ kpi: string; before: boolean; value: number; target: number | null; ts: Date }>(
          `SELECT DISTINCT ON (kpi, ts < $1) kpi, ts < $1 AS before, value, target, ts
           FROM kpi_samples
           WHERE scope_level = $3 AND scope_code = $4 AND ts < $2 AND kpi = ANY($5::text[])
           ORDER BY kpi, ts < $1, ts DESC`,
          [
            cur[0],
            cur[1],
            scope.level,
            scope.level === 'province' ? PROVINCE_CODE : scope.code,
            catalogue.map((k) => k.id),
          ],
        ),
        db.query<{ id: string; name_vi: string }>(`SELECT id, name_vi FROM agencies`),
      ]);

    // Route the grouping-set rows (a few hundred aggregated rows, not the cases).
    const total = { cur: { ...ZERO }, prev: { ...ZERO } };
    const byDay = new Map<string, Sums>();
    const byWard = new Map<string, Sums>();
    const byAgency = new Map<string, Sums>();
    const byChannel = new Map<string, Sums>();
    for (const r of rolled) {
      const s: Sums = { ...ZERO };
      for (const c of SUM_COLUMNS) s[c] = r[c] ?? 0;
      if (r.g === 0b1111) {
        total[r.cur ? 'cur' : 'prev'] = s;
        continue;
      }
      if (!r.cur) continue;
      if (r.g === 0b0111 && r.day) byDay.set(localDateOf(r.day), s);
      else if (r.g === 0b1011 && r.ward_code) byWard.set(r.ward_code, s);
      else if (r.g === 0b1101 && r.agency_id) byAgency.set(r.agency_id, s);
      else if (r.g === 0b1110 && r.channel) byChannel.set(r.channel, s);
    }
    const hours = (m: number | null | undefined) => (m === null || m === undefined ? null : round(m / 60));
    const timeCur = times.find((t) => t.g === 1 && t.cur);
    const timePrev = times.find((t) => t.g === 1 && !t.cur);
    const medianByAgency = new Map(
      times.filter((t) => t.g === 0 && t.cur && t.agency_id).map((t) => [t.agency_id!, hours(t.p50)]),
    );
    const overdueWard = new Map<string, number>();
    const overdueAgency = new Map<string, number>();
    let overdueNow = 0;
    for (const o of overdueGroups) {
      overdueNow += o.n;
      if (o.ward_code) overdueWard.set(o.ward_code, (overdueWard.get(o.ward_code) ?? 0) + o.n);
      if (o.agency_id) overdueAgency.set(o.agency_id, (overdueAgency.get(o.agency_id) ?? 0) + o.n);
    }

    const c = total.cur;
    const v = total.prev;
    const headlineValues: Record<BriefingHeadlineId, [number | null, number | null]> = {
      received: [c.received, v.received],
      handled: [c.handled, v.handled],
      ty_le_xu_ly_dung_han: [onTimeRate(c), onTimeRate(v)],
      ty_le_hai_long: [satisfaction(c), satisfaction(v)],
      ty_le_phan_anh_da_xu_ly: [pct(c.handled, c.received), pct(v.handled, v.received)],
      overdue_now: [overdueNow, null],
      median_resolve_hours: [hours(timeCur?.p50), hours(timePrev?.p50)],
      p90_resolve_hours: [hours(timeCur?.p90), hours(timePrev?.p90)],
      reopened_share: [pct(c.reopened, c.received), pct(v.reopened, v.received)],
      returned_share: [pct(c.returned, c.received), pct(v.returned, v.received)],
    };
    const lowerIsBetter = new Set<BriefingHeadlineId>([
      'overdue_now',
      'median_resolve_hours',
      'p90_resolve_hours',
      'reopened_share',
      'returned_share',
    ]);
    const headline = (Object.keys(HEADLINE_LABELS) as BriefingHeadlineId[]).map((id) => {
      const [value, previous] = headlineValues[id];
      const unit = id.endsWith('_hours')
        ? ('hours' as const)
        : ['received', 'handled', 'overdue_now'].includes(id)
          ? ('count' as const)
          : ('%' as const);
      return {
        id,
        label: HEADLINE_LABELS[id],
        value,
        previous,
        target: definition.get(id)?.target ?? null,
        unit,
        goodDirection: lowerIsBetter.has(id) ? ('down' as const) : ('up' as const),
        change: value !== null && previous !== null ? round(value - previous) : null,
        changePct: value !== null && previous ? round((100 * (value - previous)) / previous) : null,
      };
    });

    const trend = [];
    for (let i = 0; i < p.current.days; i++) {
      const day = localDateOf(new Date(Date.parse(p.current.from) + i * 86_400_000));
      const s = byDay.get(day) ?? ZERO;
      trend.push({ day, received: s.received, handled: s.handled, onTime: s.on_time });
    }

    const wardList = this.deps.wards();
    const wardName = new Map(wardList.map((w) => [w.code, w.name]));
    const wards = (scope.level === 'ward' ? wardList.filter((w) => w.code === scope.code) : wardList)
      .map((w) => {
        const s = byWard.get(w.code) ?? ZERO;
        return {
          code: w.code,
          name: w.name,
          received: s.received,
          handled: s.handled,
          overdue: overdueWard.get(w.code) ?? 0,
          onTimeRate: onTimeRate(s),
          satisfaction: satisfaction(s),
        };
      })
      .filter((w) => scope.level !== 'agency' || w.received > 0 || w.overdue > 0);
    const nameOf = new Map(agencyNames.map((a) => [a.id, a.name_vi]));
    const agencyIds = new Set([...byAgency.keys(), ...overdueAgency.keys()]);
    const agencies = [...agencyIds]
      .map((id) => {
        const s = byAgency.get(id) ?? ZERO;
        return {
          id,
          name: nameOf.get(id) ?? id,
          received: s.received,
          handled: s.handled,
          onTimeRate: onTimeRate(s),
          overdue: overdueAgency.get(id) ?? 0,
          medianHours: medianByAgency.get(id) ?? null,
        };
      })
      .sort(
        (a, b) =>
          b.overdue - a.overdue || (a.onTimeRate ?? 101) - (b.onTimeRate ?? 101) || a.id.localeCompare(b.id),
      );
    const channels = CHANNELS.filter((ch) => byChannel.has(ch)).map((channel) => {
      const s = byChannel.get(channel)!;
      return { channel, received: s.received, handled: s.handled, onTimeRate: onTimeRate(s) };
    });

    const sensorRow = sensors[0];
    const deviceHours = sensorRow?.device_hours ?? 0;
    const kpiNow = new Map(kpis.filter((k) => !k.before).map((k) => [k.kpi, k]));
    const kpiBefore = new Map(kpis.filter((k) => k.before).map((k) => [k.kpi, k]));

    return {
      period: { ...p.current, kind: p.kind, label: p.label },
      previous: p.previous,
      generatedAt: now.toISOString(),
      scope:
        scope.level === 'province'
          ? { level: 'province', name: PROVINCE_NAME }
          : {
              level: scope.level,
              code: scope.code,
              name:
                (scope.level === 'ward' ? wardName.get(scope.code) : nameOf.get(scope.code)) ?? scope.code,
            },
      headline,
      trend,
      wards,
      agencies,
      channels,
      mostOverdue: mostOverdue.map((r) => ({
        id: r.id,
        title: r.title,
        category: r.category,
        status: r.status,
        wardCode: r.ward_code,
        agencyId: r.agency_id,
        dueAt: new Date(r.due_at).toISOString(),
        overdueHours: round((now.getTime() - new Date(r.due_at).getTime()) / 3_600_000),
      })),
      alarms: alarms.map((a) => ({
        deviceId: a.device_id,
        name: a.name,
        kind: a.kind,
        wardCode: a.ward_code,
        level: a.level,
        since: new Date(a.since).toISOString(),
        peakValue: a.peak_value,
        unit: a.unit,
      })),
      alarmHours: gauges.map((g) => ({
        deviceId: g.device_id,
        name: g.name,
        kind: g.kind,
        hours: [g.h1, g.h2, g.h3],
      })),
      sensors: {
        devices: sensorRow?.devices ?? 0,
        uptime:
          deviceHours > 0 ? round(Math.min(100, (100 * (sensorRow?.hours_seen ?? 0)) / deviceHours)) : null,
      },
      kpis: catalogue.map((k) => {
        const latest = kpiNow.get(k.id);
        return {
          id: k.id,
          pillar: k.pillar,
          label: { vi: k.label.vi, en: k.label.en },
          value: latest?.value ?? null,
          previous: kpiBefore.get(k.id)?.value ?? null,
          target: latest?.target ?? k.target ?? null,
          unit: k.unit,
          goodDirection: k.goodDirection,
          ts: latest ? new Date(latest.ts).toISOString() : null,
        };
      }),
    };
  }
}

/**
 * The counts' query for a ward or a unit: incident_daily filtered by the scope's column. g is
 * GROUPING(day, ward_code, agency_id, channel), a bit set for each column not grouped by. The breakdowns
 * are of the current period ($1..$2) only; of the previous one ($3..$4) only the totals.
 */
function scopedRollupSql(sums: string, scopeSql: string): string {
  return `SELECT true AS cur, day, ward_code, agency_id, channel,
                 GROUPING(day, ward_code, agency_id, channel)::int AS g, ${sums}
          FROM incident_daily
          WHERE day >= $1 AND day < $2 AND ${scopeSql}
          GROUP BY GROUPING SETS ((), (day), (ward_code), (agency_id), (channel))
          UNION ALL
          SELECT false, NULL::timestamptz, NULL::text, NULL::text, NULL::text, 15, ${sums}
          FROM incident_daily
          WHERE day >= $3 AND day < $4 AND ${scopeSql}`;
}

/** The same rows for the whole city from the narrow rollups (migration 0016), with the same g. */
function cityRollupSql(sums: string): string {
  return `SELECT true AS cur, day, NULL::text AS ward_code, NULL::text AS agency_id, channel,
                 CASE GROUPING(day, channel) WHEN 3 THEN 15 WHEN 1 THEN 7 ELSE 14 END AS g, ${sums}
          FROM incident_daily_by_channel
          WHERE day >= $1 AND day < $2
          GROUP BY GROUPING SETS ((), (day), (channel))
          UNION ALL
          SELECT true, NULL, ward_code, NULL, NULL, 11, ${sums}
          FROM incident_daily_by_ward WHERE day >= $1 AND day < $2 GROUP BY ward_code
          UNION ALL
          SELECT true, NULL, NULL, agency_id, NULL, 13, ${sums}
          FROM incident_daily_by_agency WHERE day >= $1 AND day < $2 GROUP BY agency_id
          UNION ALL
          SELECT false, NULL, NULL, NULL, NULL, 15, ${sums}
          FROM incident_daily_by_channel WHERE day >= $3 AND day < $4`;
}
