import { Type, type Static } from '@sinclair/typebox';
import { CATEGORY_CODES, CATEGORY_LABELS, type CategoryCode } from '@hue-ioc/layers';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2, "POST Service Request") as a source of reports:
 * the form fields of `POST /open311/v2/requests.json`, after the server has decoded the
 * application/x-www-form-urlencoded body into a null-prototype object of strings (`attribute[code]` and
 * `attribute[code][]` gathered into `attributes`). Unknown fields are refused, as for Hue-S, so a client that
 * sends something we would silently drop shows up in the dead letters.
 */
const Field = (maxLength: number) => Type.String({ maxLength });

export const Open311FormSchema = Type.Object(
  {
    api_key: Field(200),
    jurisdiction_id: Type.Optional(Field(200)),
    service_code: Field(64),
    lat: Type.Optional(Field(40)),
    long: Type.Optional(Field(40)),
    address_string: Type.Optional(Field(300)),
    address_id: Type.Optional(Field(120)),
    email: Type.Optional(Field(254)),
    device_id: Type.Optional(Field(120)),
    account_id: Type.Optional(Field(120)),
    first_name: Type.Optional(Field(80)),
    last_name: Type.Optional(Field(80)),
    phone: Type.Optional(Field(40)),
    description: Type.Optional(Field(4000)),
    media_url: Type.Optional(Field(2048)),
    attributes: Type.Record(
      Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
      Type.Array(Field(200), { maxItems: 20 }),
      {
        maxProperties: 20,
      },
    ),
  },
  { additionalProperties: false },
);
export type Open311Form = Static<typeof Open311FormSchema>;

/** An attribute of a service definition (GeoReport v2 "GET Service Definition"). */
export interface Open311Attribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  /** The question, Vietnamese first (the client shows it). */
  description: string;
  datatype_description: string;
  order: number;
  values?: readonly { key: string; name: string }[];
  /** How the answer is written into the report's text for the unit, e.g. "Độ sâu ngập (cm): 40". */
  label: string;
}

export interface Open311ServiceSpec {
  code: CategoryCode;
  group: string;
  keywords: readonly string[];
  /** Vietnamese: what the citizen reports under this service. */
  description: string;
  attributes: readonly Open311Attribute[];
}

const URGENT: Open311Attribute = {
  code: 'khan_cap',
  datatype: 'singlevaluelist',
  required: false,
  description: 'Có nguy hiểm trước mắt cho người hoặc tài sản không? (Is anyone or anything in danger now?)',
  datatype_description: 'co: có, khẩn cấp; khong: không',
  order: 1,
  values: [
    { key: 'co', name: 'Có, khẩn cấp' },
    { key: 'khong', name: 'Không' },
  ],
  label: 'Khẩn cấp',
};

/**
 * Our categories as Open311 services (service_code = the category code, a contract: layers/src/category.ts).
 * `group` gathers them as the city's portal does; the attributes are the few questions that change how a case
 * is handled (an urgent flood or a pothole's kind), not a form to fill in.
 */
export const OPEN311_SERVICES: readonly Open311ServiceSpec[] = [
  {
    code: 'urban_order',
    group: 'Đô thị',
    keywords: ['lấn chiếm vỉa hè', 'xây dựng trái phép', 'quảng cáo', 'trật tự đô thị'],
    description: 'Lấn chiếm vỉa hè, lòng đường; xây dựng không phép; biển quảng cáo sai quy định.',
    attributes: [],
  },
  {
    code: 'environment',
    group: 'Môi trường',
    keywords: ['rác thải', 'ô nhiễm', 'xả thải', 'cây xanh'],
    description: 'Rác thải không được thu gom, đổ trộm phế thải, ô nhiễm không khí, nước, tiếng ồn.',
    attributes: [],
  },
  {
    code: 'roads',
    group: 'Hạ tầng',
    keywords: ['ổ gà', 'sụt lún', 'vỉa hè hư hỏng', 'mặt đường'],
    description: 'Hư hỏng mặt đường, vỉa hè, cầu; ổ gà, sụt lún, nắp hố ga mất hoặc vỡ.',
    attributes: [
      {
        code: 'loai_hu_hong',
        datatype: 'singlevaluelist',
        required: false,
        description: 'Loại hư hỏng (kind of damage)',
        datatype_description: 'Chọn một',
        order: 1,
        values: [
          { key: 'o_ga', name: 'Ổ gà' },
          { key: 'sut_lun', name: 'Sụt lún' },
          { key: 'via_he', name: 'Vỉa hè hư hỏng' },
          { key: 'nap_ho_ga', name: 'Nắp hố ga mất hoặc vỡ' },
          { key: 'khac', name: 'Khác' },
        ],
        label: 'Loại hư hỏng',
      },
    ],
  },
  {
    code: 'lighting',
    group: 'Hạ tầng',
    keywords: ['đèn đường', 'chiếu sáng', 'mất điện', 'cột điện'],
    description: 'Đèn đường không sáng, cột điện nghiêng đổ, dây điện võng, mất điện.',
    attributes: [
      {
        code: 'ma_cot_den',
        datatype: 'string',
        required: false,
        description: 'Số hiệu ghi trên cột đèn, nếu có (the number painted on the pole)',
        datatype_description: 'Ví dụ: TH-0123',
        order: 1,
        label: 'Số hiệu cột đèn',
      },
    ],
  },
  {
    code: 'drainage',
    group: 'Hạ tầng',
    keywords: ['ngập úng', 'ngập lụt', 'cống', 'thoát nước'],
    description: 'Ngập úng, tắc cống, hố ga bốc mùi, nước thải tràn.',
    attributes: [
      { ...URGENT, order: 1 },
      {
        code: 'do_sau_cm',
        datatype: 'number',
        required: false,
        description: 'Độ sâu ngập ước tính, cm (estimated depth of the water)',
        datatype_description: 'Số nguyên từ 0 đến 500',
        order: 2,
        label: 'Độ sâu ngập (cm)',
      },
    ],
  },
  {
    code: 'traffic',
    group: 'Giao thông',
    keywords: ['đèn tín hiệu', 'biển báo', 'tai nạn', 'ùn tắc'],
    description: 'Đèn tín hiệu hỏng, biển báo mất, điểm thường xảy ra tai nạn hoặc ùn tắc.',
    attributes: [],
  },
  {
    code: 'security',
    group: 'An ninh',
    keywords: ['an ninh', 'trật tự', 'gây rối', 'trộm cắp'],
    description: 'Gây rối trật tự công cộng, tụ tập đua xe, các việc cần công an xem xét.',
    attributes: [{ ...URGENT, order: 1 }],
  },
  {
    code: 'food_safety',
    group: 'Y tế',
    keywords: ['an toàn thực phẩm', 'ngộ độc', 'hàng giả', 'người tiêu dùng'],
    description: 'Thực phẩm không an toàn, ngộ độc, hàng giả, hàng kém chất lượng.',
    attributes: [],
  },
  {
    code: 'public_services',
    group: 'Hành chính',
    keywords: ['thủ tục hành chính', 'dịch vụ công', 'một cửa'],
    description: 'Góp ý, phản ánh về thủ tục hành chính và dịch vụ công.',
    attributes: [],
  },
  {
    code: 'heritage_tourism',
    group: 'Văn hóa, du lịch',
    keywords: ['di tích', 'du lịch', 'Đại Nội', 'lăng tẩm'],
    description: 'Di tích xuống cấp, vi phạm trong khu di tích, dịch vụ du lịch.',
    attributes: [],
  },
  {
    code: 'other',
    group: 'Khác',
    keywords: ['khác'],
    description: 'Các phản ánh khác.',
    attributes: [],
  },
];

// Every category is a service, in the contract's order (a new category without a service fails here).
if (OPEN311_SERVICES.map((s) => s.code).join() !== CATEGORY_CODES.join())
  throw new Error('OPEN311_SERVICES must list every category code, in order');

/** The service of a code, or undefined (an unknown service_code). */
export function open311Service(code: string): Open311ServiceSpec | undefined {
  return OPEN311_SERVICES.find((s) => s.code === code);
}

/** The service's name as clients show it: the category's Vietnamese label. */
export const open311ServiceName = (code: CategoryCode): string => CATEGORY_LABELS[code].vi;
