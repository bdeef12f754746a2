import type { SensorState } from '@hue-ioc/layers';
import { SENSOR_STATE_LABELS } from '@hue-ioc/layers';
import type { ConnectionStatus } from '$lib/live';

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
