import {
  CATEGORY_LABELS,
  INCIDENT_STATUS_LABELS,
  KPI_CATALOGUE,
  type OpenDataDataset,
  type OpenDataFormat,
  type OpenDataInterval,
} from '@hue-ioc/layers';
import { publicPosition, publishedSql, scrubText } from '../public/anonymise.ts';
import type { TimeRange } from './range.ts';

/**
 * The open datasets (issue 14): what each file holds, field by field (the index page, the DCAT catalogue
 * and the CKAN metadata are written from these), the one SELECT that produces it, and the mapping of a
 * row to the published record. Column names are snake_case ASCII, as portals and scripts expect; the
 * Vietnamese (and English) description of each is in the metadata.
 */

export interface OpenDataField {
  name: string;
  type: 'string' | 'integer' | 'number' | 'datetime';
  vi: string;
  en: string;
}

export interface DatasetFilters {
  category?: string | undefined;
  ward?: string | undefined;
  interval?: OpenDataInterval | undefined;
  device?: string | undefined;
  kind?: string | undefined;
  kpi?: string | undefined;
  scope_level?: string | undefined;
}

/** What a record is made from: names for codes (wards come from the geography, not the database). */
export interface Lookups {
  wardName(code: string | null): string | null;
}

export type OpenDataRecord = Record<string, string | number | null>;

export interface DatasetDefinition {
  id: OpenDataDataset;
  title: { vi: string; en: string };
  description: { vi: string; en: string };
  keywords: string[];
  formats: readonly OpenDataFormat[];
  fields: readonly OpenDataField[];
  /** Days a direct download may cover; a longer range is an export. */
  maxDays: (filters: DatasetFilters) => number;
  /** Default range when `from` is absent. */
  defaultDays: number;
  /**
   * Days per database cursor: a long range is read as consecutive windows (boundaries at Huế midnight), so
   * that no one query holds the database long (PGlite runs a cursor's query whole when it is declared).
   * Every query orders by its time column first, so the windows' rows in turn are the range's rows in order.
   */
  windowDays: (filters: DatasetFilters) => number;
  query(range: TimeRange, filters: DatasetFilters): { sql: string; params: unknown[] };
  record(row: Record<string, unknown>, lookups: Lookups): OpenDataRecord;
}

/** Export ranges: five years, the life of the hourly rollups (migration 0003's retention). */
export const EXPORT_MAX_DAYS = 1830;

/** A timestamptz as ISO 8601 in Huế time with +07:00, computed by the database (one string per row). */
const vn = (col: string) =>
  `to_char(${col} AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')`;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first: OWASP "CSV injection") gets a
 * leading apostrophe. Only free text is treated: reporters write it, numbers and codes are ours.
 */
export function inertText(v: string | null): string | null {
  return v !== null && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

const RATING_LABELS: Record<string, string> = {
  hai_long: 'Hài lòng',
  chap_nhan: 'Chấp nhận',
  khong_hai_long: 'Không hài lòng',
};

const incidents: DatasetDefinition = {
  id: 'incidents',
  title: { vi: 'Phản ánh hiện trường', en: 'Citizen reports (incidents)' },
  description: {
    vi:
      'Các phản ánh của người dân gửi đến Trung tâm IOC Huế (Hue-S, tổng đài 19001075, camera, cảm biến): ' +
      'lĩnh vực, trạng thái, phường/xã, đơn vị xử lý, thời hạn, ngày xử lý, trả lời của đơn vị và đánh giá. ' +
      'Đã ẩn danh: không có thông tin người phản ánh; số điện thoại, thư điện tử và tên người phản ánh trong ' +
      'nội dung được thay bằng "[đã ẩn]"; toạ độ được làm tròn (khoảng 11 m, hoặc 110 m với lĩnh vực an ninh ' +
      'trật tự, dịch vụ công và khác). Phản ánh bị từ chối hoặc đã gộp vào phản ánh khác không được công bố.',
    en:
      'Reports received by the Huế IOC (Hue-S, hotline 19001075, cameras, sensors): category, status, ward, ' +
      'responsible unit, deadline, date handled, the unit’s public reply and the citizen’s rating. Anonymised: ' +
      'no reporter data; phone numbers, e-mail addresses and the reporter’s name in free text replaced by ' +
      '"[đã ẩn]"; positions rounded (about 11 m, or 110 m for security, public services and other). Rejected ' +
      'and merged reports are not published.',
  },
  keywords: ['phản ánh hiện trường', 'Hue-S', 'đô thị thông minh', 'Huế', 'incidents', 'Open311'],
  formats: ['csv', 'geojson'],
  fields: [
    { name: 'id', type: 'string', vi: 'Mã phản ánh', en: 'Report id' },
    { name: 'category', type: 'string', vi: 'Mã lĩnh vực', en: 'Category code' },
    { name: 'category_name', type: 'string', vi: 'Tên lĩnh vực', en: 'Category name (Vietnamese)' },
    { name: 'status', type: 'string', vi: 'Mã trạng thái', en: 'Status code' },
    { name: 'status_name', type: 'string', vi: 'Tên trạng thái', en: 'Status name (Vietnamese)' },
    { name: 'priority', type: 'integer', vi: 'Mức ưu tiên (1 = cao nhất)', en: 'Priority (1 = highest)' },
    { name: 'ward_code', type: 'string', vi: 'Mã phường/xã (GSO)', en: 'Ward code (GSO)' },
    { name: 'ward_name', type: 'string', vi: 'Tên phường/xã', en: 'Ward name' },
    { name: 'agency_id', type: 'string', vi: 'Mã đơn vị xử lý', en: 'Responsible unit id' },
    { name: 'agency_name', type: 'string', vi: 'Tên đơn vị xử lý', en: 'Responsible unit name' },
    { name: 'received_at', type: 'datetime', vi: 'Thời điểm tiếp nhận', en: 'Received' },
    { name: 'due_at', type: 'datetime', vi: 'Hạn xử lý', en: 'Deadline' },
    { name: 'resolved_at', type: 'datetime', vi: 'Ngày xử lý', en: 'Date handled' },
    { name: 'closed_at', type: 'datetime', vi: 'Ngày đóng', en: 'Closed' },
    {
      name: 'channels',
      type: 'string',
      vi: 'Kênh tiếp nhận (hue_s, hotline, camera, sensor; cách nhau bằng ";")',
      en: 'Channels (";"-separated)',
    },
    { name: 'title', type: 'string', vi: 'Tiêu đề (đã ẩn danh)', en: 'Title (anonymised)' },
    { name: 'description', type: 'string', vi: 'Nội dung (đã ẩn danh)', en: 'Description (anonymised)' },
    { name: 'address', type: 'string', vi: 'Địa chỉ (đã ẩn danh)', en: 'Address (anonymised)' },
    {
      name: 'public_reply',
      type: 'string',
      vi: 'Trả lời của đơn vị xử lý (đã ẩn danh)',
      en: 'The unit’s public reply (anonymised)',
    },
    {
      name: 'rating',
      type: 'string',
      vi: 'Đánh giá của người dân (hai_long, chap_nhan, khong_hai_long)',
      en: 'Citizen rating code',
    },
    { name: 'rating_name', type: 'string', vi: 'Tên mức đánh giá', en: 'Rating (Vietnamese)' },
    { name: 'lon', type: 'number', vi: 'Kinh độ (WGS 84, đã làm tròn)', en: 'Longitude (WGS 84, rounded)' },
    { name: 'lat', type: 'number', vi: 'Vĩ độ (WGS 84, đã làm tròn)', en: 'Latitude (WGS 84, rounded)' },
  ],
  maxDays: () => 366,
  defaultDays: 30,
  windowDays: () => 7,
  query(range, f) {
    const params: unknown[] = [range.from, range.to];
    const where = [publishedSql('i'), 'i.created_at >= $1', 'i.created_at < $2'];
    if (f.category) where.push(`i.category = $${params.push(f.category)}`);
    if (f.ward) where.push(`i.ward_code = $${params.push(f.ward)}`);
    // `reporter` is read for one thing only: its name, to remove it from the free text (anonymise.ts).
    const sql = `SELECT i.id, i.category, i.status, i.priority, i.ward_code, i.agency_id, a.name_vi AS agency_name,
        ${vn('i.created_at')} AS received_at, ${vn('i.due_at')} AS due_at,
        ${vn('i.resolved_at')} AS resolved_at, ${vn('i.closed_at')} AS closed_at,
        (SELECT string_agg(DISTINCT s ->> 'channel', ';') FROM jsonb_array_elements(i.sources) AS s) AS channels,
        i.title, i.description, i.address, i.public_reply, i.rating, i.lon, i.lat,
        i.reporter ->> 'name' AS reporter_name
      FROM incidents i LEFT JOIN agencies a ON a.id = i.agency_id
      WHERE ${where.join(' AND ')}
      ORDER BY i.created_at, i.id`;
    return { sql, params };
  },
  record(r, lookups) {
    const name = str(r.reporter_name);
    const category = String(r.category);
    const status = String(r.status);
    const pos = publicPosition(category, num(r.lon), num(r.lat));
    const text = (v: unknown) => inertText(scrubText(str(v), name));
    return {
      id: String(r.id),
      category,
      category_name: CATEGORY_LABELS[category as keyof typeof CATEGORY_LABELS]?.vi ?? null,
      status,
      status_name: INCIDENT_STATUS_LABELS[status as keyof typeof INCIDENT_STATUS_LABELS]?.vi ?? null,
      priority: num(r.priority),
      ward_code: str(r.ward_code),
      ward_name: lookups.wardName(str(r.ward_code)),
      agency_id: str(r.agency_id),
      agency_name: str(r.agency_name),
      received_at: str(r.received_at),
      due_at: str(r.due_at),
      resolved_at: str(r.resolved_at),
      closed_at: str(r.closed_at),
      channels: str(r.channels),
      title: text(r.title),
      description: text(r.description),
      address: text(r.address),
      public_reply: text(r.public_reply),
      rating: str(r.rating),
      rating_name: r.rating ? (RATING_LABELS[String(r.rating)] ?? null) : null,
      lon: pos?.lon ?? null,
      lat: pos?.lat ?? null,
    };
  },
};

const observations: DatasetDefinition = {
  id: 'observations',
  title: { vi: 'Số liệu quan trắc cảm biến', en: 'Sensor observations' },
  description: {
    vi:
      'Số liệu tổng hợp theo giờ hoặc theo ngày của các cảm biến đô thị Huế (mực nước, lượng mưa, chất lượng ' +
      'không khí, lưu lượng giao thông): trung bình, nhỏ nhất, lớn nhất, giá trị cuối và số mẫu trong mỗi ' +
      'khoảng. Ngày tính theo giờ Việt Nam (UTC+7). Mực nước so với các cấp báo động theo QĐ 05/2020/QĐ-TTg.',
    en:
      'Hourly or daily rollups of Huế’s urban sensors (water level, rain, air quality, traffic flow): mean, ' +
      'minimum, maximum, last value and sample count per bucket. Days are Vietnam days (UTC+7).',
  },
  keywords: ['quan trắc', 'cảm biến', 'mực nước', 'chất lượng không khí', 'Huế', 'sensors'],
  formats: ['csv'],
  fields: [
    {
      name: 'bucket_start',
      type: 'datetime',
      vi: 'Đầu khoảng thời gian (giờ hoặc ngày)',
      en: 'Bucket start (hour or day)',
    },
    { name: 'device_id', type: 'string', vi: 'Mã thiết bị', en: 'Device id' },
    { name: 'device_name', type: 'string', vi: 'Tên thiết bị / trạm', en: 'Device or station name' },
    {
      name: 'kind',
      type: 'string',
      vi: 'Loại cảm biến (water_level, rain, air_quality, traffic)',
      en: 'Sensor kind',
    },
    { name: 'ward_code', type: 'string', vi: 'Mã phường/xã (GSO)', en: 'Ward code (GSO)' },
    { name: 'ward_name', type: 'string', vi: 'Tên phường/xã', en: 'Ward name' },
    { name: 'metric', type: 'string', vi: 'Đại lượng đo', en: 'Metric' },
    { name: 'unit', type: 'string', vi: 'Đơn vị đo', en: 'Unit' },
    { name: 'avg_value', type: 'number', vi: 'Giá trị trung bình', en: 'Mean' },
    { name: 'min_value', type: 'number', vi: 'Giá trị nhỏ nhất', en: 'Minimum' },
    { name: 'max_value', type: 'number', vi: 'Giá trị lớn nhất', en: 'Maximum' },
    { name: 'last_value', type: 'number', vi: 'Giá trị cuối cùng trong khoảng', en: 'Last value' },
    { name: 'samples', type: 'integer', vi: 'Số mẫu', en: 'Samples' },
    { name: 'lon', type: 'number', vi: 'Kinh độ thiết bị (WGS 84)', en: 'Device longitude (WGS 84)' },
    { name: 'lat', type: 'number', vi: 'Vĩ độ thiết bị (WGS 84)', en: 'Device latitude (WGS 84)' },
  ],
  // An hour per device and metric: a quarter of hourly rows is ~2,200 per device; a day's rows are 24× fewer.
  maxDays: (f) => (f.interval === 'day' ? 1830 : 92),
  defaultDays: 7,
  windowDays: (f) => (f.interval === 'day' ? 31 : 1),
  query(range, f) {
    const params: unknown[] = [range.from, range.to];
    const where = ['o.bucket >= $1', 'o.bucket < $2'];
    if (f.device) where.push(`o.device_id = $${params.push(f.device)}`);
    if (f.kind) where.push(`o.device_id IN (SELECT id FROM devices WHERE kind = $${params.push(f.kind)})`);
    // Hours straight from the observations_1h continuous aggregate (migration 0003, real-time since 0007);
    // days are Huế days rolled up from it: the mean weighted by samples, the last of the last values.
    const rollup =
      f.interval === 'day'
        ? `SELECT time_bucket(INTERVAL '1 day', o.bucket, 'Asia/Ho_Chi_Minh') AS bucket, o.device_id, o.metric,
              sum(o.avg_value * o.samples) / nullif(sum(o.samples), 0) AS avg_value,
              min(o.min_value) AS min_value, max(o.max_value) AS max_value,
              last(o.last_value, o.bucket) AS last_value, sum(o.samples) AS samples
            FROM observations_1h o WHERE ${where.join(' AND ')} GROUP BY 1, 2, 3`
        : `SELECT o.bucket, o.device_id, o.metric, o.avg_value, o.min_value, o.max_value, o.last_value, o.samples
            FROM observations_1h o WHERE ${where.join(' AND ')}`;
    const sql = `SELECT ${vn('r.bucket')} AS bucket_start, r.device_id, d.name AS device_name, d.kind,
        d.ward_code, r.metric, d.unit, r.avg_value, r.min_value, r.max_value, r.last_value, r.samples, d.lon, d.lat
      FROM (${rollup}) r LEFT JOIN devices d ON d.id = r.device_id
      ORDER BY r.bucket, r.device_id, r.metric`;
    return { sql, params };
  },
  record(r, lookups) {
    return {
      bucket_start: str(r.bucket_start),
      device_id: str(r.device_id),
      device_name: inertText(str(r.device_name)),
      kind: str(r.kind),
      ward_code: str(r.ward_code),
      ward_name: lookups.wardName(str(r.ward_code)),
      metric: str(r.metric),
      unit: str(r.unit),
      avg_value: num(r.avg_value),
      min_value: num(r.min_value),
      max_value: num(r.max_value),
      last_value: num(r.last_value),
      samples: num(r.samples),
      lon: num(r.lon),
      lat: num(r.lat),
    };
  },
};

const KPI_BY_ID = new Map(KPI_CATALOGUE.map((k) => [k.id, k]));

const kpis: DatasetDefinition = {
  id: 'kpis',
  title: { vi: 'Chỉ số đô thị thông minh (KPI)', en: 'Smart-city indicators (KPIs)' },
  description: {
    vi:
      'Giá trị các chỉ số của Chính quyền số, Kinh tế số, Xã hội số và xử lý phản ánh (QĐ 766/QĐ-TTg) theo ' +
      'giờ hoặc theo ngày, cho toàn thành phố, từng phường/xã hoặc từng đơn vị, kèm chỉ tiêu.',
    en:
      'Digital-government, digital-economy, digital-society and report-handling indicators (QĐ 766/QĐ-TTg) ' +
      'per hour or day, for the city, each ward or each unit, with their targets.',
  },
  keywords: ['chỉ số', 'KPI', 'chính quyền số', 'kinh tế số', 'xã hội số', 'Huế'],
  formats: ['csv'],
  fields: [
    { name: 'bucket_start', type: 'datetime', vi: 'Đầu khoảng thời gian', en: 'Bucket start' },
    { name: 'kpi', type: 'string', vi: 'Mã chỉ số', en: 'Indicator id' },
    { name: 'kpi_name', type: 'string', vi: 'Tên chỉ số', en: 'Indicator name (Vietnamese)' },
    { name: 'unit', type: 'string', vi: 'Đơn vị', en: 'Unit' },
    {
      name: 'scope_level',
      type: 'string',
      vi: 'Phạm vi (province, ward, agency)',
      en: 'Scope level',
    },
    { name: 'scope_code', type: 'string', vi: 'Mã phạm vi (46, mã phường/xã, mã đơn vị)', en: 'Scope code' },
    { name: 'scope_name', type: 'string', vi: 'Tên phạm vi', en: 'Scope name' },
    { name: 'value', type: 'number', vi: 'Giá trị (cuối khoảng)', en: 'Value (last in bucket)' },
    { name: 'target', type: 'number', vi: 'Chỉ tiêu', en: 'Target' },
    { name: 'samples', type: 'integer', vi: 'Số mẫu', en: 'Samples' },
  ],
  maxDays: (f) => (f.interval === 'hour' ? 92 : 1830),
  defaultDays: 30,
  windowDays: () => 31,
  query(range, f) {
    const params: unknown[] = [range.from, range.to];
    const where = ['k.bucket >= $1', 'k.bucket < $2'];
    if (f.kpi) where.push(`k.kpi = $${params.push(f.kpi)}`);
    if (f.scope_level) where.push(`k.scope_level = $${params.push(f.scope_level)}`);
    // kpi_samples_1h (migration 0006, real-time since 0007); days are Huế days, the last value of each.
    const rollup =
      f.interval === 'hour'
        ? `SELECT k.bucket, k.kpi, k.scope_level, k.scope_code, k.value, k.target, k.samples
            FROM kpi_samples_1h k WHERE ${where.join(' AND ')}`
        : `SELECT time_bucket(INTERVAL '1 day', k.bucket, 'Asia/Ho_Chi_Minh') AS bucket, k.kpi, k.scope_level,
              k.scope_code, last(k.value, k.bucket) AS value, last(k.target, k.bucket) AS target,
              sum(k.samples) AS samples
            FROM kpi_samples_1h k WHERE ${where.join(' AND ')} GROUP BY 1, 2, 3, 4`;
    const sql = `SELECT ${vn('r.bucket')} AS bucket_start, r.kpi, r.scope_level, r.scope_code,
        CASE WHEN r.scope_level = 'agency' THEN a.name_vi END AS agency_name, r.value, r.target, r.samples
      FROM (${rollup}) r LEFT JOIN agencies a ON r.scope_level = 'agency' AND a.id = r.scope_code
      ORDER BY r.bucket, r.kpi, r.scope_level, r.scope_code`;
    return { sql, params };
  },
  record(r, lookups) {
    const def = KPI_BY_ID.get(String(r.kpi));
    const level = str(r.scope_level);
    const code = str(r.scope_code);
    const scopeName =
      level === 'province'
        ? 'Thành phố Huế'
        : level === 'ward'
          ? lookups.wardName(code)
          : inertText(str(r.agency_name));
    return {
      bucket_start: str(r.bucket_start),
      kpi: str(r.kpi),
      kpi_name: def?.vi ?? null,
      unit: def?.unit ?? null,
      scope_level: level,
      scope_code: code,
      scope_name: scopeName,
      value: num(r.value),
      target: num(r.target),
      samples: num(r.samples),
    };
  },
};

export const DATASETS: Readonly<Record<OpenDataDataset, DatasetDefinition>> = {
  incidents,
  observations,
  kpis,
};
