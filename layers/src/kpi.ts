/**
 * The indicators the IOC shows (QĐ 766/QĐ-TTg and Huế's own practice, DOMAIN.md "Indicators"). Ids are
 * the snake_case Vietnamese names the feeds use; the catalogue gives the wall and the briefing their
 * labels, unit and which direction is good. POST /api/ingest/kpi refuses any other id
 * (IOC_INGEST_UNKNOWN_KPI): an indicator is defined before a feed may send it.
 *
 * KPI_CATALOGUE is the seed of the `kpi_catalogue` table (migration 0017), which an admin extends
 * (PUT /api/admin/kpi-catalogue/:id); the server reads the table. This constant stays as the seed and as
 * the fallback of code that runs without a database (streams' tests, the simulator).
 */

/** The seed's three pillars of digital transformation: Chính quyền số, Kinh tế số, Xã hội số. */
export const KPI_PILLARS = ['chinh_quyen_so', 'kinh_te_so', 'xa_hoi_so'] as const;
export type KpiPillar = (typeof KPI_PILLARS)[number];

export const KPI_PILLAR_LABELS: Record<KpiPillar, { vi: string; en: string }> = {
  chinh_quyen_so: { vi: 'Chính quyền số', en: 'Digital government' },
  kinh_te_so: { vi: 'Kinh tế số', en: 'Digital economy' },
  xa_hoi_so: { vi: 'Xã hội số', en: 'Digital society' },
};

/**
 * The units an indicator may have (a closed list: a value means something only with its unit). `%` is a
 * share 0–100 (the wire has always written it so); `count` a whole number of things (calls, files);
 * `hours` and `days` a duration; `vnd` an amount in đồng.
 */
export const KPI_UNITS = ['%', 'count', 'hours', 'days', 'vnd'] as const;
export type KpiUnit = (typeof KPI_UNITS)[number];

/** What a value in each unit may be: a share outside 0–100 or a negative count is a feed's error. */
export const KPI_UNIT_RANGES: Record<KpiUnit, { min: number; max: number; integer: boolean }> = {
  '%': { min: 0, max: 100, integer: false },
  count: { min: 0, max: 1e12, integer: true },
  hours: { min: 0, max: 1e6, integer: false },
  days: { min: 0, max: 1e5, integer: false },
  vnd: { min: 0, max: 1e12, integer: false },
};

export const KPI_UNIT_LABELS: Record<KpiUnit, { vi: string; en: string }> = {
  '%': { vi: 'tỷ lệ (%)', en: 'share (%)' },
  count: { vi: 'số lượng', en: 'count' },
  hours: { vi: 'giờ', en: 'hours' },
  days: { vi: 'ngày', en: 'days' },
  vnd: { vi: 'đồng (VNĐ)', en: 'đồng (VND)' },
};

/** A catalogue id: snake_case ASCII, 2–64 characters (no dots, no `__proto__`-like leading underscore). */
export const KPI_ID_PATTERN = '^[a-z][a-z0-9_]{1,63}$';
export const KPI_ID_RE = new RegExp(KPI_ID_PATTERN);

/** Why `value` cannot be a value of an indicator in `unit` (null when it can). */
export function kpiValueProblem(unit: KpiUnit, value: number): string | null {
  const r = KPI_UNIT_RANGES[unit];
  if (!Number.isFinite(value)) return 'is not a finite number';
  if (value < r.min || value > r.max) return `is outside ${r.min}–${r.max} for unit ${unit}`;
  if (r.integer && !Number.isInteger(value)) return `is not a whole number (unit ${unit})`;
  return null;
}

export interface KpiDefinition {
  id: string;
  vi: string;
  en: string;
  unit: KpiUnit;
  /** True when a higher value is better (on-time rate), false when lower is (overdue count). */
  higherIsBetter: boolean;
  /** The seed's three pillars, for grouping on the briefing. */
  pillar: KpiPillar;
  /**
   * The target the briefing compares with when a feed sends none. Defaults, not statutory figures: Huế
   * publishes ~98% of reports handled and ~92% satisfaction (DOMAIN.md "Indicators").
   */
  target?: number;
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
    target: 95,
  },
  // Satisfaction = (total − dissatisfied − overdue) ÷ total.
  {
    id: 'ty_le_hai_long',
    vi: 'Mức độ hài lòng',
    en: 'Citizen satisfaction',
    unit: '%',
    higherIsBetter: true,
    pillar: 'chinh_quyen_so',
    target: 90,
  },
  {
    id: 'ty_le_phan_anh_da_xu_ly',
    vi: 'Phản ánh đã xử lý',
    en: 'Reports handled',
    unit: '%',
    higherIsBetter: true,
    pillar: 'chinh_quyen_so',
    target: 98,
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
  // Tổng đài 19001075: calls answered in the period (a count the hotline's feed pushes).
  {
    id: 'cuoc_goi_tong_dai',
    vi: 'Cuộc gọi tổng đài 19001075',
    en: 'Hotline 19001075 calls',
    unit: 'count',
    higherIsBetter: true,
    pillar: 'chinh_quyen_so',
  },
  // Kinh tế số (digital economy): cashless payments, e-commerce, e-invoices, digital signatures.
  {
    id: 'ty_le_thanh_toan_khong_tien_mat',
    vi: 'Giao dịch thanh toán không dùng tiền mặt',
    en: 'Cashless payments',
    unit: '%',
    higherIsBetter: true,
    pillar: 'kinh_te_so',
  },
  {
    id: 'ty_le_thuong_mai_dien_tu',
    vi: 'Thương mại điện tử trong tổng mức bán lẻ',
    en: 'E-commerce share of retail',
    unit: '%',
    higherIsBetter: true,
    pillar: 'kinh_te_so',
  },
  {
    id: 'ty_le_doanh_nghiep_hoa_don_dien_tu',
    vi: 'Doanh nghiệp dùng hóa đơn điện tử',
    en: 'Firms using e-invoices',
    unit: '%',
    higherIsBetter: true,
    pillar: 'kinh_te_so',
  },
  {
    id: 'ty_le_chu_ky_so',
    vi: 'Người trưởng thành có chữ ký số',
    en: 'Adults with a digital signature',
    unit: '%',
    higherIsBetter: true,
    pillar: 'kinh_te_so',
  },
  // Xã hội số (digital society): smartphones, broadband, online public services, digital health.
  {
    id: 'ty_le_dung_dien_thoai_thong_minh',
    vi: 'Người dân dùng điện thoại thông minh',
    en: 'Smartphone users',
    unit: '%',
    higherIsBetter: true,
    pillar: 'xa_hoi_so',
  },
  {
    id: 'ty_le_ho_cap_quang',
    vi: 'Hộ gia đình có cáp quang',
    en: 'Households with fibre broadband',
    unit: '%',
    higherIsBetter: true,
    pillar: 'xa_hoi_so',
  },
  {
    id: 'ty_le_dung_dvc_truc_tuyen',
    vi: 'Người dân dùng dịch vụ công trực tuyến',
    en: 'Residents using online public services',
    unit: '%',
    higherIsBetter: true,
    pillar: 'xa_hoi_so',
  },
  {
    id: 'ty_le_ho_so_suc_khoe_dien_tu',
    vi: 'Người dân có hồ sơ sức khỏe điện tử',
    en: 'Residents with an electronic health record',
    unit: '%',
    higherIsBetter: true,
    pillar: 'xa_hoi_so',
  },
];

const BY_ID = new Map(KPI_CATALOGUE.map((k) => [k.id, k]));

export function kpiDefinition(id: string): KpiDefinition | undefined {
  return BY_ID.get(id);
}
