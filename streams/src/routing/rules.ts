import type { CategoryCode } from '../incidents/taxonomy.ts';

/** Where a rule sends an incident: a named agency, or the people's committee of the incident's ward. */
export type RoutingTarget = { agencyId: string } | { wardCommittee: true };

export interface RoutingRule {
  id: string;
  /** Why the rule sends a case where it does, as the desk reads it (Vietnamese first). */
  description: string;
  descriptionEn?: string;
  /** `*` matches every category. */
  category: CategoryCode | '*';
  /** A named set of wards (`RoutingTable.wardSets`) the incident's ward must be in. */
  wardSet?: string;
  /** The incident's ward must be unknown (a fallback for when the ward committee cannot be named). */
  noWard?: true;
  /** A named area (`RoutingTable.areas`) the incident's position must lie in. */
  area?: string;
  /** The incident must be on a main road. */
  road?: 'main';
  target: RoutingTarget;
}

export interface RoutingTable {
  rules: readonly RoutingRule[];
  wardSets: Readonly<Record<string, readonly string[]>>;
}

/**
 * The wards of the former Huế city (units of Quận Phú Xuân and Quận Thuận Hóa before 2025-07-01, from
 * `merged_from` of the ward file): where HEPCO collects waste, keeps the drains and the trees. Elsewhere the
 * ward organises it. Approximate: HEPCO's contracts are not in our sources.
 */
export const HEPCO_SERVICE_AREA: readonly string[] = [
  '19753', // Phú Xuân
  '19774', // Kim Long
  '19777', // Vỹ Dạ
  '19789', // Thuận Hóa
  '19804', // Hương An
  '19813', // Thủy Xuân
  '19815', // An Cựu
  '19900', // Thuận An
  '19909', // Dương Nỗ
  '19930', // Mỹ Thượng
  '20014', // Hóa Châu
];

/**
 * Category × (ward | any) × optional area → agency, evaluated in order; the first rule whose conditions hold
 * and whose target can be named decides (a ward-committee rule is skipped when the ward is unknown).
 * Data: an admin screen can show and edit it.
 */
export const DEFAULT_ROUTING_TABLE: RoutingTable = {
  wardSets: { hepco: HEPCO_SERVICE_AREA },
  rules: [
    {
      id: 'heritage_citadel',
      description: 'Di tích trong Kinh thành Huế: Trung tâm Bảo tồn Di tích Cố đô',
      descriptionEn: 'Heritage inside Kinh thành Huế',
      category: 'heritage_tourism',
      area: 'kinh-thanh-hue',
      target: { agencyId: 'bao-ton-di-tich-hue' },
    },
    {
      id: 'heritage_tourism',
      description: 'Du lịch, di tích ngoài Kinh thành: Sở Văn hóa, Thể thao và Du lịch',
      descriptionEn: 'Tourism and heritage elsewhere',
      category: 'heritage_tourism',
      target: { agencyId: 'so-van-hoa-the-thao-du-lich' },
    },
    {
      id: 'lighting',
      description: 'Điện, chiếu sáng công cộng: Công ty Điện lực',
      descriptionEn: 'Power and street lighting',
      category: 'lighting',
      target: { agencyId: 'dien-luc-hue' },
    },
    {
      id: 'drainage_urban',
      description: 'Thoát nước trong nội thành cũ: HEPCO',
      descriptionEn: 'Drainage in the former Huế city',
      category: 'drainage',
      wardSet: 'hepco',
      target: { agencyId: 'hepco' },
    },
    {
      id: 'drainage_ward',
      description: 'Thoát nước ngoài nội thành: UBND phường/xã',
      descriptionEn: 'Drainage elsewhere: the ward',
      category: 'drainage',
      target: { wardCommittee: true },
    },
    {
      id: 'drainage_unknown',
      description: 'Thoát nước, chưa rõ phường/xã',
      descriptionEn: 'Drainage, ward unknown',
      category: 'drainage',
      noWard: true,
      target: { agencyId: 'hepco' },
    },
    {
      id: 'environment_urban',
      description: 'Rác thải, cây xanh trong nội thành cũ: HEPCO',
      descriptionEn: 'Waste and trees in the former Huế city',
      category: 'environment',
      wardSet: 'hepco',
      target: { agencyId: 'hepco' },
    },
    {
      id: 'environment_ward',
      description: 'Rác thải ngoài nội thành: UBND phường/xã',
      descriptionEn: 'Waste elsewhere: the ward',
      category: 'environment',
      target: { wardCommittee: true },
    },
    {
      id: 'environment_unknown',
      description: 'Môi trường, chưa rõ phường/xã',
      descriptionEn: 'Environment, ward unknown',
      category: 'environment',
      noWard: true,
      target: { agencyId: 'so-nong-nghiep-moi-truong' },
    },
    {
      id: 'roads_main',
      description: 'Đường chính: Sở Xây dựng',
      descriptionEn: 'Main roads',
      category: 'roads',
      road: 'main',
      target: { agencyId: 'so-xay-dung' },
    },
    {
      id: 'roads_ward',
      description: 'Đường nhỏ, vỉa hè, kiệt hẻm: UBND phường/xã',
      descriptionEn: 'Local streets, sidewalks and alleys: the ward',
      category: 'roads',
      target: { wardCommittee: true },
    },
    {
      id: 'roads_unknown',
      description: 'Hạ tầng giao thông, chưa rõ phường/xã',
      descriptionEn: 'Roads, ward unknown',
      category: 'roads',
      noWard: true,
      target: { agencyId: 'so-xay-dung' },
    },
    {
      id: 'urban_order_ward',
      description: 'Trật tự đô thị: UBND phường/xã',
      descriptionEn: 'Urban order: the ward',
      category: 'urban_order',
      target: { wardCommittee: true },
    },
    {
      id: 'urban_order_unknown',
      description: 'Trật tự đô thị, chưa rõ phường/xã',
      descriptionEn: 'Urban order, ward unknown',
      category: 'urban_order',
      noWard: true,
      target: { agencyId: 'so-xay-dung' },
    },
    {
      id: 'security',
      description: 'An ninh, trật tự: Công an thành phố',
      descriptionEn: 'Security and public order',
      category: 'security',
      target: { agencyId: 'cong-an-tp-hue' },
    },
    {
      id: 'traffic',
      description: 'Giao thông, an toàn giao thông: Cảnh sát giao thông',
      descriptionEn: 'Traffic and road safety (traffic police)',
      category: 'traffic',
      target: { agencyId: 'cong-an-tp-hue' },
    },
    {
      id: 'food_safety',
      description: 'An toàn thực phẩm, bảo vệ người tiêu dùng: Sở Y tế',
      descriptionEn: 'Food safety and consumer protection',
      category: 'food_safety',
      target: { agencyId: 'so-y-te' },
    },
    {
      id: 'public_services_ward',
      description: 'Dịch vụ công: UBND phường/xã',
      descriptionEn: 'Public services: the ward',
      category: 'public_services',
      target: { wardCommittee: true },
    },
    {
      id: 'other_ward',
      description: 'Khác: UBND phường/xã',
      descriptionEn: 'Other: the ward',
      category: 'other',
      target: { wardCommittee: true },
    },
    {
      id: 'fallback',
      description: 'Không quy tắc nào khác áp dụng: Sở Khoa học và Công nghệ điều phối',
      descriptionEn: 'Nothing else applies: the IOC’s parent department coordinates',
      category: '*',
      target: { agencyId: 'so-khoa-hoc-cong-nghe' },
    },
  ],
};
