import type { CategoryCode } from './taxonomy.ts';

/**
 * Templates for the public reply (the unit's answer the citizen reads in Hue-S), per category, in the
 * register Huế's IOC uses on Hue-S ("Cảm ơn Quý công dân đã phản ánh…"). `{dia_chi}` and `{ngay}` are filled
 * by the console from the case (its address, today's date); the unit edits the text before it publishes.
 * `*` templates fit every category.
 */
export interface ResponseTemplateSeed {
  id: string;
  category: CategoryCode | '*';
  title: string;
  text: string;
}

export const RESPONSE_TEMPLATES: readonly ResponseTemplateSeed[] = [
  {
    id: 'general-done',
    category: '*',
    title: 'Đã xử lý xong',
    text: 'Cảm ơn Quý công dân đã phản ánh. Ngày {ngay}, đơn vị đã kiểm tra và xử lý xong nội dung phản ánh tại {dia_chi}. Kính mong Quý công dân tiếp tục đồng hành cùng chính quyền.',
  },
  {
    id: 'general-scheduled',
    category: '*',
    title: 'Đã tiếp nhận, lên kế hoạch xử lý',
    text: 'Cảm ơn Quý công dân đã phản ánh. Đơn vị đã kiểm tra hiện trường tại {dia_chi}; nội dung phản ánh cần thêm thời gian và đã được đưa vào kế hoạch xử lý. Kết quả sẽ được thông tin khi hoàn thành.',
  },
  {
    id: 'general-out-of-scope',
    category: '*',
    title: 'Không thuộc thẩm quyền',
    text: 'Cảm ơn Quý công dân đã phản ánh. Nội dung phản ánh không thuộc thẩm quyền giải quyết của đơn vị; Trung tâm IOC đã chuyển đến cơ quan có thẩm quyền để xem xét, xử lý.',
  },
  {
    id: 'environment-collected',
    category: 'environment',
    title: 'Đã thu gom rác',
    text: 'Cảm ơn Quý công dân đã phản ánh. Ngày {ngay}, đơn vị vệ sinh môi trường đã thu gom, vận chuyển rác tại {dia_chi} và vệ sinh khu vực. Đề nghị người dân bỏ rác đúng giờ, đúng nơi quy định.',
  },
  {
    id: 'roads-patched',
    category: 'roads',
    title: 'Đã vá ổ gà, sửa vỉa hè',
    text: 'Cảm ơn Quý công dân đã phản ánh. Ngày {ngay}, đơn vị quản lý hạ tầng đã khắc phục hư hỏng mặt đường, vỉa hè tại {dia_chi}, bảo đảm an toàn cho người tham gia giao thông.',
  },
  {
    id: 'lighting-repaired',
    category: 'lighting',
    title: 'Đã sửa đèn chiếu sáng',
    text: 'Cảm ơn Quý công dân đã phản ánh. Ngày {ngay}, đơn vị quản lý chiếu sáng đã thay thế, sửa chữa hệ thống đèn tại {dia_chi}; đèn đã hoạt động bình thường.',
  },
  {
    id: 'drainage-cleared',
    category: 'drainage',
    title: 'Đã nạo vét, khơi thông cống',
    text: 'Cảm ơn Quý công dân đã phản ánh. Ngày {ngay}, đơn vị đã nạo vét, khơi thông hệ thống thoát nước tại {dia_chi}; nước đã rút. Đơn vị sẽ tiếp tục theo dõi khi có mưa lớn.',
  },
  {
    id: 'urban-order-handled',
    category: 'urban_order',
    title: 'Đã xử lý lấn chiếm',
    text: 'Cảm ơn Quý công dân đã phản ánh. Ngày {ngay}, lực lượng trật tự đô thị đã kiểm tra, nhắc nhở và xử lý trường hợp lấn chiếm, vi phạm tại {dia_chi} theo quy định.',
  },
  {
    id: 'traffic-handled',
    category: 'traffic',
    title: 'Đã bố trí lực lượng phân luồng',
    text: 'Cảm ơn Quý công dân đã phản ánh. Đơn vị đã bố trí lực lượng kiểm tra, phân luồng và xử lý vi phạm giao thông tại {dia_chi}.',
  },
  {
    id: 'security-handled',
    category: 'security',
    title: 'Công an đã xác minh',
    text: 'Cảm ơn Quý công dân đã phản ánh. Công an địa phương đã xác minh, xử lý vụ việc tại {dia_chi} theo quy định của pháp luật.',
  },
  {
    id: 'food-safety-inspected',
    category: 'food_safety',
    title: 'Đã kiểm tra cơ sở',
    text: 'Cảm ơn Quý công dân đã phản ánh. Ngày {ngay}, đoàn kiểm tra an toàn thực phẩm đã kiểm tra cơ sở tại {dia_chi} và xử lý các sai phạm (nếu có) theo quy định.',
  },
  {
    id: 'public-services-guided',
    category: 'public_services',
    title: 'Đã hướng dẫn thủ tục',
    text: 'Cảm ơn Quý công dân đã phản ánh. Đơn vị đã liên hệ, hướng dẫn Quý công dân hoàn thiện hồ sơ thủ tục hành chính; hồ sơ được giải quyết theo đúng quy định.',
  },
  {
    id: 'heritage-handled',
    category: 'heritage_tourism',
    title: 'Đã xử lý tại khu di tích',
    text: 'Cảm ơn Quý công dân đã phản ánh. Ngày {ngay}, Trung tâm Bảo tồn Di tích Cố đô Huế đã kiểm tra và xử lý nội dung phản ánh tại {dia_chi}.',
  },
];

/** The templates for a category: its own first, then the general ones. */
export function responseTemplatesFor(category?: string): ResponseTemplateSeed[] {
  const own = RESPONSE_TEMPLATES.filter((t) => t.category !== '*' && t.category === category);
  const general = RESPONSE_TEMPLATES.filter((t) => t.category === '*');
  return category === undefined ? [...RESPONSE_TEMPLATES] : [...own, ...general];
}
