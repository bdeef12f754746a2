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
