import {
  CATEGORY_LABELS,
  INCIDENT_STATUS_LABELS,
  RATING_LABELS,
  WORKFLOW_ACTION_LABELS,
  errorTextVi,
  type Channel,
  type IncidentSort,
} from '@hue-ioc/layers';
import { friendlyError, ApiError } from '$lib/console/api';
import type { ConsoleMessages, Lang } from '$lib/console/i18n';
import type { BuiltInViewId } from './saved-views';

/**
 * Words of /dispatch and /agency, Vietnamese first (DOMAIN.md), `?lang=en` for English. The state, action,
 * category and rating names come from layers, so the consoles say what the public and the wall say.
 */
const CHANNEL_LABELS: Record<Channel, { vi: string; en: string }> = {
  hue_s: { vi: 'Hue-S', en: 'Hue-S' },
  hotline: { vi: 'Tổng đài 19001075', en: 'Hotline 19001075' },
  camera: { vi: 'Camera', en: 'Camera' },
  sensor: { vi: 'Cảm biến', en: 'Sensor' },
  open311: { vi: 'Open311', en: 'Open311' },
};

const EVENT_LABELS: Record<string, { vi: string; en: string }> = {
  created: { vi: 'Tiếp nhận', en: 'Received' },
  source_added: { vi: 'Thêm nguồn phản ánh', en: 'Source added' },
  verified: { vi: 'Xác minh', en: 'Verified' },
  assigned: { vi: 'Chuyển xử lý', en: 'Assigned' },
  status: { vi: 'Đổi trạng thái', en: 'Status changed' },
  merged: { vi: 'Gộp phản ánh', en: 'Merged' },
  split: { vi: 'Tách phản ánh', en: 'Split' },
  escalated: { vi: 'Nhắc đơn vị (quá hạn)', en: 'Escalated' },
  sla_breached: { vi: 'Quá hạn xử lý', en: 'Deadline passed' },
  comment: { vi: 'Ghi chú', en: 'Note' },
  attachment: { vi: 'Đính kèm', en: 'Attachment' },
  rated: { vi: 'Người dân đánh giá', en: 'Citizen rating' },
};

/** English texts of the workflow's codes (Vietnamese ones come from the catalogue in layers). */
const EN_ERRORS: Record<string, string> = {
  IOC_INCIDENT_NOT_FOUND: 'This case was not found (or is not your unit’s).',
  IOC_INCIDENT_STALE: 'Someone else changed this case. Check what changed.',
  IOC_INCIDENT_TRANSITION: 'This case cannot go to that state now.',
  IOC_INCIDENT_REQUIREMENT: 'Something required is missing (reason, unit, deadline or reply).',
  IOC_INCIDENT_AGENCY_UNKNOWN: 'No such handling unit.',
  IOC_INCIDENT_MERGE: 'These cases cannot be merged or split that way.',
};

function make(lang: Lang) {
  const vi = lang === 'vi';
  const L = (x: { vi: string; en: string }) => x[lang];
  return {
    lang,
    status: (s: string) => {
      const l = (INCIDENT_STATUS_LABELS as Record<string, { vi: string; en: string }>)[s];
      return l ? L(l) : s;
    },
    action: (a: string) => {
      const l = (WORKFLOW_ACTION_LABELS as Record<string, { vi: string; en: string }>)[a];
      return l ? L(l) : a;
    },
    category: (c: string) => {
      const l = (CATEGORY_LABELS as Record<string, { vi: string; en: string }>)[c];
      return l ? L(l) : c;
    },
    channel: (c: string) => {
      const l = (CHANNEL_LABELS as Record<string, { vi: string; en: string }>)[c];
      return l ? L(l) : c;
    },
    rating: (r: string) => {
      const l = (RATING_LABELS as Record<string, { vi: string; en: string }>)[r];
      return l ? L(l) : r;
    },
    event: (type: string) => (EVENT_LABELS[type] ? L(EVENT_LABELS[type]) : type),
    priority: (p: number) => (vi ? `Ưu tiên ${p}` : `Priority ${p}`),
    priorityShort: (p: number) => `P${p}`,
    nav: { dispatch: vi ? 'Điều phối' : 'Dispatch', agency: vi ? 'Hộp việc đơn vị' : 'Unit inbox' },
    dispatch: {
      title: vi ? 'Điều phối phản ánh' : 'Case dispatch',
      queue: vi ? 'Hàng đợi phản ánh' : 'Case queue',
      count: (shown: number, total: number, capped: boolean) =>
        vi
          ? `${shown.toLocaleString('vi-VN')} / ${total.toLocaleString('vi-VN')}${capped ? '+' : ''} phản ánh`
          : `${shown.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')}${capped ? '+' : ''} cases`,
      empty: vi ? 'Không có phản ánh nào khớp bộ lọc.' : 'No case matches the filters.',
      loadingMore: vi ? 'Đang tải thêm…' : 'Loading more…',
      newArrived: (n: number) => (vi ? `${n} phản ánh mới` : `${n} new case${n === 1 ? '' : 's'}`),
      shortcuts: vi
        ? 'Phím tắt: j/k hoặc ↑/↓ di chuyển · Enter mở · v xác minh · a chuyển xử lý · / tìm kiếm · Esc đóng'
        : 'Shortcuts: j/k or ↑/↓ move · Enter open · v verify · a assign · / search · Esc close',
      selectHint: vi ? 'Chọn một phản ánh trong hàng đợi để xem chi tiết.' : 'Pick a case from the queue.',
    },
    filters: {
      heading: vi ? 'Bộ lọc' : 'Filters',
      search: vi ? 'Tìm theo mã, nội dung, địa chỉ' : 'Search id, text, address',
      status: vi ? 'Trạng thái' : 'Status',
      category: vi ? 'Lĩnh vực' : 'Category',
      ward: vi ? 'Phường/xã' : 'Ward/commune',
      agency: vi ? 'Đơn vị xử lý' : 'Handling unit',
      priority: vi ? 'Mức ưu tiên' : 'Priority',
      channel: vi ? 'Kênh' : 'Channel',
      overdue: vi ? 'Chỉ quá hạn' : 'Overdue only',
      all: vi ? 'Tất cả' : 'All',
      sort: vi ? 'Sắp xếp' : 'Sort',
      sorts: {
        due: vi ? 'Hạn xử lý gần nhất' : 'Deadline, nearest first',
        '-due': vi ? 'Hạn xử lý xa nhất' : 'Deadline, latest first',
        priority: vi ? 'Mức ưu tiên' : 'Priority',
        received: vi ? 'Tiếp nhận sớm nhất' : 'Received, oldest first',
        '-received': vi ? 'Tiếp nhận mới nhất' : 'Received, newest first',
      } satisfies Record<IncidentSort, string>,
      reset: vi ? 'Xóa bộ lọc' : 'Clear filters',
      views: vi ? 'Chế độ xem' : 'Views',
      builtIn: {
        new: vi ? 'Mới tiếp nhận' : 'New',
        overdue: vi ? 'Quá hạn' : 'Overdue',
        dueSoon: vi ? 'Sắp đến hạn' : 'Due soon',
      } satisfies Record<BuiltInViewId, string>,
      saveView: vi ? 'Lưu chế độ xem' : 'Save view',
      viewName: vi ? 'Tên chế độ xem (vd. Phường Thuận Hóa)' : 'View name (e.g. Thuận Hóa ward)',
      deleteView: (name: string) => (vi ? `Xóa chế độ xem “${name}”` : `Delete view “${name}”`),
      allOpen: vi ? 'Đang mở' : 'Open',
      moreFilters: vi ? 'Thêm bộ lọc' : 'More filters',
    },
    live: {
      live: vi ? 'Trực tuyến' : 'Live',
      connecting: vi ? 'Đang kết nối…' : 'Connecting…',
      reconnecting: vi ? 'Mất kết nối — đang thử lại' : 'Link lost — retrying',
    },
    caseView: {
      close: vi ? 'Đóng (Esc)' : 'Close (Esc)',
      received: vi ? 'Tiếp nhận' : 'Received',
      due: vi ? 'Hạn xử lý' : 'Deadline',
      dueRule: (hours: number | null, days: number | null) =>
        hours !== null
          ? vi
            ? `quy trình khẩn: ${hours} giờ`
            : `immediate process: ${hours} h`
          : days !== null
            ? vi
              ? `${days} ngày làm việc`
              : `${days} working days`
            : '',
      dueNote: vi
        ? 'Thời hạn theo bảng SLA do quản trị viên cấu hình; tính theo giờ làm việc.'
        : 'Deadlines come from the SLA table set by an administrator; counted in working hours.',
      ward: vi ? 'Phường/xã' : 'Ward',
      address: vi ? 'Địa chỉ' : 'Address',
      agency: vi ? 'Đơn vị đang xử lý' : 'Unit handling it',
      suggested: vi ? 'Đơn vị đề xuất' : 'Suggested unit',
      routingReason: vi ? 'Lý do (quy tắc phân luồng)' : 'Routing rule',
      reporter: vi ? 'Người phản ánh' : 'Reporter',
      hidden: vi ? 'Đã ẩn danh tính' : 'Identity hidden',
      sources: (n: number) => (vi ? `Nguồn phản ánh (${n})` : `Sources (${n})`),
      media: vi ? 'Ảnh/video' : 'Photos/video',
      attachments: vi ? 'Tệp kết quả' : 'Result files',
      timeline: vi ? 'Diễn biến' : 'Timeline',
      publicReply: vi ? 'Trả lời công khai' : 'Public reply',
      rating: vi ? 'Đánh giá của người dân' : 'Citizen rating',
      duplicates: vi ? 'Phản ánh trùng đã gộp' : 'Merged duplicates',
      mergedInto: (id: string) => (vi ? `Đã gộp vào ${id}` : `Merged into ${id}`),
      viewing: (names: string) => (vi ? `Đang xem: ${names}` : `Also viewing: ${names}`),
      actions: vi ? 'Thao tác' : 'Actions',
      noActions: vi
        ? 'Bạn không có thao tác nào với phản ánh ở trạng thái này.'
        : 'No action for you in this state.',
      comment: vi ? 'Ghi chú' : 'Note',
      merge: vi ? 'Gộp vào phản ánh khác' : 'Merge into another case',
      split: vi ? 'Tách nguồn' : 'Split sources',
      system: vi ? 'Hệ thống' : 'System',
      map: vi ? 'Vị trí phản ánh và các nguồn' : 'Case and source positions',
      noPosition: vi ? 'Không có vị trí' : 'No position',
      signal: vi ? 'Nội dung' : 'Content',
      transcript: vi ? 'Nội dung cuộc gọi' : 'Call transcript',
      snapshot: vi ? 'Ảnh chụp camera' : 'Camera snapshot',
      reading: vi ? 'Số đo' : 'Reading',
      matchReason: vi ? 'Lý do gộp' : 'Why it joined',
      updated: vi ? 'Phản ánh vừa được cập nhật.' : 'The case was updated.',
    },
    stale: {
      title: vi ? 'Người khác vừa thay đổi phản ánh này' : 'Someone else changed this case',
      body: vi
        ? 'Thao tác của bạn chưa được lưu. Những thay đổi mới:'
        : 'Your change was not saved. What changed meanwhile:',
      reload: vi ? 'Tải lại phản ánh' : 'Reload the case',
    },
    form: {
      reason: vi ? 'Lý do' : 'Reason',
      reasonHint: vi ? 'Bắt buộc, ít nhất 3 ký tự.' : 'Required, at least 3 characters.',
      agency: vi ? 'Đơn vị xử lý' : 'Handling unit',
      suggestedTag: vi ? '(đề xuất)' : '(suggested)',
      dueAt: vi ? 'Hạn xử lý (giờ Huế)' : 'Deadline (Huế time)',
      dueAtHint: vi ? 'Đã điền sẵn theo bảng SLA; có thể sửa.' : 'Prefilled from the SLA table; editable.',
      priority: vi ? 'Mức ưu tiên' : 'Priority',
      reply: vi ? 'Nội dung trả lời người dân' : 'Reply to the citizen',
      replyHint: vi ? 'Được công bố trên Hue-S kèm ngày xử lý.' : 'Published on Hue-S with the date handled.',
      template: vi ? 'Mẫu trả lời' : 'Reply template',
      chooseTemplate: vi ? '— Chọn mẫu —' : '— Choose a template —',
      text: vi ? 'Nội dung' : 'Text',
      public: vi ? 'Công khai cho người dân' : 'Public (the citizen sees it)',
      internal: vi ? 'Ghi chú nội bộ' : 'Internal note',
      mergeSearch: vi ? 'Tìm phản ánh gốc (mã hoặc nội dung)' : 'Find the original case (id or text)',
      mergePick: vi ? 'Gộp vào' : 'Merge into',
      splitPick: vi ? 'Chọn các nguồn là sự việc khác' : 'Pick the sources that are another matter',
      photo: vi ? 'Chụp/chọn ảnh kết quả' : 'Take/choose result photos',
      uploading: vi ? 'Đang tải ảnh lên…' : 'Uploading…',
      uploaded: (n: number) => (vi ? `${n} ảnh đã tải lên` : `${n} photo${n === 1 ? '' : 's'} uploaded`),
      submit: vi ? 'Xác nhận' : 'Confirm',
      submitting: vi ? 'Đang gửi…' : 'Sending…',
      done: (action: string) => (vi ? `Đã ${action.toLocaleLowerCase('vi')}.` : `${action}: done.`),
    },
    agency: {
      title: vi ? 'Hộp việc của đơn vị' : 'Unit inbox',
      tabs: {
        todo: vi ? 'Cần xử lý' : 'To do',
        done: vi ? 'Đã xử lý' : 'Done',
      },
      empty: vi ? 'Đơn vị chưa có phản ánh cần xử lý.' : 'Nothing to handle.',
      back: vi ? '← Danh sách' : '← List',
      noAgency: vi
        ? 'Tài khoản chưa gắn với đơn vị nào. Liên hệ quản trị viên IOC.'
        : 'This account has no unit. Ask an IOC administrator.',
    },
    forbidden: vi ? 'Trang này dành cho vai trò khác.' : 'This page is for another role.',
    errorText: (e: unknown, t: ConsoleMessages) => {
      if (e instanceof ApiError && e.code.startsWith('IOC_INCIDENT_')) {
        return vi ? errorTextVi(e.code, friendlyError(e, t)) : (EN_ERRORS[e.code] ?? friendlyError(e, t));
      }
      return friendlyError(e, t);
    },
  };
}

export type DispatchMessages = ReturnType<typeof make>;
export const DISPATCH_MESSAGES: Readonly<Record<Lang, DispatchMessages>> = { vi: make('vi'), en: make('en') };
