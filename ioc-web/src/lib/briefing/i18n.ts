import type { BriefingTextPeriodKind } from '@hue-ioc/layers';
import type { WardIndicator } from './model';

/** The briefing page's words, Vietnamese first (DOMAIN.md). */
export interface BriefingMessages {
  title: string;
  subtitle: string;
  periods: Record<BriefingTextPeriodKind, string>;
  from: string;
  to: string;
  apply: string;
  scope: string;
  wholeCity: string;
  ward: string;
  unit: string;
  target: string;
  previous: string;
  noPrevious: string;
  summary: string;
  trend: string;
  trendReceived: string;
  trendOnTime: string;
  map: string;
  wardIndicators: Record<WardIndicator, string>;
  units: string;
  unitCols: { name: string; onTime: string; overdue: string; median: string };
  lateCasesOf: (unit: string) => string;
  allUnits: (n: number) => string;
  fewerUnits: string;
  noLateCases: string;
  close: string;
  mostOverdue: string;
  noOverdue: string;
  overdueBy: (hours: string) => string;
  due: string;
  flood: string;
  noAlarm: string;
  alarmLevel: (level: string) => string;
  since: string;
  sensors: (uptime: string) => string;
  print: string;
  pdf: string;
  pdfMaking: string;
  pdfUnavailable: string;
  pdfFailed: string;
  loading: string;
  loadFailed: string;
  retry: string;
  forbidden: string;
  generatedAt: (time: string) => string;
  offline: (time: string) => string;
  /** Offline, showing the stored copy of another period or scope than the one asked. */
  offlineOther: (period: string, time: string) => string;
  live: string;
  reconnecting: string;
  hoursShort: string;
  noData: string;
  lang: { href: string; label: string; name: string };
}

export const BRIEFING_MESSAGES: Record<'vi' | 'en', BriefingMessages> = {
  vi: {
    title: 'Giao ban điều hành',
    subtitle: 'Trung tâm IOC Huế',
    periods: { today: 'Hôm nay', '7d': '7 ngày', '30d': '30 ngày', month: 'Tháng này', custom: 'Tùy chọn' },
    from: 'Từ ngày',
    to: 'Đến ngày',
    apply: 'Xem',
    scope: 'Phạm vi',
    wholeCity: 'Toàn thành phố',
    ward: 'Phường, xã',
    unit: 'Đơn vị',
    target: 'Mục tiêu',
    previous: 'Kỳ trước',
    noPrevious: 'Chưa có kỳ trước',
    summary: 'Tóm tắt',
    trend: 'Diễn biến theo ngày',
    trendReceived: 'Tiếp nhận',
    trendOnTime: 'Đúng hạn',
    map: 'Bản đồ phường, xã',
    wardIndicators: {
      received: 'Phản ánh tiếp nhận',
      overdue: 'Quá hạn hiện nay',
      onTimeRate: 'Tỷ lệ đúng hạn',
      satisfaction: 'Mức độ hài lòng',
    },
    units: 'Xếp hạng đơn vị xử lý',
    unitCols: { name: 'Đơn vị', onTime: 'Đúng hạn', overdue: 'Quá hạn', median: 'Trung vị' },
    lateCasesOf: (u) => `Phản ánh quá hạn của ${u}`,
    allUnits: (n) => `Xem tất cả ${n} đơn vị`,
    fewerUnits: 'Thu gọn',
    noLateCases: 'Không có phản ánh quá hạn.',
    close: 'Đóng',
    mostOverdue: '10 phản ánh quá hạn lâu nhất',
    noOverdue: 'Không có phản ánh nào quá hạn.',
    overdueBy: (h) => `quá ${h}`,
    due: 'Hạn',
    flood: 'Mực nước và cảnh báo',
    noAlarm: 'Không có trạm nào ở mức báo động.',
    alarmLevel: (l) => `Báo động ${l}`,
    since: 'từ',
    sensors: (u) => `Cảm biến hoạt động ${u} thời gian`,
    print: 'In',
    pdf: 'Tải PDF',
    pdfMaking: 'Đang tạo PDF…',
    pdfUnavailable: 'Máy chủ chưa cài Chromium nên chưa tạo được tệp PDF. Hãy dùng nút In.',
    pdfFailed: 'Chưa tạo được tệp PDF, vui lòng thử lại.',
    loading: 'Đang tải số liệu…',
    loadFailed: 'Không tải được số liệu giao ban.',
    retry: 'Thử lại',
    forbidden: 'Tài khoản này không xem được trang giao ban.',
    generatedAt: (t) => `Số liệu lúc ${t}`,
    offline: (t) => `Dữ liệu lúc ${t}, đang mất kết nối`,
    offlineOther: (p, t) => `Mất kết nối: chưa lưu kỳ này, đang xem bản lưu ${p} lúc ${t}`,
    live: 'Trực tuyến',
    reconnecting: 'Đang kết nối lại',
    hoursShort: 'giờ',
    noData: '—',
    lang: { href: 'en', label: 'EN', name: 'English' },
  },
  en: {
    title: 'Operations briefing',
    subtitle: 'Huế IOC',
    periods: { today: 'Today', '7d': '7 days', '30d': '30 days', month: 'This month', custom: 'Custom' },
    from: 'From',
    to: 'To',
    apply: 'Show',
    scope: 'Scope',
    wholeCity: 'Whole city',
    ward: 'Ward',
    unit: 'Unit',
    target: 'Target',
    previous: 'Previous',
    noPrevious: 'No previous period',
    summary: 'Summary',
    trend: 'Day by day',
    trendReceived: 'Received',
    trendOnTime: 'On time',
    map: 'Wards',
    wardIndicators: {
      received: 'Reports received',
      overdue: 'Overdue now',
      onTimeRate: 'On-time rate',
      satisfaction: 'Satisfaction',
    },
    units: 'Handling units',
    unitCols: { name: 'Unit', onTime: 'On time', overdue: 'Overdue', median: 'Median' },
    lateCasesOf: (u) => `Overdue cases of ${u}`,
    allUnits: (n) => `All ${n} units`,
    fewerUnits: 'Fewer',
    noLateCases: 'No overdue cases.',
    close: 'Close',
    mostOverdue: 'The ten most overdue cases',
    noOverdue: 'No case is overdue.',
    overdueBy: (h) => `${h} late`,
    due: 'Due',
    flood: 'Water levels and alarms',
    noAlarm: 'No gauge is at an alarm level.',
    alarmLevel: (l) => `Alarm ${l}`,
    since: 'since',
    sensors: (u) => `Sensors up ${u} of the time`,
    print: 'Print',
    pdf: 'PDF',
    pdfMaking: 'Making the PDF…',
    pdfUnavailable: 'The server has no Chromium to make the PDF. Use Print instead.',
    pdfFailed: 'The PDF could not be made; try again.',
    loading: 'Loading the figures…',
    loadFailed: 'The briefing could not be loaded.',
    retry: 'Try again',
    forbidden: 'This account cannot open the briefing.',
    generatedAt: (t) => `Figures at ${t}`,
    offline: (t) => `Data from ${t}, offline`,
    offlineOther: (p, t) => `Offline: this period was never loaded; showing the stored ${p} from ${t}`,
    live: 'Live',
    reconnecting: 'Reconnecting',
    hoursShort: 'h',
    noData: '—',
    lang: { href: 'vi', label: 'VI', name: 'Tiếng Việt' },
  },
};
