import { CATEGORY_CODES, CATEGORY_LABELS, isCategoryCode, type CategoryCode } from '@hue-ioc/layers';
import { foldVietnamese, vietnameseTokens } from '../geo/address.ts';

// The codes and their labels are the contract both sides see: declared once in layers (category.ts).
export { CATEGORY_CODES, CATEGORY_LABELS, isCategoryCode, type CategoryCode } from '@hue-ioc/layers';

export interface Category {
  code: CategoryCode;
  vi: string;
  en: string;
  /**
   * Words and phrases (Vietnamese without diacritics, or English) that point to the category in free text.
   * A longer phrase beats a shorter one it contains ("trat tu do thi" over "trat tu").
   */
  keywords: readonly string[];
}

const CATEGORY_KEYWORDS: Readonly<Record<CategoryCode, readonly string[]>> = {
  urban_order: [
    'trat tu do thi',
    'xay dung',
    'xay dung trai phep',
    'xay dung khong phep',
    'khong phep',
    'lan chiem',
    'lan chiem via he',
    'lan chiem long duong',
    'buon ban via he',
    'hang rong',
    'quang cao',
    'bien quang cao',
    'vat lieu xay dung',
    'illegal construction',
    'construction',
    'encroachment',
    'street vendor',
  ],
  environment: [
    'moi truong',
    'rac',
    'rac thai',
    'do rac',
    'xa rac',
    'bai rac',
    'thung rac',
    'chat thai',
    'o nhiem',
    'mui hoi',
    'boc mui',
    'khoi',
    'dot rac',
    'bui',
    'tieng on',
    'cay xanh',
    'cay do',
    'cay gay',
    'xac dong vat',
    'waste',
    'garbage',
    'rubbish',
    'litter',
    'littering',
    'pollution',
    'smell',
    'noise',
    'fallen tree',
  ],
  roads: [
    'ha tang giao thong',
    'o ga',
    'o voi',
    'mat duong',
    'duong hu hong',
    'hu hong mat duong',
    'sut lun',
    'lun sut',
    'nut mat duong',
    'via he hu hong',
    'bo via',
    'gach via he',
    'lan can',
    'cau hu hong',
    'pothole',
    'road damage',
    'sidewalk',
    'pavement',
    'road surface',
  ],
  lighting: [
    'chieu sang',
    'chieu sang cong cong',
    'den duong',
    'den chieu sang',
    'bong den',
    'mat dien',
    'cup dien',
    'day dien',
    'cot dien',
    'chap dien',
    'ro dien',
    'dien luc',
    'tram bien ap',
    'streetlight',
    'street light',
    'street lighting',
    'power outage',
    'power cut',
    'lighting',
  ],
  drainage: [
    'thoat nuoc',
    'ngap',
    'ngap ung',
    'ngap nuoc',
    'ngap sau',
    'nuoc dong',
    'ong cong',
    'nap cong',
    'ho ga',
    'cong thoat nuoc',
    'tac cong',
    'cong bi tac',
    'nuoc thai',
    'muong',
    'flood',
    'flooding',
    'flooded',
    'drain',
    'drainage',
    'sewer',
    'waterlogging',
    'manhole',
  ],
  traffic: [
    'giao thong',
    'an toan giao thong',
    'tai nan',
    'va cham',
    'un tac',
    'ket xe',
    'den tin hieu',
    'den giao thong',
    'bien bao',
    'do xe',
    'dau xe',
    'do xe sai quy dinh',
    'vi pham giao thong',
    'dua xe',
    'accident',
    'crash',
    'traffic',
    'traffic jam',
    'congestion',
    'parking',
    'illegal parking',
    'traffic light',
  ],
  security: [
    'an ninh',
    'trat tu',
    'an ninh trat tu',
    'trom',
    'trom cap',
    'cuop',
    'danh nhau',
    'gay roi',
    'ma tuy',
    'co bac',
    'tu tap',
    'chay',
    'chay no',
    'hoa hoan',
    'security',
    'theft',
    'robbery',
    'fight',
    'fire',
    'disturbance',
    'crowd',
  ],
  food_safety: [
    'an toan thuc pham',
    've sinh an toan thuc pham',
    'thuc pham',
    'ngo doc',
    'ngo doc thuc pham',
    'hang gia',
    'hang nhai',
    'het han',
    'hang het han',
    'bao ve nguoi tieu dung',
    'nguoi tieu dung',
    'chat chem gia',
    'food safety',
    'food poisoning',
    'expired',
    'counterfeit',
    'consumer',
  ],
  public_services: [
    'dich vu cong',
    'thu tuc hanh chinh',
    'ho so',
    'giay to',
    'mot cua',
    'bo phan mot cua',
    'can bo',
    'cong chuc',
    'chung thuc',
    'cap giay',
    'public service',
    'public services',
    'paperwork',
    'administrative',
  ],
  heritage_tourism: [
    'di tich',
    'di san',
    'du lich',
    'khach du lich',
    'kinh thanh',
    'dai noi',
    'hoang thanh',
    'lang vua',
    'lang tu duc',
    'lang minh mang',
    'lang khai dinh',
    'chua thien mu',
    'ngo mon',
    'heritage',
    'monument',
    'tourism',
    'tourist',
    'citadel',
    'imperial city',
  ],
  other: ['khac', 'other'],
};

/** Each category with its labels (from layers) and its keywords, in CATEGORY_CODES order. */
export const CATEGORIES: readonly Category[] = CATEGORY_CODES.map((code) => ({
  code,
  ...CATEGORY_LABELS[code],
  keywords: CATEGORY_KEYWORDS[code],
}));

const BY_CODE = new Map<string, Category>(CATEGORIES.map((c) => [c.code, c]));

export function categoryOf(code: CategoryCode): Category {
  const c = BY_CODE.get(code);
  if (!c) throw new Error(`unknown category ${code}`);
  return c;
}

const foldLabel = (s: string): string =>
  vietnameseTokens(s)
    .map((t) => t.folded)
    .join(' ');

const BY_LABEL = new Map<string, CategoryCode>();
for (const c of CATEGORIES) {
  BY_LABEL.set(foldLabel(c.vi), c.code);
  BY_LABEL.set(foldLabel(c.en), c.code);
  // "Hạ tầng giao thông" without the parenthesis is how Hue-S shows it in a list.
  BY_LABEL.set(foldLabel(c.vi.replace(/\s*\(.*\)$/, '')), c.code);
}

const KEYWORDS: { code: CategoryCode; words: string[] }[] = CATEGORIES.flatMap((c) =>
  c.keywords.map((k) => ({ code: c.code, words: k.split(' ') })),
);

export interface CategoryResolution {
  code: CategoryCode;
  /** `code`: the text was a code; `label`: a category label (vi/en); `keywords`: free text; `fallback`: nothing matched. */
  via: 'code' | 'label' | 'keywords' | 'fallback';
}

/**
 * Maps what a channel sends as a category — a code, a Vietnamese or English label with or without diacritics,
 * or free text such as a hotline summary — to a category code, `other` when nothing fits.
 */
export function classifyCategory(text: string | null | undefined): CategoryResolution {
  if (!text) return { code: 'other', via: 'fallback' };
  const trimmed = text.trim();
  const asCode = foldVietnamese(trimmed).replace(/[\s-]+/g, '_');
  if (isCategoryCode(asCode)) return { code: asCode, via: 'code' };
  const tokens = vietnameseTokens(trimmed).map((t) => t.folded);
  const label = BY_LABEL.get(tokens.join(' '));
  if (label) return { code: label, via: 'label' };

  // Every keyword occurrence; then drop those inside a longer occurrence, and score each category by the words
  // its remaining phrases cover.
  const hits: { code: CategoryCode; start: number; length: number }[] = [];
  for (const k of KEYWORDS) {
    for (let i = 0; i + k.words.length <= tokens.length; i++) {
      if (k.words.every((w, j) => tokens[i + j] === w))
        hits.push({ code: k.code, start: i, length: k.words.length });
    }
  }
  const kept = hits.filter(
    (h) =>
      !hits.some(
        (o) => o.length > h.length && o.start <= h.start && o.start + o.length >= h.start + h.length,
      ),
  );
  const scores = new Map<CategoryCode, number>();
  for (const h of kept) scores.set(h.code, (scores.get(h.code) ?? 0) + h.length);
  let best: CategoryCode | undefined;
  let bestScore = 0;
  // Ties go to the category listed first (CATEGORIES order), so the answer does not depend on word order.
  for (const c of CATEGORIES) {
    const s = scores.get(c.code) ?? 0;
    if (s > bestScore) {
      best = c.code;
      bestScore = s;
    }
  }
  return best ? { code: best, via: 'keywords' } : { code: 'other', via: 'fallback' };
}

export function resolveCategory(text: string | null | undefined): CategoryCode {
  return classifyCategory(text).code;
}

/* ---------------------------------------------------------------- priority */

/** 1 is the highest: 1 khẩn cấp (immediate process, deadline in hours) … 4 thấp (labels: PRIORITY_LABELS in layers). */
export type Priority = 1 | 2 | 3 | 4;

/** Camera analytics events (MQTT `hue/cameras/{cameraId}/events`). */
export const CAMERA_EVENT_TYPES = [
  'flooding',
  'congestion',
  'accident',
  'fire_smoke',
  'crowd',
  'littering',
  'illegal_parking',
] as const;
export type CameraEventType = (typeof CAMERA_EVENT_TYPES)[number];

/** The category an incident opened from a camera event gets. Fire and crowds go to the police (PCCC is part of Công an). */
export const CAMERA_EVENT_CATEGORY: Readonly<Record<CameraEventType, CategoryCode>> = {
  flooding: 'drainage',
  congestion: 'traffic',
  accident: 'traffic',
  fire_smoke: 'security',
  crowd: 'security',
  littering: 'environment',
  illegal_parking: 'traffic',
};

export interface PriorityInput {
  category: CategoryCode;
  /** The reporter or the hotline agent marked it urgent (immediate process of QĐ 30/2022). */
  urgent?: boolean;
  /** Flood alarm level of a river gauge: 1–3 for báo động (BĐ) I–III of QĐ 05/2020/QĐ-TTg. */
  alarmLevel?: 1 | 2 | 3;
  cameraEvent?: CameraEventType;
}

export interface PriorityRule {
  id: string;
  description: string;
  priority: Priority;
  when: (input: PriorityInput) => boolean;
}

/** Evaluated in order; the first that applies decides. Data, so an admin screen can show and reorder it. */
export const PRIORITY_RULES: readonly PriorityRule[] = [
  {
    id: 'urgent',
    description: 'Reported as urgent (immediate process)',
    priority: 1,
    when: (i) => i.urgent === true,
  },
  { id: 'alarm_bd3', description: 'Flood alarm BĐ III', priority: 1, when: (i) => i.alarmLevel === 3 },
  {
    id: 'camera_fire_smoke',
    description: 'Camera: fire or smoke',
    priority: 1,
    when: (i) => i.cameraEvent === 'fire_smoke',
  },
  { id: 'alarm_bd2', description: 'Flood alarm BĐ II', priority: 2, when: (i) => i.alarmLevel === 2 },
  {
    id: 'camera_accident',
    description: 'Camera: traffic accident',
    priority: 2,
    when: (i) => i.cameraEvent === 'accident',
  },
  {
    id: 'camera_flooding',
    description: 'Camera: flooding',
    priority: 2,
    when: (i) => i.cameraEvent === 'flooding',
  },
  { id: 'alarm_bd1', description: 'Flood alarm BĐ I', priority: 3, when: (i) => i.alarmLevel === 1 },
  {
    id: 'camera_minor',
    description: 'Camera: littering or illegal parking',
    priority: 4,
    when: (i) => i.cameraEvent === 'littering' || i.cameraEvent === 'illegal_parking',
  },
  {
    id: 'category_security',
    description: 'Security and traffic safety',
    priority: 2,
    when: (i) => i.category === 'security' || i.category === 'traffic',
  },
  {
    id: 'category_infrastructure',
    description: 'Drainage, power and lighting, roads, environment, food safety',
    priority: 3,
    when: (i) => ['drainage', 'lighting', 'roads', 'environment', 'food_safety'].includes(i.category),
  },
  { id: 'default', description: 'Everything else', priority: 4, when: () => true },
];

export function priorityFor(
  input: PriorityInput,
  rules: readonly PriorityRule[] = PRIORITY_RULES,
): { priority: Priority; rule: string } {
  const rule = rules.find((r) => r.when(input));
  return rule ? { priority: rule.priority, rule: rule.id } : { priority: 4, rule: 'default' };
}
