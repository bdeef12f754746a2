import type { CategoryCode } from '../incidents/taxonomy.ts';
import type { Place } from './places.ts';
import { intBetween, pick, type Rand } from './random.ts';

/* ---------------------------------------------------------------- people */

// Common family names, with Huế's own (Tôn Nữ, Nguyễn Phước: descendants of the Nguyễn dynasty).
const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Phan',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Trương',
  'Huỳnh',
];
const MALE_MIDDLE = ['Văn', 'Đức', 'Minh', 'Hữu', 'Quang', 'Thanh', 'Công', 'Đình'];
const FEMALE_MIDDLE = ['Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh', 'Bảo'];
const MALE_GIVEN = [
  'An',
  'Bình',
  'Dũng',
  'Hải',
  'Hùng',
  'Khánh',
  'Long',
  'Minh',
  'Nam',
  'Phong',
  'Quân',
  'Sơn',
  'Trung',
  'Tuấn',
  'Vinh',
  'Lộc',
  'Thắng',
  'Tài',
];
const FEMALE_GIVEN = [
  'Hà',
  'Hằng',
  'Hoa',
  'Lan',
  'Linh',
  'Mai',
  'Nga',
  'Phương',
  'Quỳnh',
  'Thảo',
  'Thủy',
  'Trang',
  'Vy',
  'Yến',
  'Hương',
  'Nhung',
  'Diệu',
];

/** A Vietnamese full name: family, middle and given name, the middle name matching the given one's gender. */
export function vietnameseName(rand: Rand): string {
  const female = rand() < 0.5;
  if (female && rand() < 0.12)
    return `Tôn Nữ ${pick(
      rand,
      FEMALE_MIDDLE.filter((m) => m !== 'Thị'),
    )} ${pick(rand, FEMALE_GIVEN)}`;
  const family = rand() < 0.05 ? 'Nguyễn Phước' : pick(rand, FAMILY);
  return female
    ? `${family} ${pick(rand, FEMALE_MIDDLE)} ${pick(rand, FEMALE_GIVEN)}`
    : `${family} ${pick(rand, MALE_MIDDLE)} ${pick(rand, MALE_GIVEN)}`;
}

// Mobile prefixes since the 2018 renumbering: 09x, 08x, 03x (Viettel, VinaPhone, MobiFone).
const MOBILE_PREFIXES = [
  '090',
  '091',
  '093',
  '094',
  '096',
  '097',
  '098',
  '081',
  '083',
  '084',
  '085',
  '086',
  '088',
  '089',
  '032',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '039',
];

/** A Vietnamese mobile number as people type it: "0905123456" or "0905 123 456". */
export function vietnameseMobile(rand: Rand): string {
  const prefix = pick(rand, MOBILE_PREFIXES);
  const rest = String(intBetween(rand, 0, 9_999_999)).padStart(7, '0');
  return rand() < 0.7 ? `${prefix}${rest}` : `${prefix}${rest[0]} ${rest.slice(1, 4)} ${rest.slice(4)}`;
}

/** Hotline agents (điện thoại viên, ĐTV) of Tổng đài 19001075. */
export function hotlineAgent(rand: Rand): string {
  return `ĐTV${String(intBetween(rand, 1, 12)).padStart(2, '0')}`;
}

/* ---------------------------------------------------------------- report texts */

/**
 * Placeholders: {dia_chi} the local address ("số 45 Lê Lợi"), {duong} a street ("đường Lê Lợi", or the local
 * address where the ward has no street list), {gan} a landmark, {cm} a water depth.
 * Every template is checked (texts.spec.ts) to classify to its own category by `classifyCategory`, so a hotline
 * ticket without a category still lands where it should.
 */
interface Template {
  title: string;
  text: string;
}

const ORDINARY: Readonly<Record<CategoryCode, readonly Template[]>> = {
  environment: [
    {
      title: 'Rác thải chưa được thu gom',
      text: 'Rác thải sinh hoạt tập kết tràn ra lòng đường tại {dia_chi} mấy ngày nay chưa được thu gom, bốc mùi hôi thối.',
    },
    {
      title: 'Đổ rác trộm ra bờ sông',
      text: 'Có người thường xuyên đổ rác trộm xuống bờ sông gần {dia_chi}, gây ô nhiễm môi trường.',
    },
    {
      title: 'Đốt rác gây khói bụi',
      text: 'Hộ dân ở {dia_chi} đốt rác vào buổi chiều, khói bụi ảnh hưởng đến các hộ xung quanh.',
    },
    {
      title: 'Cây xanh có nhánh khô sắp gãy',
      text: 'Cây xanh trên vỉa hè {dia_chi} có nhánh khô lớn sắp gãy, nguy hiểm cho người đi đường.',
    },
    {
      title: 'Tiếng ồn karaoke',
      text: 'Quán karaoke tại {dia_chi} mở nhạc lớn sau 22 giờ, gây tiếng ồn ảnh hưởng khu dân cư.',
    },
  ],
  urban_order: [
    {
      title: 'Lấn chiếm vỉa hè',
      text: 'Nhiều hộ kinh doanh lấn chiếm vỉa hè tại {dia_chi} để bày bán hàng hóa, người đi bộ phải đi xuống lòng đường.',
    },
    {
      title: 'Xây dựng không phép',
      text: 'Công trình tại {dia_chi} đang xây dựng không phép, để vật liệu xây dựng tràn ra đường.',
    },
    {
      title: 'Biển quảng cáo trái phép',
      text: 'Biển quảng cáo dựng trái phép trên vỉa hè {dia_chi}, che khuất tầm nhìn.',
    },
    {
      title: 'Hàng rong trước {gan}',
      text: 'Hàng rong buôn bán vỉa hè trước {gan}, gây mất trật tự đô thị.',
    },
  ],
  roads: [
    {
      title: 'Ổ gà trên {duong}',
      text: 'Mặt đường {duong} đoạn gần {gan} xuất hiện nhiều ổ gà lớn, xe máy đi qua rất nguy hiểm.',
    },
    {
      title: 'Vỉa hè hư hỏng',
      text: 'Vỉa hè tại {dia_chi} bị hư hỏng, gạch vỉa hè bong tróc gây vấp ngã cho người đi bộ.',
    },
    {
      title: 'Sụt lún mặt đường',
      text: 'Đoạn {duong} gần {dia_chi} bị sụt lún sau đợt mưa, có hố sâu giữa đường.',
    },
    { title: 'Lan can bị gãy', text: 'Lan can cầu bộ hành gần {gan} bị gãy một đoạn, đề nghị sửa chữa.' },
  ],
  lighting: [
    {
      title: 'Đèn đường không sáng',
      text: 'Hệ thống đèn đường trên {duong} đoạn gần {gan} không sáng mấy đêm nay, rất tối.',
    },
    {
      title: 'Dây điện võng thấp',
      text: 'Dây điện bị võng thấp, lòa xòa trước {dia_chi}, nguy hiểm cho người đi đường.',
    },
    {
      title: 'Mất điện kéo dài',
      text: 'Khu vực {dia_chi} bị mất điện từ chiều đến giờ chưa có điện trở lại.',
    },
    {
      title: 'Bóng đèn chiếu sáng hỏng',
      text: 'Bóng đèn chiếu sáng công cộng ở {dia_chi} bị hỏng đã lâu, đề nghị thay mới.',
    },
  ],
  drainage: [
    {
      title: 'Cống thoát nước bị tắc',
      text: 'Cống thoát nước tại {dia_chi} bị tắc, nước đọng lâu ngày bốc mùi.',
    },
    { title: 'Nắp hố ga bị vỡ', text: 'Nắp hố ga trên {duong} gần {gan} bị vỡ, rất nguy hiểm cho xe cộ.' },
    {
      title: 'Đường ngập sau mưa',
      text: 'Mưa lớn làm {duong} ngập sâu khoảng {cm} cm, nước không thoát được.',
    },
    {
      title: 'Nước thải tràn ra đường',
      text: 'Nước thải từ nhà hàng tràn ra đường tại {dia_chi}, đề nghị kiểm tra.',
    },
  ],
  traffic: [
    {
      title: 'Đỗ xe sai quy định',
      text: 'Ô tô đỗ xe sai quy định hai bên {duong}, gây ùn tắc vào giờ cao điểm.',
    },
    {
      title: 'Đèn tín hiệu không hoạt động',
      text: 'Đèn tín hiệu giao thông tại ngã tư gần {gan} không hoạt động, xe cộ đi lại lộn xộn.',
    },
    {
      title: 'Đua xe ban đêm',
      text: 'Thanh niên thường xuyên đua xe, lạng lách trên {duong} vào ban đêm, gây mất an toàn giao thông.',
    },
    {
      title: 'Biển báo bị che khuất',
      text: 'Biển báo giao thông tại {dia_chi} bị che khuất, người đi đường không nhìn thấy.',
    },
  ],
  security: [
    { title: 'Tụ tập gây rối', text: 'Có nhóm đối tượng tụ tập gây rối trước {dia_chi} lúc khuya.' },
    {
      title: 'Trộm cắp xe máy',
      text: 'Khu vực {dia_chi} liên tục xảy ra trộm cắp xe máy, đề nghị tăng cường tuần tra.',
    },
    {
      title: 'Nghi tụ điểm cờ bạc',
      text: 'Nghi có tụ điểm cờ bạc tại {dia_chi}, người lạ ra vào thường xuyên.',
    },
  ],
  food_safety: [
    {
      title: 'Mất vệ sinh an toàn thực phẩm',
      text: 'Cơ sở bán đồ ăn sáng tại {dia_chi} không đảm bảo vệ sinh an toàn thực phẩm.',
    },
    { title: 'Bán hàng hết hạn', text: 'Cửa hàng tạp hóa ở {dia_chi} bán hàng hết hạn sử dụng.' },
    {
      title: 'Nghi ngộ độc thực phẩm',
      text: 'Gia đình tôi nghi bị ngộ độc thực phẩm sau khi ăn cơm hến mua ở {dia_chi}.',
    },
  ],
  public_services: [
    {
      title: 'Giải quyết hồ sơ chậm',
      text: 'Bộ phận một cửa {phuong_xa} giải quyết hồ sơ chậm so với giấy hẹn.',
    },
    {
      title: 'Dịch vụ công trực tuyến quá hạn',
      text: 'Tôi nộp hồ sơ trên cổng dịch vụ công đã quá hạn nhưng chưa nhận được kết quả.',
    },
  ],
  heritage_tourism: [
    { title: 'Chèo kéo khách du lịch', text: 'Có người chèo kéo, đeo bám khách du lịch gần {gan}.' },
    {
      title: 'Di tích xuống cấp',
      text: 'Di tích gần {dia_chi} đang xuống cấp, cây mọc trên tường, đề nghị kiểm tra.',
    },
  ],
  other: [
    { title: 'Chó thả rông', text: 'Chó thả rông không rọ mõm trên {duong}, nhiều người đi bộ lo ngại.' },
    { title: 'Góp ý chung', text: 'Đề nghị bố trí thêm ghế ngồi cho người già gần {gan}.' },
  ],
};

/** Matters for the immediate process (QĐ 30/2022): what Hue-S takes from 00:00 to 07:30. */
const URGENT: Readonly<Partial<Record<CategoryCode, readonly Template[]>>> = {
  security: [
    {
      title: 'Hỏa hoạn',
      text: 'Xảy ra hỏa hoạn tại nhà dân ở {dia_chi}, đề nghị lực lượng chức năng đến ngay.',
    },
    { title: 'Đánh nhau', text: 'Đang có đánh nhau, gây rối trước {dia_chi}, cần công an hỗ trợ gấp.' },
  ],
  traffic: [
    {
      title: 'Tai nạn giao thông',
      text: 'Xảy ra tai nạn giao thông giữa xe máy và ô tô tại {dia_chi}, có người bị thương.',
    },
    { title: 'Va chạm giao thông', text: 'Va chạm giao thông trên {duong} gần {gan}, xe nằm giữa đường.' },
  ],
  lighting: [
    {
      title: 'Dây điện bị đứt',
      text: 'Dây điện bị đứt rơi xuống đường tại {dia_chi}, có tia lửa, rất nguy hiểm.',
    },
  ],
  environment: [
    { title: 'Cây xanh gãy đổ', text: 'Cây xanh bị gãy đổ chắn ngang {duong} gần {dia_chi}, cần xử lý gấp.' },
  ],
  drainage: [
    { title: 'Ngập sâu', text: 'Nước dâng nhanh, {duong} ngập sâu khoảng {cm} cm, xe không qua được.' },
  ],
  roads: [
    {
      title: 'Hố sụt giữa đường',
      text: 'Xuất hiện hố sụt lún lớn giữa {duong} gần {dia_chi}, rất nguy hiểm.',
    },
  ],
};

/** A flood's reports: homes and streets under water, people to move (drainage: thoát nước, ngập úng). */
const FLOOD: readonly Template[] = [
  {
    title: 'Nhà dân bị ngập',
    text: 'Nước sông dâng cao, nhà dân ở {dia_chi} bị ngập nước khoảng {cm} cm, cần hỗ trợ di dời đồ đạc.',
  },
  { title: 'Đường ngập sâu', text: '{duong_hoa} ngập sâu hơn nửa mét, xe máy không thể qua lại.' },
  { title: 'Khu dân cư ngập úng', text: 'Khu dân cư {dia_chi} ngập úng, có hộ người già cần hỗ trợ sơ tán.' },
  { title: 'Ngập nước diện rộng', text: 'Ngập nước diện rộng quanh {gan}, nước vẫn đang lên.' },
];

export type TemplateSet = 'ordinary' | 'urgent' | 'flood';

/** Categories with templates for urgent matters. */
export const URGENT_CATEGORIES = Object.keys(URGENT) as CategoryCode[];

export interface ReportText {
  title: string;
  text: string;
}

/** A title and description for a report of `category` at `place`. */
export function reportText(category: CategoryCode, set: TemplateSet, place: Place, rand: Rand): ReportText {
  const templates =
    set === 'flood'
      ? FLOOD
      : set === 'urgent'
        ? (URGENT[category] ?? ORDINARY[category])
        : ORDINARY[category];
  const t = pick(rand, templates);
  const street = place.street
    ? `đường ${place.street}`
    : place.ward.startsWith('xã')
      ? 'đường liên thôn'
      : 'đường nội bộ khu dân cư';
  const vars: Record<string, string> = {
    dia_chi: place.local,
    duong: street,
    duong_hoa: street.charAt(0).toUpperCase() + street.slice(1),
    gan: place.landmark,
    cm: String(intBetween(rand, 3, 12) * 10),
    phuong_xa: `UBND ${place.ward}`,
  };
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
  return { title: fill(t.title), text: fill(t.text) };
}

/** Every template of every set, for tests. */
export function allTemplates(): { category: CategoryCode; set: TemplateSet; template: Template }[] {
  const out: { category: CategoryCode; set: TemplateSet; template: Template }[] = [];
  for (const [category, list] of Object.entries(ORDINARY) as [CategoryCode, readonly Template[]][])
    for (const template of list) out.push({ category, set: 'ordinary', template });
  for (const [category, list] of Object.entries(URGENT) as [CategoryCode, readonly Template[]][])
    for (const template of list) out.push({ category, set: 'urgent', template });
  for (const template of FLOOD) out.push({ category: 'drainage', set: 'flood', template });
  return out;
}

/** What a hotline agent types before the caller's words. */
export function hotlineSummary(text: string, rand: Rand): string {
  const lead = pick(rand, [
    'Người dân gọi báo: ',
    'Công dân phản ánh qua tổng đài: ',
    'Người gọi cho biết: ',
    '',
  ]);
  return lead === '' ? text : `${lead}${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}
