import type { WardIndex } from '../geo/wards.ts';

/*
 * The units that handle reports in Thành phố Huế after the 2025 reorganisation (DOMAIN.md "Who handles what").
 * Names are the plausible ones of public reporting: verify before production. Agencies are data an admin edits;
 * this is the seed.
 */
export const AGENCY_KINDS = [
  'department',
  'police',
  'utility',
  'public_company',
  'public_service_unit',
  'ward_committee',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export interface Agency {
  id: string;
  nameVi: string;
  nameEn: string;
  /** What the wall and the SMS chaser show: "Sở Xây dựng", "UBND phường Thuận Hóa". */
  shortNameVi: string;
  kind: AgencyKind;
  /** For a ward committee: the ward it governs. */
  wardCode?: string;
}

export const CITY_AGENCIES: readonly Agency[] = [
  {
    id: 'so-xay-dung',
    nameVi: 'Sở Xây dựng thành phố Huế',
    nameEn: 'Huế Department of Construction',
    shortNameVi: 'Sở Xây dựng',
    kind: 'department',
  },
  {
    id: 'so-nong-nghiep-moi-truong',
    nameVi: 'Sở Nông nghiệp và Môi trường thành phố Huế',
    nameEn: 'Huế Department of Agriculture and Environment',
    shortNameVi: 'Sở Nông nghiệp và Môi trường',
    kind: 'department',
  },
  {
    id: 'cong-an-tp-hue',
    nameVi: 'Công an thành phố Huế',
    nameEn: 'Huế City Police',
    shortNameVi: 'Công an thành phố',
    kind: 'police',
  },
  {
    id: 'dien-luc-hue',
    nameVi: 'Công ty Điện lực Thừa Thiên Huế',
    nameEn: 'Thừa Thiên Huế Power Company',
    shortNameVi: 'Điện lực Huế',
    kind: 'utility',
  },
  {
    id: 'huewaco',
    nameVi: 'Công ty Cổ phần Cấp nước Thừa Thiên Huế',
    nameEn: 'Thừa Thiên Huế Water Supply JSC (HueWACO)',
    shortNameVi: 'HueWACO',
    kind: 'utility',
  },
  {
    id: 'hepco',
    nameVi: 'Công ty Cổ phần Môi trường và Công trình đô thị Huế',
    nameEn: 'Huế Urban Environment and Public Works JSC (HEPCO)',
    shortNameVi: 'HEPCO',
    kind: 'public_company',
  },
  {
    id: 'bao-ton-di-tich-hue',
    nameVi: 'Trung tâm Bảo tồn Di tích Cố đô Huế',
    nameEn: 'Huế Monuments Conservation Centre',
    shortNameVi: 'TT Bảo tồn Di tích Cố đô',
    kind: 'public_service_unit',
  },
  {
    id: 'so-y-te',
    nameVi: 'Sở Y tế thành phố Huế',
    nameEn: 'Huế Department of Health',
    shortNameVi: 'Sở Y tế',
    kind: 'department',
  },
  {
    id: 'so-van-hoa-the-thao-du-lich',
    nameVi: 'Sở Văn hóa, Thể thao và Du lịch thành phố Huế',
    nameEn: 'Huế Department of Culture, Sports and Tourism',
    shortNameVi: 'Sở VH-TT&DL',
    kind: 'department',
  },
  {
    // Absorbed information and communications in 2025; the IOC's parent, and the coordinator of last resort.
    id: 'so-khoa-hoc-cong-nghe',
    nameVi: 'Sở Khoa học và Công nghệ thành phố Huế',
    nameEn: 'Huế Department of Science and Technology',
    shortNameVi: 'Sở KH&CN',
    kind: 'department',
  },
];

/** Id of the people's committee (UBND) of a ward: `ubnd-<gso_code>`. */
export const wardCommitteeId = (wardCode: string): string => `ubnd-${wardCode}`;

/** The city agencies and the 40 ward/commune people's committees (one per ward of the ward file). */
export function seedAgencies(wards: WardIndex): Agency[] {
  const committees = wards.wards
    .slice()
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((w): Agency => {
      const isXa = w.type === 'Xã';
      return {
        id: wardCommitteeId(w.code),
        nameVi: `Ủy ban nhân dân ${isXa ? 'xã' : 'phường'} ${w.shortName}`,
        nameEn: `People's Committee of ${w.shortName} ${isXa ? 'Commune' : 'Ward'}`,
        shortNameVi: `UBND ${isXa ? 'xã' : 'phường'} ${w.shortName}`,
        kind: 'ward_committee',
        wardCode: w.code,
      };
    });
  return [...CITY_AGENCIES, ...committees];
}
