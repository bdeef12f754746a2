import { Type } from '@sinclair/typebox';

/*
 * Categories of a phản ánh hiện trường (field report). The official Hue-S list is an appendix we do not
 * have (DOMAIN.md); these follow public coverage of Hue-S. Codes are a contract (REST `category`, routing,
 * SLA tables): add new ones, never rename. The words that point to each in free text are in streams
 * (incidents/taxonomy.ts), which only the server needs.
 */
export const CATEGORY_CODES = [
  'urban_order',
  'environment',
  'roads',
  'lighting',
  'drainage',
  'traffic',
  'security',
  'food_safety',
  'public_services',
  'heritage_tourism',
  'other',
] as const;
export type CategoryCode = (typeof CATEGORY_CODES)[number];

export const CategoryCodeSchema = Type.Union(CATEGORY_CODES.map((c) => Type.Literal(c)));

export function isCategoryCode(value: unknown): value is CategoryCode {
  return typeof value === 'string' && (CATEGORY_CODES as readonly string[]).includes(value);
}

/** DOMAIN.md's names, Vietnamese as Hue-S shows them. */
export const CATEGORY_LABELS: Readonly<Record<CategoryCode, { vi: string; en: string }>> = {
  urban_order: { vi: 'Trật tự đô thị và xây dựng', en: 'Urban order and construction' },
  environment: { vi: 'Môi trường, rác thải', en: 'Environment and waste' },
  roads: {
    vi: 'Hạ tầng giao thông (đường, vỉa hè, ổ gà)',
    en: 'Road infrastructure (roads, sidewalks, potholes)',
  },
  lighting: { vi: 'Điện, chiếu sáng công cộng', en: 'Power and public lighting' },
  drainage: { vi: 'Thoát nước, ngập úng', en: 'Drainage and flooding' },
  traffic: { vi: 'Giao thông, an toàn giao thông', en: 'Traffic and road safety' },
  security: { vi: 'An ninh, trật tự', en: 'Security and public order' },
  food_safety: { vi: 'An toàn thực phẩm, bảo vệ người tiêu dùng', en: 'Food safety and consumer protection' },
  public_services: {
    vi: 'Dịch vụ công, thủ tục hành chính',
    en: 'Public services and administrative procedures',
  },
  heritage_tourism: { vi: 'Di tích, du lịch', en: 'Heritage and tourism' },
  other: { vi: 'Khác', en: 'Other' },
};
