/**
 * The indicators the IOC shows (QĐ 766/QĐ-TTg and Huế's own practice, DOMAIN.md "Indicators"). Ids are
 * the snake_case Vietnamese names the feeds use; the catalogue gives the wall and the briefing their
 * labels, unit and which direction is good. POST /api/ingest/kpi refuses any other id
 * (IOC_INGEST_UNKNOWN_KPI): an indicator is defined here before a feed may send it.
 */
export interface KpiDefinition {
  id: string;
  vi: string;
  en: string;
  unit: '%' | 'count';
  /** True when a higher value is better (on-time rate), false when lower is (overdue count). */
  higherIsBetter: boolean;
  /** The seed's three pillars, for grouping on the briefing. */
  pillar: 'chinh_quyen_so' | 'kinh_te_so' | 'xa_hoi_so';
}

export const KPI_CATALOGUE: readonly KpiDefinition[] = [
  // On-time rate = handled by the deadline ÷ received (QĐ 766/QĐ-TTg).
  {
    id: 'ty_le_xu_ly_dung_han',
    vi: 'Phản ánh xử lý đúng hạn',
    en: 'Reports handled on time',
    unit: '%',
    higherIsBetter: true,
    pillar: 'chinh_quyen_so',
  },
  // Satisfaction = (total − dissatisfied − overdue) ÷ total.
  {
    id: 'ty_le_hai_long',
    vi: 'Mức độ hài lòng',
    en: 'Citizen satisfaction',
    unit: '%',
    higherIsBetter: true,
    pillar: 'chinh_quyen_so',
  },
  {
    id: 'ty_le_phan_anh_da_xu_ly',
    vi: 'Phản ánh đã xử lý',
    en: 'Reports handled',
    unit: '%',
    higherIsBetter: true,
    pillar: 'chinh_quyen_so',
  },
  {
    id: 'ho_so_dung_han',
    vi: 'Hồ sơ TTHC đúng hạn',
    en: 'Administrative files on time',
    unit: '%',
    higherIsBetter: true,
    pillar: 'chinh_quyen_so',
  },
  {
    id: 'dvc_truc_tuyen_toan_trinh',
    vi: 'DVC trực tuyến toàn trình',
    en: 'Fully online public services',
    unit: '%',
    higherIsBetter: true,
    pillar: 'chinh_quyen_so',
  },
];

const BY_ID = new Map(KPI_CATALOGUE.map((k) => [k.id, k]));

export function kpiDefinition(id: string): KpiDefinition | undefined {
  return BY_ID.get(id);
}
