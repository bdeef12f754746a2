import type { IncidentStatus, SensorState } from '@hue-ioc/layers';
import {
  INCIDENT_STATUSES,
  INCIDENT_STATUS_LABELS,
  PRIORITY_LABELS,
  SENSOR_STATE_LABELS,
} from '@hue-ioc/layers';
import type { ConnectionStatus } from '$lib/live';

/** The layers whose age the wall header shows (wards follow incidents). */
export const FRESHNESS_LAYERS = ['incidents', 'sensors', 'cameras', 'alerts'] as const;
export type FreshnessLayer = (typeof FRESHNESS_LAYERS)[number];

/** Vietnamese first (DOMAIN.md); `?lang=en` switches to English. */
export type Lang = 'vi' | 'en';

/** What went wrong with /live, as the wall explains it. */
export type FailureKind = 'tokenMissing' | 'tokenInvalid' | 'protocol' | 'forbidden' | 'other';

export interface Messages {
  locale: string;
  centre: string;
  city: string;
  status: Record<ConnectionStatus, string>;
  dataAt: (time: string) => string;
  updatedAt: (time: string) => string;
  noDataYet: string;
  /** Short layer names for the freshness line: "Sự cố 5 giây · Cảm biến 12 giây". */
  layerAge: Record<FreshnessLayer, string>;
  freshnessTitle: string;
  /** A layer with no change known to the server yet. */
  ageUnknown: string;
  flood: {
    title: string;
    rule: string;
    none: string;
    /** BĐ = báo động (alarm level) I–III of QĐ 05/2020/QĐ-TTg. */
    level: readonly [string, string, string];
  };
  otherSensors: string;
  cityCentre: string;
  moreSensors: (n: number) => string;
  readAt: (time: string) => string;
  sensorState: Record<SensorState, string>;
  failure: Record<FailureKind, string>;
  failureRetry: string;
  wardsFailed: string;
  credit: string;
  /** KPI names by code (GET /api/kpis); an unknown code is shown as is. */
  kpi: Record<string, string>;
  kpiTitle: string;
  kpiTarget: (v: string) => string;
  kpiAt: (t: string) => string;
  kpiNone: string;
  trend: { up: string; down: string; flat: string };
  ticker: string;
  tickerNone: string;
  incidentsTitle: string;
  openCount: string;
  overdueCount: string;
  urgentCount: string;
  byAgency: string;
  noAgency: string;
  incidentStatus: Record<IncidentStatus, string>;
  priority: Record<1 | 2 | 3 | 4, string>;
  overdueLegend: string;
  cameraLegend: { online: string; offline: string; recent: string };
  choropleth: string;
  /** Scene titles come with the scenes (GET /api/wall/config, DEFAULT_WALL_CONFIG in layers). */
  floodMode: string;
  paused: string;
  sceneOf: (i: number, n: number) => string;
}

/** DOMAIN.md's state table, declared once in layers. */
function statusLabels(lang: Lang): Record<IncidentStatus, string> {
  return Object.fromEntries(INCIDENT_STATUSES.map((s) => [s, INCIDENT_STATUS_LABELS[s][lang]])) as Record<
    IncidentStatus,
    string
  >;
}

const vi: Messages = {
  locale: 'vi-VN',
  centre: 'Trung tâm Giám sát, điều hành đô thị thông minh',
  city: 'Thành phố Huế',
  status: {
    connecting: 'Đang kết nối…',
    live: 'Trực tuyến',
    reconnecting: 'Mất kết nối, đang kết nối lại',
    error: 'Lỗi kết nối',
  },
  dataAt: (t) => `dữ liệu lúc ${t}`,
  updatedAt: (t) => `Cập nhật lúc ${t}`,
  noDataYet: 'Chưa có dữ liệu',
  layerAge: { incidents: 'Sự cố', sensors: 'Cảm biến', cameras: 'Camera', alerts: 'Cảnh báo' },
  freshnessTitle: 'Dữ liệu mới nhất',
  ageUnknown: 'chưa có',
  flood: {
    title: 'Mực nước sông',
    rule: 'Cấp báo động lũ theo QĐ 05/2020/QĐ-TTg',
    none: 'Chưa có trạm đo mực nước',
    level: ['BĐ I', 'BĐ II', 'BĐ III'],
  },
  otherSensors: 'Cảm biến khác',
  cityCentre: 'Trung tâm thành phố',
  moreSensors: (n) => `và ${n} cảm biến khác`,
  readAt: (t) => `đo lúc ${t}`,
  sensorState: Object.fromEntries(Object.entries(SENSOR_STATE_LABELS).map(([k, v]) => [k, v.vi])) as Record<
    SensorState,
    string
  >,
  failure: {
    tokenMissing:
      'Màn hình chưa có mã hiển thị. Mở trang với địa chỉ /wall?token=… do quản trị viên IOC cấp.',
    tokenInvalid:
      'Mã hiển thị không hợp lệ hoặc đã bị thu hồi. Liên hệ quản trị viên IOC để được cấp mã mới.',
    protocol: 'Phiên bản màn hình không khớp với máy chủ. Hãy tải lại trang (Ctrl + F5).',
    forbidden: 'Mã hiển thị này không có quyền xem dữ liệu cảm biến.',
    other: 'Máy chủ từ chối kết nối.',
  },
  failureRetry: 'Tự động thử lại sau 30 giây.',
  wardsFailed: 'Chưa tải được ranh giới phường, xã — đang thử lại',
  credit: 'Ranh giới hành chính: vietnam-3d-map, dvhcvn (MIT) · Đất liền: Natural Earth',
  kpi: {
    ty_le_phan_anh_da_xu_ly: 'Phản ánh đã xử lý',
    ty_le_xu_ly_dung_han: 'Xử lý đúng hạn',
    ty_le_hai_long: 'Hài lòng',
    ho_so_dung_han: 'Hồ sơ TTHC đúng hạn',
    dvc_truc_tuyen_toan_trinh: 'DVC trực tuyến toàn trình',
  },
  kpiTitle: 'Chỉ số điều hành',
  kpiTarget: (v) => `mục tiêu ${v}`,
  kpiAt: (t) => `lúc ${t}`,
  kpiNone: 'Chưa có chỉ số',
  trend: { up: 'tăng', down: 'giảm', flat: 'không đổi' },
  ticker: 'Tin mới',
  tickerNone: 'Chưa có tin mới',
  incidentsTitle: 'Phản ánh đang xử lý',
  openCount: 'Đang mở',
  overdueCount: 'Quá hạn',
  urgentCount: 'Khẩn cấp',
  byAgency: 'Quá hạn theo đơn vị',
  noAgency: 'Chưa giao đơn vị',
  incidentStatus: statusLabels('vi'),
  priority: {
    1: PRIORITY_LABELS[1].vi,
    2: PRIORITY_LABELS[2].vi,
    3: PRIORITY_LABELS[3].vi,
    4: PRIORITY_LABELS[4].vi,
  },
  overdueLegend: 'Quá hạn',
  cameraLegend: { online: 'Camera', offline: 'Camera mất kết nối', recent: 'Camera vừa phát hiện' },
  choropleth: 'Phản ánh mở / 10.000 dân',
  floodMode: 'Chế độ lũ',
  paused: 'Tạm dừng xoay vòng',
  sceneOf: (i, n) => `${i}/${n}`,
};

const en: Messages = {
  locale: 'en-GB',
  centre: 'Smart City Monitoring and Operations Centre',
  city: 'Huế City',
  status: {
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Connection lost, reconnecting',
    error: 'Connection error',
  },
  dataAt: (t) => `data from ${t}`,
  updatedAt: (t) => `Updated at ${t}`,
  noDataYet: 'No data yet',
  layerAge: { incidents: 'Incidents', sensors: 'Sensors', cameras: 'Cameras', alerts: 'Alerts' },
  freshnessTitle: 'Newest data',
  ageUnknown: 'none yet',
  flood: {
    title: 'River levels',
    rule: 'Flood alarm levels of Decision 05/2020/QĐ-TTg',
    none: 'No water-level gauges',
    level: ['Level I', 'Level II', 'Level III'],
  },
  otherSensors: 'Other sensors',
  cityCentre: 'City centre',
  moreSensors: (n) => `and ${n} more sensors`,
  readAt: (t) => `read at ${t}`,
  sensorState: Object.fromEntries(Object.entries(SENSOR_STATE_LABELS).map(([k, v]) => [k, v.en])) as Record<
    SensorState,
    string
  >,
  failure: {
    tokenMissing:
      'This screen has no display token. Open /wall?token=… with the token from the IOC administrator.',
    tokenInvalid: 'The display token is invalid or revoked. Ask the IOC administrator for a new one.',
    protocol: 'This screen does not match the server version. Reload the page (Ctrl + F5).',
    forbidden: 'This display token may not view sensor data.',
    other: 'The server refused the connection.',
  },
  failureRetry: 'Retrying automatically in 30 seconds.',
  wardsFailed: 'Ward boundaries not loaded yet — retrying',
  credit: 'Boundaries: vietnam-3d-map, dvhcvn (MIT) · Land: Natural Earth',
  kpi: {
    ty_le_phan_anh_da_xu_ly: 'Reports handled',
    ty_le_xu_ly_dung_han: 'Handled on time',
    ty_le_hai_long: 'Satisfaction',
    ho_so_dung_han: 'Admin. files on time',
    dvc_truc_tuyen_toan_trinh: 'Fully online services',
  },
  kpiTitle: 'Indicators',
  kpiTarget: (v) => `target ${v}`,
  kpiAt: (t) => `at ${t}`,
  kpiNone: 'No indicators yet',
  trend: { up: 'up', down: 'down', flat: 'steady' },
  ticker: 'Latest',
  tickerNone: 'Nothing new yet',
  incidentsTitle: 'Open reports',
  openCount: 'Open',
  overdueCount: 'Overdue',
  urgentCount: 'Urgent',
  byAgency: 'Overdue by unit',
  noAgency: 'Not yet assigned',
  incidentStatus: statusLabels('en'),
  priority: {
    1: PRIORITY_LABELS[1].en,
    2: PRIORITY_LABELS[2].en,
    3: PRIORITY_LABELS[3].en,
    4: PRIORITY_LABELS[4].en,
  },
  overdueLegend: 'Overdue',
  cameraLegend: { online: 'Camera', offline: 'Camera offline', recent: 'Camera event' },
  choropleth: 'Open reports / 10,000 residents',
  floodMode: 'Flood mode',
  paused: 'Rotation paused',
  sceneOf: (i, n) => `${i}/${n}`,
};

export const MESSAGES: Readonly<Record<Lang, Messages>> = { vi, en };

export function langFromUrl(url: URL): Lang {
  return url.searchParams.get('lang') === 'en' ? 'en' : 'vi';
}

/**
 * Sorts a server error code (IOC_<AREA>_<WHAT>) into what the wall can explain. Matching on parts
 * keeps the wall useful while the server's list of codes grows; an auth refusal means "missing"
 * when this screen has no token at all.
 */
export function failureKind(code: string, hasToken: boolean): FailureKind {
  if (code.includes('PROTOCOL')) return 'protocol';
  if (code.includes('FORBIDDEN')) return 'forbidden';
  if (code.includes('TOKEN') || code.includes('AUTH') || code.includes('UNAUTHORIZED')) {
    return hasToken ? 'tokenInvalid' : 'tokenMissing';
  }
  return 'other';
}
