import { Type, type Static } from '@sinclair/typebox';
import './formats.ts';

/**
 * Every error code of the IOC, declared once (Fastify core's lib/errors.js is the model): the HTTP status
 * it answers with, a default message in English for logs and API clients, and the Vietnamese text the web
 * shows a person. Codes are `IOC_<AREA>_<WHAT>` (STYLE.md). The server creates errors only from this table
 * (ioc-server/src/errors.ts); streams' rejects and the /live acks use the same codes; the web looks up
 * `vi` by code. A code not in this table does not typecheck.
 */
export const ERROR_CATALOGUE = {
  // Requests in general (Fastify's own 400/404/413/415/431 answers are mapped onto these).
  IOC_REQUEST_INVALID: { status: 400, message: 'the request is not valid', vi: 'Yêu cầu không hợp lệ.' },
  IOC_REQUEST_TOO_LARGE: {
    status: 413,
    message: 'the request body is too large',
    vi: 'Dữ liệu gửi lên quá lớn.',
  },
  IOC_REQUEST_MEDIA_TYPE: {
    status: 415,
    message: 'this content type is not accepted here',
    vi: 'Định dạng dữ liệu không được hỗ trợ.',
  },
  IOC_REQUEST_URI_TOO_LONG: {
    status: 414,
    message: 'the request URL (or one of its path parameters) is too long',
    vi: 'Đường dẫn yêu cầu quá dài.',
  },
  IOC_REQUEST_METHOD: {
    status: 405,
    message: 'this method is not allowed here',
    vi: 'Phương thức không được phép.',
  },
  IOC_REQUEST_FORBIDDEN_PATH: {
    status: 403,
    message: 'this path may not be served',
    vi: 'Không được phép truy cập đường dẫn này.',
  },
  IOC_REQUEST_HEADERS_TOO_LARGE: {
    status: 431,
    message: 'the request headers are too large',
    vi: 'Tiêu đề yêu cầu quá lớn.',
  },
  IOC_NOT_FOUND: { status: 404, message: 'not found', vi: 'Không tìm thấy.' },
  IOC_RATE_LIMITED: {
    status: 429,
    message: 'too many requests',
    vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau.',
  },
  IOC_INTERNAL: { status: 500, message: 'internal error', vi: 'Lỗi hệ thống. Vui lòng thử lại.' },

  // Access (auth/).
  IOC_AUTH_REQUIRED: {
    status: 401,
    message: 'log in, or send a valid display token',
    vi: 'Vui lòng đăng nhập.',
  },
  IOC_AUTH_INVALID: {
    status: 401,
    message: 'wrong username or password',
    vi: 'Sai tên đăng nhập hoặc mật khẩu.',
  },
  IOC_AUTH_FORBIDDEN: {
    status: 403,
    message: 'not allowed for this role',
    vi: 'Bạn không có quyền thực hiện thao tác này.',
  },
  IOC_AUTH_CSRF: {
    status: 403,
    message: 'missing or wrong CSRF token, or a cross-site request',
    vi: 'Phiên làm việc không hợp lệ. Vui lòng tải lại trang.',
  },
  IOC_AUTH_LOCKED: {
    status: 429,
    message: 'too many failed logins: locked for a while',
    vi: 'Tài khoản tạm khoá do đăng nhập sai nhiều lần.',
  },
  IOC_AUTH_UNAVAILABLE: {
    status: 503,
    message: 'could not check the credentials; try again',
    vi: 'Không kiểm tra được thông tin đăng nhập, vui lòng thử lại.',
  },
  IOC_AUTH_USER_NOT_FOUND: { status: 404, message: 'no such user', vi: 'Không có tài khoản này.' },
  IOC_AUTH_USERNAME_TAKEN: {
    status: 409,
    message: 'this username is taken',
    vi: 'Tên đăng nhập đã được dùng.',
  },
  IOC_AUTH_LAST_ADMIN: {
    status: 409,
    message: 'the last active admin cannot be removed or demoted',
    vi: 'Không thể bỏ quyền quản trị viên cuối cùng.',
  },
  IOC_AUTH_AGENCY_REQUIRED: {
    status: 400,
    message: 'an agency account needs agencyId',
    vi: 'Tài khoản đơn vị cần chọn đơn vị xử lý.',
  },
  IOC_AUTH_AGENCY_UNKNOWN: { status: 400, message: 'no such agency', vi: 'Không có đơn vị này.' },
  IOC_AUTH_TOKEN_NOT_FOUND: {
    status: 404,
    message: 'no such display token',
    vi: 'Không có mã màn hình này.',
  },
  IOC_DEVICE_NOT_FOUND: { status: 404, message: 'no such device', vi: 'Không có thiết bị này.' },
  IOC_DEVICE_CREDENTIAL_NOT_FOUND: {
    status: 404,
    message: 'this device has no usable MQTT credential',
    vi: 'Thiết bị này chưa có thông tin đăng nhập MQTT còn hiệu lực.',
  },

  // Briefing (issue 13): the PDF needs the server's Chromium.
  IOC_BRIEFING_PDF_UNAVAILABLE: {
    status: 503,
    message: 'the PDF cannot be made: Chromium is not installed on the server (CHROMIUM_PATH)',
    vi: 'Máy chủ chưa cài Chromium nên chưa tạo được tệp PDF.',
  },

  // Ingest (streams' rejects: answered 400 on webhooks, 401 on signatures; kept in dead_letters).
  IOC_INGEST_NOT_CONFIGURED: {
    status: 503,
    message: 'no secret is configured for this source (INGEST_SECRET_*)',
    vi: 'Nguồn dữ liệu chưa được cấu hình.',
  },
  IOC_INGEST_SIGNATURE_MISSING: {
    status: 401,
    message: 'X-Timestamp and X-Signature are required',
    vi: 'Thiếu chữ ký.',
  },
  IOC_INGEST_SIGNATURE_INVALID: {
    status: 401,
    message: 'the signature does not match',
    vi: 'Chữ ký không đúng.',
  },
  IOC_INGEST_SIGNATURE_EXPIRED: {
    status: 401,
    message: 'the signature timestamp is too old or in the future',
    vi: 'Chữ ký đã hết hạn.',
  },
  IOC_INGEST_JSON: {
    status: 400,
    message: 'the body is not valid JSON',
    vi: 'Dữ liệu không phải JSON hợp lệ.',
  },
  IOC_INGEST_TOO_LARGE: { status: 400, message: 'the payload is too large', vi: 'Dữ liệu quá lớn.' },
  IOC_INGEST_SCHEMA: {
    status: 400,
    message: 'the payload does not match its schema',
    vi: 'Dữ liệu sai cấu trúc.',
  },
  IOC_INGEST_TIME: {
    status: 400,
    message: 'a timestamp is missing or out of range',
    vi: 'Thời gian không hợp lệ.',
  },
  IOC_INGEST_URL: { status: 400, message: 'a media URL is not valid', vi: 'Đường dẫn tệp không hợp lệ.' },
  IOC_INGEST_SCOPE: {
    status: 400,
    message: 'the KPI scope is not known',
    vi: 'Phạm vi chỉ số không hợp lệ.',
  },
  IOC_INGEST_OUT_OF_AREA: {
    status: 400,
    message: 'the position is outside Thành phố Huế',
    vi: 'Vị trí nằm ngoài địa bàn thành phố Huế.',
  },
  IOC_INGEST_PHONE: {
    status: 400,
    message: 'the phone number is not valid',
    vi: 'Số điện thoại không hợp lệ.',
  },
  IOC_INGEST_TOPIC: {
    status: 400,
    message: 'the MQTT topic is not one we read',
    vi: 'Chủ đề MQTT không hợp lệ.',
  },
  IOC_INGEST_DEVICE_ID: {
    status: 400,
    message: 'the device id is not valid',
    vi: 'Mã thiết bị không hợp lệ.',
  },
  IOC_INGEST_UNKNOWN_KIND: {
    status: 400,
    message: 'the sensor kind is not known',
    vi: 'Loại cảm biến không hợp lệ.',
  },
  IOC_INGEST_UNKNOWN_DEVICE: {
    status: 400,
    message: 'the device is not registered',
    vi: 'Thiết bị chưa đăng ký.',
  },
  IOC_INGEST_CSV: { status: 400, message: 'the CSV file cannot be read', vi: 'Không đọc được tệp CSV.' },
  IOC_INGEST_STORAGE: {
    status: 500,
    message: 'the message could not be stored',
    vi: 'Không lưu được dữ liệu.',
  },
  IOC_INGEST_CONTENT: {
    status: 400,
    message: 'the database refused the content of this message (kept as a dead letter)',
    vi: 'Nội dung dữ liệu không lưu được; đã giữ lại để kiểm tra.',
  },
  IOC_INGEST_UNAVAILABLE: {
    status: 503,
    message: 'storage is unavailable; retry later (see Retry-After)',
    vi: 'Hệ thống lưu trữ tạm thời không sẵn sàng. Vui lòng gửi lại sau.',
  },
  IOC_INGEST_UNKNOWN_KPI: {
    status: 400,
    message: 'the KPI id is not in the catalogue',
    vi: 'Chỉ số không có trong danh mục.',
  },
  IOC_INGEST_KPI_INACTIVE: {
    status: 400,
    message: 'this KPI is deactivated in the catalogue: its samples are not taken',
    vi: 'Chỉ số đã ngừng sử dụng trong danh mục.',
  },
  IOC_INGEST_KPI_RANGE: {
    status: 400,
    message: "the value (or target) is outside its unit's range (a share 0–100, a whole count ≥ 0)",
    vi: 'Giá trị chỉ số nằm ngoài khoảng cho phép của đơn vị tính.',
  },

  // The incident workflow (issue 12).
  IOC_INCIDENT_NOT_FOUND: {
    status: 404,
    message: 'no such incident',
    vi: 'Không tìm thấy phản ánh.',
  },
  IOC_INCIDENT_STALE: {
    status: 409,
    message: 'the incident changed since you loaded it (see details: current version and what changed)',
    vi: 'Phản ánh vừa được người khác cập nhật. Vui lòng xem lại thay đổi.',
  },
  IOC_INCIDENT_TRANSITION: {
    status: 409,
    message: 'the state table does not allow this change (see details: the allowed ones)',
    vi: 'Không thể chuyển sang trạng thái này.',
  },
  IOC_INCIDENT_REQUIREMENT: {
    status: 400,
    message: 'this change needs more (see details: what is missing)',
    vi: 'Thiếu thông tin bắt buộc (lý do, đơn vị, hạn xử lý hoặc nội dung trả lời).',
  },
  IOC_INCIDENT_AGENCY_UNKNOWN: {
    status: 400,
    message: 'no such agency',
    vi: 'Không có đơn vị xử lý này.',
  },
  IOC_INCIDENT_MERGE: {
    status: 409,
    message: 'these incidents cannot be merged or split that way',
    vi: 'Không thể gộp hoặc tách phản ánh như vậy.',
  },
  IOC_ATTACHMENT_INVALID: {
    status: 400,
    message: 'the file is not an accepted image or document, or is larger than allowed',
    vi: 'Tệp không đúng định dạng cho phép hoặc quá lớn.',
  },
  IOC_ATTACHMENT_NOT_FOUND: {
    status: 404,
    message: 'no such attachment',
    vi: 'Không tìm thấy tệp đính kèm.',
  },

  // The KPI catalogue (issue 13): indicators an admin defines.
  IOC_KPI_CATALOGUE_STALE: {
    status: 409,
    message: 'the catalogue entry changed since you loaded it, or already exists (see details: current)',
    vi: 'Chỉ số vừa được người khác thay đổi (hoặc đã có). Vui lòng tải lại.',
  },
  IOC_KPI_CATALOGUE_IN_USE: {
    status: 409,
    message: 'this indicator has samples: its unit cannot change and it cannot be deleted (deactivate it)',
    vi: 'Chỉ số đã có số liệu: không đổi được đơn vị tính và không xoá được, chỉ ngừng sử dụng.',
  },

  // The outbox (issue 12): messages to citizens and units.
  IOC_OUTBOX_NOT_FOUND: { status: 404, message: 'no such outbox message', vi: 'Không có tin nhắn này.' },
  IOC_OUTBOX_NOT_RETRYABLE: {
    status: 409,
    message: 'only failed, dead or held messages can be sent again',
    vi: 'Chỉ gửi lại được tin bị từ chối, gửi không thành công hoặc đang tạm giữ.',
  },

  // Open311 GeoReport v2 (issue 14): answered as [{"code": <HTTP status>, "description": "<IOC code>: …"}].
  IOC_OPEN311_API_KEY: {
    status: 403,
    message: 'api_key is missing or not valid (INGEST_SECRET_OPEN311)',
    vi: 'Khoá API không hợp lệ.',
  },
  IOC_OPEN311_JURISDICTION: {
    status: 404,
    message: 'jurisdiction_id is not served here',
    vi: 'Không phục vụ đơn vị hành chính này.',
  },
  IOC_OPEN311_SERVICE: { status: 404, message: 'no such service_code', vi: 'Không có loại phản ánh này.' },
  IOC_OPEN311_LOCATION: {
    status: 400,
    message: 'a location is required: lat and long, or address_string',
    vi: 'Cần vị trí: toạ độ hoặc địa chỉ.',
  },
  IOC_OPEN311_ATTRIBUTE: {
    status: 400,
    message: 'an attribute is missing or not valid for this service (see its service definition)',
    vi: 'Thông tin bổ sung thiếu hoặc không hợp lệ.',
  },
  IOC_OPEN311_TOKEN_NOT_FOUND: { status: 404, message: 'no such token', vi: 'Không có mã tra cứu này.' },
  IOC_OPEN311_UPDATE: {
    status: 400,
    message: 'this update cannot be applied to the request in its present state (see the description)',
    vi: 'Không cập nhật được phản ánh ở trạng thái hiện tại.',
  },

  // Open data (issue 14): /open-data/ files and their background exports.
  IOC_OPEN_DATA_RANGE: {
    status: 400,
    message: 'from/to must be days or date-times (from not after to)',
    vi: 'Khoảng thời gian không hợp lệ (từ ngày phải trước hoặc bằng đến ngày).',
  },
  IOC_OPEN_DATA_RANGE_TOO_LARGE: {
    status: 422,
    message: 'this range is too large for a direct download: start an export (POST /open-data/exports)',
    vi: 'Khoảng thời gian quá dài để tải trực tiếp; vui lòng tạo yêu cầu xuất dữ liệu.',
  },
  IOC_OPEN_DATA_FORMAT: {
    status: 400,
    message: 'this dataset is not offered in that format',
    vi: 'Bộ dữ liệu không có định dạng này.',
  },
  IOC_OPEN_DATA_BUSY: {
    status: 503,
    message: 'too many open-data downloads or exports in progress; retry later (see Retry-After)',
    vi: 'Hệ thống đang bận xuất dữ liệu, vui lòng thử lại sau.',
  },
  IOC_OPEN_DATA_EXPORT_NOT_FOUND: {
    status: 404,
    message: 'no such export (or it has expired)',
    vi: 'Không tìm thấy yêu cầu xuất dữ liệu (hoặc tệp đã hết hạn).',
  },
  IOC_OPEN_DATA_EXPORT_NOT_READY: {
    status: 409,
    message: 'the export is not done (see details: its state)',
    vi: 'Tệp xuất dữ liệu chưa sẵn sàng.',
  },

  // /live (socket.io: handshake errors and command acks).
  IOC_LIVE_PROTOCOL: {
    status: 400,
    message: 'unsupported /live protocol version',
    vi: 'Phiên bản giao thức không được hỗ trợ. Vui lòng tải lại trang.',
  },
  IOC_LIVE_ENCODING: { status: 400, message: 'unknown /live encoding', vi: 'Kiểu mã hoá không được hỗ trợ.' },
  IOC_LIVE_BAD_REQUEST: { status: 400, message: 'the /live command is not valid', vi: 'Lệnh không hợp lệ.' },
  IOC_LIVE_RATE_LIMITED: {
    status: 429,
    message: 'too many /live commands on this connection; retry later',
    vi: 'Quá nhiều yêu cầu trên kết nối này, vui lòng thử lại sau.',
  },

  // CAP 1.2 in and out (issue 14): inbound documents refused before or while parsing, each kept as a dead letter.
  IOC_CAP_TOO_LARGE: {
    status: 413,
    message: 'the CAP document is larger than the limit',
    vi: 'Bản tin cảnh báo CAP quá lớn.',
  },
  IOC_CAP_DOCTYPE: {
    status: 400,
    message: 'DOCTYPE and ENTITY declarations are not accepted in CAP documents',
    vi: 'Bản tin CAP chứa khai báo DOCTYPE/ENTITY, không được chấp nhận.',
  },
  IOC_CAP_TOO_DEEP: {
    status: 400,
    message: 'the XML is nested deeper than a CAP document can be',
    vi: 'Bản tin CAP lồng nhau quá sâu.',
  },
  IOC_CAP_XML: {
    status: 400,
    message: 'the body is not well-formed UTF-8 XML',
    vi: 'Bản tin CAP không phải XML hợp lệ.',
  },
  IOC_CAP_ROOT: {
    status: 400,
    message: 'the root element is not a CAP 1.1 or 1.2 <alert> (or an Atom/RSS feed where a feed is read)',
    vi: 'Tài liệu không phải bản tin cảnh báo CAP 1.1/1.2.',
  },
  IOC_CAP_SCHEMA: {
    status: 400,
    message: 'the CAP document does not follow the CAP schema (see details)',
    vi: 'Bản tin CAP không đúng lược đồ CAP.',
  },
  IOC_CAP_NOT_FOUND: { status: 404, message: 'no such CAP message', vi: 'Không tìm thấy bản tin cảnh báo.' },
  IOC_CAP_NOTHING_TO_PUBLISH: {
    status: 409,
    message: 'there is nothing in alarm to publish: the device is not in alarm, or the case is closed',
    vi: 'Không có cảnh báo nào để phát hành (thiết bị không ở mức báo động hoặc phản ánh đã đóng).',
  },
  IOC_CAP_CANCELLED: {
    status: 409,
    message: 'this CAP alert is already cancelled',
    vi: 'Cảnh báo này đã được hủy.',
  },

  // Start-up (not sent to clients; named here so the code is declared once).
  IOC_MQTT_PORT_IN_USE: {
    status: 500,
    message: 'the MQTT port is already in use',
    vi: 'Cổng MQTT đang bị chiếm.',
  },
} as const satisfies Record<string, { status: number; message: string; vi: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);

/** The one error shape of every REST answer (ARCHITECTURE.md "REST"): never a stack trace. */
export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description: 'IOC_<AREA>_<WHAT>, from the error catalogue',
        pattern: '^IOC_[A-Z0-9_]+$',
      }),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { description: 'An error: its catalogue code, a message safe to show, and details' },
);
export type ErrorBody = Static<typeof ErrorBodySchema>;

/** The same shape on /live: the `error` of a refused handshake (`connect_error.data`) or command ack. */
export type LiveError = ErrorBody['error'];

/** The Vietnamese text for a code, for people; the server's message for a code it does not know. */
export function errorTextVi(code: string, fallback: string): string {
  return isErrorCode(code) ? ERROR_CATALOGUE[code].vi : fallback;
}
