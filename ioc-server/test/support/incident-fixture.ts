import { CATEGORY_CODES, OPEN_INCIDENT_STATUSES } from '@hue-ioc/layers';
import type { Queryable } from '../../src/storage/db.ts';
import { foldVietnamese } from '../../src/storage/incident.repository.ts';

/** What a case of each category says, for the search text (folded as the server folds it). */
const PHRASES: Record<string, string[]> = {
  urban_order: ['Lấn chiếm vỉa hè bán hàng', 'Xây dựng không phép', 'Quảng cáo rao vặt trên cột điện'],
  environment: ['Rác thải đổ trộm ven sông', 'Điểm tập kết rác bốc mùi', 'Đốt rác gây khói'],
  roads: ['Ổ gà trên đường', 'Vỉa hè bị vỡ', 'Nắp hố ga bị mất'],
  lighting: ['Đèn đường không sáng', 'Cột điện nghiêng', 'Dây điện võng thấp'],
  drainage: ['Ngập sâu sau mưa lớn', 'Cống thoát nước bị tắc', 'Nước thải tràn ra đường'],
  traffic: ['Xe đỗ sai quy định', 'Đèn tín hiệu giao thông hỏng', 'Ùn tắc giờ cao điểm'],
  security: ['Tụ tập gây mất trật tự', 'Trộm cắp xe máy', 'Karaoke gây ồn ào ban đêm'],
  food_safety: ['Quán ăn mất vệ sinh', 'Bán thực phẩm không rõ nguồn gốc', 'Ngộ độc sau khi ăn'],
  public_services: ['Hồ sơ trễ hạn', 'Thái độ cán bộ tiếp dân', 'Cổng dịch vụ công lỗi'],
  heritage_tourism: ['Xâm hại di tích trong Kinh thành', 'Chèo kéo du khách', 'Rác tại khu di tích'],
  other: ['Cây xanh gãy đổ', 'Chó thả rông', 'Phản ánh khác'],
};
const STREETS = [
  'Lê Lợi',
  'Hùng Vương',
  'Trần Hưng Đạo',
  'Lý Thường Kiệt',
  'Nguyễn Huệ',
  'Điện Biên Phủ',
  'Phan Đình Phùng',
  'Bà Triệu',
];

export interface FixtureOptions {
  total: number;
  /** The newest `open` cases are still open (the rest are closed, one in 50 rejected). */
  open: number;
  /** Ward codes and agency ids that exist in the database. */
  wards: readonly string[];
  agencies: readonly string[];
  /** The newest case's time; the oldest is `years` before it. */
  now: Date;
  years?: number;
  batch?: number;
  onProgress?: (done: number) => void;
}

/**
 * Fills `incidents` with `total` cases spread over the years before `now` (Huế's ~500 a day over five
 * years is 1,000,000), in SQL (generate_series, in batches), so a million rows take a minute and not an
 * hour. Categories, wards, agencies, priorities and channels cycle with co-prime strides so every filter
 * has a realistic share; the newest `open` cases are open, a third of them past their deadline.
 */
export async function fillIncidents(db: Queryable, o: FixtureOptions): Promise<void> {
  const years = o.years ?? 5;
  const span = years * 365 * 86_400_000;
  const start = new Date(o.now.getTime() - span);
  const batch = o.batch ?? 100_000;
  const titles: string[] = [];
  const folded: string[] = [];
  for (const c of CATEGORY_CODES)
    for (const [i, p] of PHRASES[c]!.entries()) {
      const t = `${p} ${STREETS[(titles.length + i) % STREETS.length]}`;
      titles.push(t);
      folded.push(foldVietnamese(t));
    }
  const perCategory = 3;
  for (let from = 1; from <= o.total; from += batch) {
    const to = Math.min(o.total, from + batch - 1);
    await db.query(
      `INSERT INTO incidents (id, version, status, category, priority, title, description, lon, lat, ward_code, address,
          agency_id, suggested_agency_id, due_at, sources, created_at, updated_at, resolved_at, closed_at, search_text)
       SELECT
         'BENCH-' || lpad(g::text, 7, '0'),
         1,
         st.status,
         cats.c[1 + (g % $5)],
         1 + ((g * 7) % 4),
         t.title,
         t.title,
         107.45 + ((g * 37) % 1000) / 4000.0,
         16.35 + ((g * 53) % 1000) / 4000.0,
         w.w[1 + ((g * 11) % array_length(w.w, 1))],
         ((g % 200) + 1)::text || ' ' || t.title,
         CASE WHEN st.status IN ('new', 'verified', 'returned') THEN NULL
              ELSE a.a[1 + ((g * 13) % array_length(a.a, 1))] END,
         a.a[1 + ((g * 13) % array_length(a.a, 1))],
         ts.created + make_interval(days => 1 + (g % 7)),
         CASE g % 3 WHEN 0 THEN '[{"channel":"hotline"}]'::jsonb WHEN 1 THEN '[{"channel":"hue_s"}]'::jsonb
              ELSE '[{"channel":"hue_s"},{"channel":"camera"}]'::jsonb END,
         ts.created,
         ts.created,
         CASE WHEN st.status = 'closed' THEN ts.created + make_interval(days => 1 + (g % 5)) END,
         CASE WHEN st.status IN ('closed', 'rejected') THEN ts.created + make_interval(days => 2 + (g % 5)) END,
         ((g % 200) + 1)::text || ' ' || t.folded
       FROM generate_series($1::int, $2::int) AS g
       CROSS JOIN LATERAL (SELECT $6::text[] AS c) cats
       CROSS JOIN LATERAL (SELECT $7::text[] AS w) w
       CROSS JOIN LATERAL (SELECT $8::text[] AS a) a
       CROSS JOIN LATERAL (
         SELECT CASE WHEN g > $3::int - $4::int THEN ($9::text[])[1 + (g % array_length($9::text[], 1))]
                     WHEN g % 50 = 0 THEN 'rejected' ELSE 'closed' END AS status
       ) st
       CROSS JOIN LATERAL (
         SELECT $10::timestamptz + make_interval(secs => (g::double precision / $3::int) * $11::double precision) AS created
       ) ts
       CROSS JOIN LATERAL (
         SELECT ($12::text[])[1 + (g % $5) * $13 + ((g / $5) % $13)] AS title,
                ($14::text[])[1 + (g % $5) * $13 + ((g / $5) % $13)] AS folded
       ) t`,
      [
        from,
        to,
        o.total,
        o.open,
        CATEGORY_CODES.length,
        [...CATEGORY_CODES],
        [...o.wards],
        [...o.agencies],
        [...OPEN_INCIDENT_STATUSES],
        start,
        span / 1000,
        titles,
        perCategory,
        folded,
      ],
    );
    o.onProgress?.(to);
  }
  // As autovacuum would after a bulk load (and the embedded database's stand-in for it, maintenance.ts).
  await db.query(`VACUUM (ANALYZE) incidents`);
}

/** The queue's usual questions, as GET /api/incidents query objects. */
export function usualQueries(o: { wards: readonly string[]; agencies: readonly string[] }, i: number) {
  const ward = o.wards[i % o.wards.length]!;
  const agency = o.agencies[(i * 7) % o.agencies.length]!;
  const open = [...OPEN_INCIDENT_STATUSES];
  return [
    { name: 'open queue by deadline', query: { status: open, sort: 'due' as const } },
    { name: 'new cases (Mới tiếp nhận)', query: { status: ['new' as const], sort: 'received' as const } },
    { name: 'overdue (Quá hạn)', query: { overdue: true, sort: 'due' as const } },
    { name: 'due within 24 h (Sắp đến hạn)', query: { dueWithinHours: 24, sort: 'due' as const } },
    { name: 'open in one ward', query: { status: open, ward, sort: 'due' as const } },
    {
      name: "a unit's inbox (agency scope)",
      query: {
        status: ['assigned' as const, 'in_progress' as const, 'extended' as const, 'reopened' as const],
        sort: 'due' as const,
      },
      agencyScope: agency,
    },
    { name: "a unit's history, newest first", query: { sort: '-received' as const }, agencyScope: agency },
    {
      name: 'one category, newest first',
      query: { category: CATEGORY_CODES[i % CATEGORY_CODES.length]!, sort: '-received' as const },
    },
    { name: 'text "ngap" in open cases', query: { q: 'ngap', status: open, sort: 'due' as const } },
  ];
}
