import { PROVINCE_CODE } from '../ingest/kpi.normalise.ts';
import type { KpiScopeLevel } from '../ingest/kpi.schema.ts';
import type { WardIndex } from '../geo/wards.ts';
import type { SimEvent } from './events.ts';
import { gauss, streamFor, type Rand } from './random.ts';
import { FLOOD_PRONE_WARDS } from './scenario.ts';
import type { Source, World } from './world.ts';

export interface KpiDefinition {
  /** snake_case id as the KPI schema accepts; Vietnamese where the indicator has no exact English name. */
  kpi: string;
  /** Where values wander (percent). */
  range: readonly [number, number];
  target: number;
  /** Also published per ward. */
  perWard: boolean;
  /** How far the flood scenario pulls it down at its height (a surge of reports is handled later). */
  floodDip: number;
}

/**
 * Indicators of DOMAIN.md (QĐ 766/QĐ-TTg and Huế's own reporting). Ranges are plausible for Huế (it publishes
 * ~98 % of reports handled and ~92 % satisfaction); targets are the usual ones, not official figures.
 */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  // Phản ánh xử lý đúng hạn: handled by the deadline ÷ received.
  { kpi: 'ty_le_xu_ly_dung_han', range: [92, 98], target: 95, perWard: true, floodDip: 4 },
  // Mức độ hài lòng: (total − dissatisfied − overdue) ÷ total.
  { kpi: 'ty_le_hai_long', range: [90, 94], target: 90, perWard: true, floodDip: 2 },
  // Phản ánh đã xử lý: share of reports handled.
  { kpi: 'ty_le_phan_anh_da_xu_ly', range: [96.5, 99.5], target: 95, perWard: false, floodDip: 3 },
  // Hồ sơ thủ tục hành chính giải quyết đúng hạn (trước hạn + đúng hạn).
  { kpi: 'ho_so_dung_han', range: [96, 99.6], target: 95, perWard: false, floodDip: 1 },
  // Dịch vụ công trực tuyến toàn trình: share of services offered fully online.
  { kpi: 'dvc_truc_tuyen_toan_trinh', range: [55, 68], target: 80, perWard: false, floodDip: 0 },
];

/** Wards with their own figures: the central ones, and the flood-prone ones in the flood scenario. */
const KPI_WARDS = ['Thuận Hóa', 'Phú Xuân', 'Vỹ Dạ', 'An Cựu', 'Kim Long'];

interface Series {
  def: KpiDefinition;
  scope: { level: KpiScopeLevel; code: string };
  value: number;
  floodProne: boolean;
}

/**
 * Samples at the start and then every `every` of model time (an hour by default), for the province (code 46)
 * and a few wards (their GSO codes). Each series wanders slowly within its range.
 */
export class KpiSource implements Source {
  nextAt: number;
  private readonly series: Series[] = [];
  private readonly rand: Rand;

  constructor(
    private readonly world: World,
    wards: WardIndex | null,
    private readonly every: number,
  ) {
    this.rand = streamFor(world.seed, 'kpi');
    const prone = new Set(FLOOD_PRONE_WARDS.map(([n]) => n));
    const scopes: { level: KpiScopeLevel; code: string; floodProne: boolean; ward: boolean }[] = [
      { level: 'province', code: PROVINCE_CODE, floodProne: false, ward: false },
    ];
    for (const name of KPI_WARDS) {
      const w = wards?.byShortName(name);
      if (w) scopes.push({ level: 'ward', code: w.code, floodProne: prone.has(name), ward: true });
    }
    for (const def of KPI_DEFINITIONS)
      for (const s of scopes) {
        if (s.ward && !def.perWard) continue;
        const [lo, hi] = def.range;
        this.series.push({
          def,
          scope: { level: s.level, code: s.code },
          value: lo + (hi - lo) * (0.3 + 0.4 * this.rand()),
          floodProne: s.floodProne,
        });
      }
    // A moment after the start, so the first samples follow the first readings.
    this.nextAt = world.start + 1000;
  }

  take(): SimEvent[] {
    const t = this.nextAt;
    this.nextAt = t + this.every;
    const flood = this.world.floodProgressAt(t);
    return this.series.map((s) => {
      const [lo, hi] = s.def.range;
      const mid = (lo + hi) / 2;
      s.value = Math.min(hi, Math.max(lo, s.value + 0.2 * (mid - s.value) + 0.35 * gauss(this.rand)));
      const dip = s.def.floodDip * flood * (s.scope.level === 'province' ? 0.5 : s.floodProne ? 1 : 0.3);
      const value = Math.round((s.value - dip) * 10) / 10;
      return {
        channel: 'kpi',
        at: t,
        body: { kpi: s.def.kpi, scope: s.scope, value, target: s.def.target },
      } satisfies SimEvent;
    });
  }
}
