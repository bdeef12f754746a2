import { ROLES, ROLE_LABELS, type Role } from '@hue-ioc/layers';

/**
 * The console's words (login, /admin), Vietnamese first (DOMAIN.md); `?lang=en` switches to English.
 * Kept apart from the wall's dictionary so the two surfaces can change independently.
 */
export type Lang = 'vi' | 'en';

/** Role names come with the roles (ROLE_LABELS in layers). */
function roleLabels(lang: Lang): Record<Role, string> {
  return Object.fromEntries(ROLES.map((r) => [r, ROLE_LABELS[r][lang]])) as Record<Role, string>;
}

/** The audit actions the server writes (ioc-server access.service.ts); unknown ones are shown by code. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.login_locked',
  'auth.logout',
  'user.create',
  'user.update',
  'display_token.create',
  'display_token.revoke',
  'sla.replace',
  'outbox.retry',
  'kpi_catalogue.create',
  'kpi_catalogue.update',
  'kpi_catalogue.delete',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type TabId = 'users' | 'tokens' | 'audit' | 'agencies' | 'sla' | 'kpis' | 'outbox';

export interface ConsoleMessages {
  locale: string;
  otherLang: { lang: Lang; label: string; name: string };
  centre: string;
  console: string;
  skipToContent: string;
  signedInAs: (name: string, role: string) => string;
  logout: string;
  loggingOut: string;
  home: string;
  loading: string;
  retry: string;
  cancel: string;
  save: string;
  saving: string;
  close: string;
  yes: string;
  no: string;
  none: string;
  role: Record<Role, string>;
  login: {
    title: string;
    intro: string;
    username: string;
    password: string;
    submit: string;
    submitting: string;
    showPassword: string;
    hint: string;
  };
  forbidden: { title: string; body: (role: string) => string; back: string; other: string };
  admin: { title: string; tabsLabel: string; tab: Record<TabId, string> };
  users: {
    heading: string;
    count: (n: number) => string;
    username: string;
    usernameHint: string;
    displayName: string;
    password: string;
    passwordHint: string;
    newPassword: string;
    newPasswordHint: string;
    roleLabel: string;
    agency: string;
    agencyHint: string;
    chooseAgency: string;
    active: string;
    activeYes: string;
    activeNo: string;
    createdAt: string;
    actions: string;
    create: string;
    creating: string;
    created: (name: string) => string;
    edit: string;
    editTitle: (name: string) => string;
    activeCheckbox: string;
    sessionsNote: string;
    saved: (name: string) => string;
    nothingChanged: string;
    you: string;
  };
  tokens: {
    heading: string;
    intro: string;
    name: string;
    namePlaceholder: string;
    create: string;
    creating: string;
    onceTitle: string;
    onceWarning: string;
    tokenLabel: string;
    wallUrlLabel: string;
    copy: string;
    copied: string;
    copyFailed: string;
    done: string;
    hint: string;
    createdAt: string;
    lastUsed: string;
    neverUsed: string;
    status: string;
    statusActive: string;
    statusRevoked: (at: string) => string;
    revoke: string;
    revokeTitle: (name: string) => string;
    revokeBody: string;
    revokeConfirm: string;
    revoking: string;
    revoked: (name: string) => string;
    empty: string;
  };
  audit: {
    heading: string;
    filters: string;
    actor: string;
    actorPlaceholder: string;
    action: string;
    allActions: string;
    from: string;
    to: string;
    timeZoneNote: string;
    apply: string;
    reset: string;
    time: string;
    who: string;
    what: string;
    target: string;
    ip: string;
    changes: string;
    details: string;
    system: string;
    anonymous: string;
    more: string;
    loadingMore: string;
    end: string;
    empty: string;
    shown: (n: number) => string;
    actionLabel: Record<AuditAction, string>;
  };
  agencies: {
    heading: string;
    readOnly: string;
    id: string;
    name: string;
    kind: string;
    ward: string;
    phone: string;
    count: (n: number) => string;
    /** Kinds the seed uses (ioc-server agency seed); others are shown as they are. */
    kindLabel: Record<string, string>;
  };
  errors: {
    network: string;
    unknown: string;
    byCode: Record<string, string>;
    locked: (minutes: number) => string;
  };
}

const vi: ConsoleMessages = {
  locale: 'vi-VN',
  otherLang: { lang: 'en', label: 'English', name: 'Switch to English' },
  centre: 'Trung tâm Giám sát, điều hành đô thị thông minh — Thành phố Huế',
  console: 'IOC Huế',
  skipToContent: 'Bỏ qua, tới nội dung chính',
  signedInAs: (name, role) => `${name} · ${role}`,
  logout: 'Đăng xuất',
  loggingOut: 'Đang đăng xuất…',
  home: 'Trang chủ',
  loading: 'Đang tải…',
  retry: 'Thử lại',
  cancel: 'Hủy',
  save: 'Lưu',
  saving: 'Đang lưu…',
  close: 'Đóng',
  yes: 'Có',
  no: 'Không',
  none: '—',
  role: roleLabels('vi'),
  login: {
    title: 'Đăng nhập',
    intro: 'Dành cho cán bộ của Trung tâm IOC và các đơn vị xử lý.',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    submitting: 'Đang đăng nhập…',
    showPassword: 'Hiện mật khẩu',
    hint: 'Quên mật khẩu? Liên hệ quản trị viên IOC để được đặt lại.',
  },
  forbidden: {
    title: 'Bạn không có quyền truy cập trang này',
    body: (role) =>
      `Trang quản trị chỉ dành cho tài khoản Quản trị. Tài khoản của bạn có vai trò “${role}”. Nếu cần quyền này, hãy liên hệ quản trị viên IOC.`,
    back: 'Về trang chủ',
    other: 'Đăng nhập bằng tài khoản khác',
  },
  admin: {
    title: 'Quản trị hệ thống',
    tabsLabel: 'Các mục quản trị',
    tab: {
      users: 'Người dùng',
      tokens: 'Mã màn hình',
      audit: 'Nhật ký',
      agencies: 'Đơn vị',
      sla: 'Hạn xử lý',
      kpis: 'Danh mục chỉ số',
      outbox: 'Tin gửi người dân',
    },
  },
  users: {
    heading: 'Thêm người dùng',
    count: (n) => `${n} tài khoản`,
    username: 'Tên đăng nhập',
    usernameHint: '3–64 ký tự: chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới.',
    displayName: 'Họ và tên',
    password: 'Mật khẩu',
    passwordHint: 'Ít nhất 8 ký tự.',
    newPassword: 'Đặt lại mật khẩu',
    newPasswordHint: 'Để trống nếu không đổi. Ít nhất 8 ký tự.',
    roleLabel: 'Vai trò',
    agency: 'Đơn vị',
    agencyHint: 'Bắt buộc với vai trò Đơn vị xử lý.',
    chooseAgency: '— Chọn đơn vị —',
    active: 'Trạng thái',
    activeYes: 'Đang hoạt động',
    activeNo: 'Đã khóa',
    createdAt: 'Ngày tạo',
    actions: 'Thao tác',
    create: 'Tạo tài khoản',
    creating: 'Đang tạo…',
    created: (n) => `Đã tạo tài khoản ${n}.`,
    edit: 'Sửa',
    editTitle: (n) => `Sửa tài khoản ${n}`,
    activeCheckbox: 'Cho phép đăng nhập (đang hoạt động)',
    sessionsNote:
      'Đổi vai trò, đơn vị, trạng thái hoặc mật khẩu sẽ đăng xuất người dùng này khỏi mọi thiết bị ngay lập tức.',
    saved: (n) => `Đã lưu thay đổi của ${n}.`,
    nothingChanged: 'Chưa có thay đổi nào để lưu.',
    you: '(bạn)',
  },
  tokens: {
    heading: 'Cấp mã cho màn hình mới',
    intro:
      'Màn hình treo tường và công cụ thu thập số liệu dùng mã hiển thị thay cho tài khoản. Mã chỉ có quyền xem.',
    name: 'Tên màn hình',
    namePlaceholder: 'VD: Màn hình tường phòng điều hành',
    create: 'Tạo mã',
    creating: 'Đang tạo…',
    onceTitle: 'Mã hiển thị mới',
    onceWarning:
      'Mã này chỉ hiển thị MỘT LẦN. Hãy sao chép và nhập vào màn hình ngay bây giờ; hệ thống không lưu lại mã gốc.',
    tokenLabel: 'Mã hiển thị',
    wallUrlLabel: 'Địa chỉ mở màn hình giám sát',
    copy: 'Sao chép',
    copied: 'Đã sao chép',
    copyFailed: 'Không sao chép được — hãy chọn và sao chép thủ công',
    done: 'Tôi đã lưu mã, đóng',
    hint: 'Đuôi mã',
    createdAt: 'Ngày tạo',
    lastUsed: 'Dùng lần cuối',
    neverUsed: 'Chưa dùng',
    status: 'Trạng thái',
    statusActive: 'Đang hiệu lực',
    statusRevoked: (at) => `Đã thu hồi ${at}`,
    revoke: 'Thu hồi',
    revokeTitle: (n) => `Thu hồi mã “${n}”?`,
    revokeBody:
      'Màn hình đang dùng mã này sẽ bị ngắt kết nối trong vài giây và không thể dùng lại mã. Thao tác không hoàn tác được.',
    revokeConfirm: 'Thu hồi mã',
    revoking: 'Đang thu hồi…',
    revoked: (n) => `Đã thu hồi mã “${n}”.`,
    empty: 'Chưa có mã hiển thị nào.',
  },
  audit: {
    heading: 'Nhật ký truy cập và thay đổi',
    filters: 'Lọc nhật ký',
    actor: 'Người thực hiện',
    actorPlaceholder: 'Tên đăng nhập',
    action: 'Hành động',
    allActions: 'Tất cả hành động',
    from: 'Từ',
    to: 'Đến',
    timeZoneNote: 'Giờ Việt Nam (UTC+7).',
    apply: 'Lọc',
    reset: 'Xóa bộ lọc',
    time: 'Thời gian',
    who: 'Người thực hiện',
    what: 'Hành động',
    target: 'Đối tượng',
    ip: 'Địa chỉ IP',
    changes: 'Thay đổi',
    details: 'Chi tiết',
    system: 'Hệ thống',
    anonymous: 'Chưa đăng nhập',
    more: 'Xem thêm',
    loadingMore: 'Đang tải thêm…',
    end: 'Đã hiển thị hết.',
    empty: 'Không có mục nào khớp bộ lọc.',
    shown: (n) => `${n} mục`,
    actionLabel: {
      'auth.login': 'Đăng nhập',
      'auth.login_failed': 'Đăng nhập thất bại',
      'auth.login_locked': 'Tạm khóa đăng nhập',
      'auth.logout': 'Đăng xuất',
      'user.create': 'Tạo tài khoản',
      'user.update': 'Sửa tài khoản',
      'display_token.create': 'Tạo mã màn hình',
      'display_token.revoke': 'Thu hồi mã màn hình',
      'sla.replace': 'Sửa bảng hạn xử lý',
      'outbox.retry': 'Gửi lại tin',
      'kpi_catalogue.create': 'Thêm chỉ số',
      'kpi_catalogue.update': 'Sửa chỉ số',
      'kpi_catalogue.delete': 'Xoá chỉ số',
    },
  },
  agencies: {
    heading: 'Đơn vị xử lý',
    readOnly:
      'Danh sách chỉ để xem: máy chủ chưa có chức năng thêm hoặc sửa đơn vị. Cần thay đổi, hãy báo nhóm kỹ thuật IOC.',
    id: 'Mã',
    name: 'Tên đơn vị',
    kind: 'Loại',
    ward: 'Phường, xã',
    phone: 'Điện thoại',
    count: (n) => `${n} đơn vị`,
    kindLabel: {
      ward_committee: 'UBND phường, xã',
      department: 'Sở, ngành',
      police: 'Công an',
      utility: 'Doanh nghiệp điện, nước',
      public_company: 'Doanh nghiệp công ích',
      public_service_unit: 'Đơn vị sự nghiệp',
    },
  },
  errors: {
    network: 'Không kết nối được máy chủ IOC. Kiểm tra mạng rồi thử lại.',
    unknown: 'Đã có lỗi xảy ra. Hãy thử lại; nếu lỗi còn, báo nhóm kỹ thuật IOC.',
    locked: (m) =>
      `Tài khoản tạm bị khóa vì đăng nhập sai quá nhiều lần. Hãy thử lại sau khoảng ${m} phút, hoặc liên hệ quản trị viên.`,
    byCode: {
      IOC_AUTH_INVALID: 'Sai tên đăng nhập hoặc mật khẩu.',
      IOC_AUTH_REQUIRED: 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.',
      IOC_AUTH_FORBIDDEN: 'Tài khoản của bạn không có quyền thực hiện thao tác này.',
      IOC_AUTH_CSRF: 'Phiên làm việc không hợp lệ. Hãy tải lại trang rồi thử lại.',
      IOC_AUTH_UNAVAILABLE: 'Dịch vụ đăng nhập tạm thời không sẵn sàng. Hãy thử lại sau ít phút.',
      IOC_RATE_LIMITED: 'Bạn thao tác quá nhanh. Hãy đợi một lát rồi thử lại.',
      IOC_AUTH_USERNAME_TAKEN: 'Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.',
      IOC_AUTH_LAST_ADMIN:
        'Đây là tài khoản Quản trị cuối cùng còn hoạt động. Hãy tạo hoặc kích hoạt một Quản trị khác trước.',
      IOC_AUTH_AGENCY_REQUIRED: 'Tài khoản Đơn vị xử lý phải chọn một đơn vị.',
      IOC_AUTH_AGENCY_UNKNOWN: 'Đơn vị đã chọn không còn trong hệ thống. Hãy tải lại trang.',
      IOC_AUTH_USER_NOT_FOUND: 'Không tìm thấy tài khoản này (có thể đã bị xóa). Hãy tải lại trang.',
      IOC_AUTH_TOKEN_NOT_FOUND: 'Không tìm thấy mã hiển thị này. Hãy tải lại trang.',
      IOC_REQUEST_INVALID: 'Dữ liệu nhập chưa hợp lệ. Hãy kiểm tra lại các ô.',
      IOC_NOT_FOUND: 'Không tìm thấy dữ liệu yêu cầu.',
      IOC_INTERNAL: 'Máy chủ gặp lỗi. Hãy thử lại; nếu lỗi còn, báo nhóm kỹ thuật IOC.',
      IOC_KPI_CATALOGUE_STALE:
        'Chỉ số vừa được người khác thay đổi (hoặc mã đã có). Danh mục đã được tải lại: hãy xem rồi sửa lại.',
      IOC_KPI_CATALOGUE_IN_USE:
        'Chỉ số đã có số liệu hoặc thuộc danh mục ban đầu: không xoá và không đổi đơn vị tính được, chỉ ngừng sử dụng.',
    },
  },
};

const en: ConsoleMessages = {
  locale: 'en-GB',
  otherLang: { lang: 'vi', label: 'Tiếng Việt', name: 'Chuyển sang tiếng Việt' },
  centre: 'Smart City Monitoring and Operations Centre — Huế City',
  console: 'Huế IOC',
  skipToContent: 'Skip to main content',
  signedInAs: (name, role) => `${name} · ${role}`,
  logout: 'Log out',
  loggingOut: 'Logging out…',
  home: 'Home',
  loading: 'Loading…',
  retry: 'Try again',
  cancel: 'Cancel',
  save: 'Save',
  saving: 'Saving…',
  close: 'Close',
  yes: 'Yes',
  no: 'No',
  none: '—',
  role: roleLabels('en'),
  login: {
    title: 'Log in',
    intro: 'For staff of the IOC and of the handling units.',
    username: 'Username',
    password: 'Password',
    submit: 'Log in',
    submitting: 'Logging in…',
    showPassword: 'Show password',
    hint: 'Forgot your password? Ask an IOC administrator to reset it.',
  },
  forbidden: {
    title: 'You do not have access to this page',
    body: (role) =>
      `Administration is for Administrator accounts only. Your account's role is “${role}”. Ask an IOC administrator if you need this access.`,
    back: 'Back to home',
    other: 'Log in with another account',
  },
  admin: {
    title: 'Administration',
    tabsLabel: 'Administration sections',
    tab: {
      users: 'Users',
      tokens: 'Display tokens',
      audit: 'Audit log',
      agencies: 'Agencies',
      sla: 'SLA deadlines',
      kpis: 'KPI catalogue',
      outbox: 'Outbox',
    },
  },
  users: {
    heading: 'Add a user',
    count: (n) => `${n} accounts`,
    username: 'Username',
    usernameHint: '3–64 characters: letters without accents, digits, dot, hyphen, underscore.',
    displayName: 'Full name',
    password: 'Password',
    passwordHint: 'At least 8 characters.',
    newPassword: 'Reset password',
    newPasswordHint: 'Leave empty to keep it. At least 8 characters.',
    roleLabel: 'Role',
    agency: 'Agency',
    agencyHint: 'Required for the Handling unit role.',
    chooseAgency: '— Choose an agency —',
    active: 'Status',
    activeYes: 'Active',
    activeNo: 'Locked',
    createdAt: 'Created',
    actions: 'Actions',
    create: 'Create account',
    creating: 'Creating…',
    created: (n) => `Account ${n} created.`,
    edit: 'Edit',
    editTitle: (n) => `Edit account ${n}`,
    activeCheckbox: 'May log in (active)',
    sessionsNote: 'Changing the role, agency, status or password logs this user out of every device at once.',
    saved: (n) => `Changes to ${n} saved.`,
    nothingChanged: 'Nothing has changed yet.',
    you: '(you)',
  },
  tokens: {
    heading: 'Issue a token for a new screen',
    intro:
      'Wall screens and metric scrapers use a display token instead of an account. Tokens can only read.',
    name: 'Screen name',
    namePlaceholder: 'e.g. Operations room video wall',
    create: 'Create token',
    creating: 'Creating…',
    onceTitle: 'New display token',
    onceWarning:
      'This token is shown ONCE. Copy it into the screen now; the server does not keep the token itself.',
    tokenLabel: 'Display token',
    wallUrlLabel: 'Address that opens the wall',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy — select it and copy by hand',
    done: 'I have stored it, close',
    hint: 'Ends with',
    createdAt: 'Created',
    lastUsed: 'Last used',
    neverUsed: 'Never',
    status: 'Status',
    statusActive: 'Valid',
    statusRevoked: (at) => `Revoked ${at}`,
    revoke: 'Revoke',
    revokeTitle: (n) => `Revoke “${n}”?`,
    revokeBody:
      'Screens using this token are disconnected within seconds and it cannot be used again. This cannot be undone.',
    revokeConfirm: 'Revoke token',
    revoking: 'Revoking…',
    revoked: (n) => `Token “${n}” revoked.`,
    empty: 'No display tokens yet.',
  },
  audit: {
    heading: 'Access and change log',
    filters: 'Filter the log',
    actor: 'Actor',
    actorPlaceholder: 'Username',
    action: 'Action',
    allActions: 'All actions',
    from: 'From',
    to: 'To',
    timeZoneNote: 'Vietnam time (UTC+7).',
    apply: 'Filter',
    reset: 'Clear filters',
    time: 'Time',
    who: 'Actor',
    what: 'Action',
    target: 'Target',
    ip: 'IP address',
    changes: 'Changes',
    details: 'Details',
    system: 'System',
    anonymous: 'Not logged in',
    more: 'Show more',
    loadingMore: 'Loading more…',
    end: 'That is everything.',
    empty: 'Nothing matches the filters.',
    shown: (n) => `${n} entries`,
    actionLabel: {
      'auth.login': 'Logged in',
      'auth.login_failed': 'Failed login',
      'auth.login_locked': 'Login locked',
      'auth.logout': 'Logged out',
      'user.create': 'Account created',
      'user.update': 'Account changed',
      'display_token.create': 'Display token created',
      'display_token.revoke': 'Display token revoked',
      'sla.replace': 'Deadline table changed',
      'outbox.retry': 'Message re-sent',
      'kpi_catalogue.create': 'Indicator added',
      'kpi_catalogue.update': 'Indicator changed',
      'kpi_catalogue.delete': 'Indicator deleted',
    },
  },
  agencies: {
    heading: 'Handling units',
    readOnly:
      'Read only: the server has no way to add or edit agencies yet. Ask the IOC engineering team for changes.',
    id: 'Id',
    name: 'Name',
    kind: 'Kind',
    ward: 'Ward / commune',
    phone: 'Phone',
    count: (n) => `${n} agencies`,
    kindLabel: {
      ward_committee: 'Ward / commune committee',
      department: 'Department',
      police: 'Police',
      utility: 'Utility',
      public_company: 'Public works company',
      public_service_unit: 'Public service unit',
    },
  },
  errors: {
    network: 'Cannot reach the IOC server. Check the network and try again.',
    unknown: 'Something went wrong. Try again; if it persists, tell the IOC engineering team.',
    locked: (m) =>
      `This account is locked for now after too many failed logins. Try again in about ${m} min, or ask an administrator.`,
    byCode: {
      IOC_AUTH_INVALID: 'Wrong username or password.',
      IOC_AUTH_REQUIRED: 'Your session has ended. Please log in again.',
      IOC_AUTH_FORBIDDEN: 'Your account may not do this.',
      IOC_AUTH_CSRF: 'This page’s session is no longer valid. Reload the page and try again.',
      IOC_AUTH_UNAVAILABLE: 'Login is unavailable for a moment. Try again shortly.',
      IOC_RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
      IOC_AUTH_USERNAME_TAKEN: 'That username is taken. Choose another.',
      IOC_AUTH_LAST_ADMIN:
        'This is the last active administrator. Make or activate another administrator first.',
      IOC_AUTH_AGENCY_REQUIRED: 'A Handling unit account needs an agency.',
      IOC_AUTH_AGENCY_UNKNOWN: 'That agency no longer exists. Reload the page.',
      IOC_AUTH_USER_NOT_FOUND: 'That account was not found. Reload the page.',
      IOC_AUTH_TOKEN_NOT_FOUND: 'That display token was not found. Reload the page.',
      IOC_REQUEST_INVALID: 'Some fields are not valid. Check them and try again.',
      IOC_NOT_FOUND: 'Not found.',
      IOC_INTERNAL: 'The server failed. Try again; if it persists, tell the IOC engineering team.',
      IOC_KPI_CATALOGUE_STALE:
        'Someone else just changed this indicator (or the id exists). The catalogue was reloaded: check it and edit again.',
      IOC_KPI_CATALOGUE_IN_USE:
        'This indicator has values or is one of the initial ones: it cannot be deleted or change its unit, only be deactivated.',
    },
  },
};

export const CONSOLE_MESSAGES: Readonly<Record<Lang, ConsoleMessages>> = { vi, en };

export function langFromUrl(url: URL): Lang {
  return url.searchParams.get('lang') === 'en' ? 'en' : 'vi';
}

/** A console path that keeps the chosen language. */
export function withLang(path: string, lang: Lang): string {
  if (lang === 'vi') return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=en`;
}

export function roleName(t: ConsoleMessages, role: string): string {
  return (t.role as Record<string, string>)[role] ?? role;
}

export function actionName(t: ConsoleMessages, action: string): string {
  return (t.audit.actionLabel as Record<string, string>)[action] ?? action;
}
