import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { CATEGORY_CODES, type CategoryCode } from '../incidents/taxonomy.ts';
import { CITY_AGENCIES, seedAgencies } from './agencies.ts';
import { KINH_THANH_HUE, inArea } from './areas.ts';
import { roadClassFromAddress } from './main-roads.ts';
import { DEFAULT_ROUTING_TABLE, HEPCO_SERVICE_AREA } from './rules.ts';
import { routeIncident } from './route-incident.ts';
import type { Position } from '../ingest/common.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');

// Places in Huế (approximate, WGS84).
const DAI_NOI: Position = [107.5769, 16.4689]; // Imperial City, inside the citadel
const GA_HUE: Position = [107.5784, 16.4565]; // railway station, south bank
const THIEN_MU: Position = [107.5447, 16.4537]; // Thiên Mụ pagoda, Kim Long
const LE_LOI_12: Position = [107.585, 16.463];
const A_LUOI: Position = [107.2398, 16.2772];

let wards: WardIndex;
beforeAll(async () => {
  wards = await WardIndex.load(GEO_DIR);
});
const code = (short: string): string => {
  const w = wards.byShortName(short);
  if (!w) throw new Error(short);
  return w.code;
};

describe('agencies', () => {
  it('seeds the city units and one people’s committee per ward', () => {
    const all = seedAgencies(wards);
    expect(all).toHaveLength(CITY_AGENCIES.length + 40);
    expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
    expect(all.find((a) => a.id === `ubnd-${code('Thuận Hóa')}`)).toEqual({
      id: `ubnd-${code('Thuận Hóa')}`,
      nameVi: 'Ủy ban nhân dân phường Thuận Hóa',
      nameEn: "People's Committee of Thuận Hóa Ward",
      shortNameVi: 'UBND phường Thuận Hóa',
      kind: 'ward_committee',
      wardCode: code('Thuận Hóa'),
    });
    expect(all.find((a) => a.id === `ubnd-${code('A Lưới 2')}`)?.nameVi).toBe('Ủy ban nhân dân xã A Lưới 2');
  });

  it('routes only to agencies that exist', () => {
    const ids = new Set(CITY_AGENCIES.map((a) => a.id));
    for (const r of DEFAULT_ROUTING_TABLE.rules)
      if ('agencyId' in r.target) expect(ids, r.id).toContain(r.target.agencyId);
  });

  it('keeps HEPCO’s area equal to the wards of the former Huế city in the ward file', () => {
    const former = wards.collection.features
      .filter((f) =>
        ((f.properties as { merged_from?: { old_district_code: string }[] }).merged_from ?? []).some((m) =>
          ['474', '475'].includes(m.old_district_code),
        ),
      )
      .map((f) => f.properties.gso_code)
      .sort();
    expect([...HEPCO_SERVICE_AREA].sort()).toEqual(former);
  });
});

describe('Kinh thành Huế (approximate)', () => {
  it('holds the Imperial City and not the places around it', () => {
    expect(inArea(DAI_NOI, KINH_THANH_HUE)).toBe(true);
    expect(inArea([107.5797, 16.4655], KINH_THANH_HUE)).toBe(true); // just inside Kỳ Đài
    for (const p of [GA_HUE, THIEN_MU, LE_LOI_12, [107.61175, 16.4757] as Position])
      expect(inArea(p, KINH_THANH_HUE)).toBe(false);
  });
});

describe('roadClassFromAddress', () => {
  it.each([
    ['83 Hùng Vương, phường Thuận Hóa', 'main'],
    ['Quốc lộ 49, xã Phú Vang', 'main'],
    ['QL1A đoạn qua phường Phú Bài', 'main'],
    ['kiệt 5 Hùng Vương', 'local'],
    ['kiet 12 Phan Dinh Phung, phuong Thuan Hoa', 'local'],
    ['14 Phan Đình Phùng', undefined],
  ])('%s → %s', (address, expected) => {
    expect(roadClassFromAddress(address)).toBe(expected);
  });
});

describe('routeIncident', () => {
  const route = (
    category: CategoryCode,
    wardCode: string | null,
    position: Position | null,
    extra: { address?: string; roadClass?: 'main' | 'local' } = {},
  ) => routeIncident({ category, wardCode, position, ...extra });

  it('sends street lighting to the power company', () => {
    expect(route('lighting', code('Thuận Hóa'), LE_LOI_12)).toEqual({
      agencyId: 'dien-luc-hue',
      rule: { id: 'lighting', description: 'Điện, chiếu sáng công cộng: Công ty Điện lực' },
    });
  });

  it('sends drainage and waste to HEPCO in the former city and to the ward elsewhere', () => {
    expect(route('drainage', code('Phú Xuân'), null).agencyId).toBe('hepco');
    expect(route('environment', code('An Cựu'), null).agencyId).toBe('hepco');
    expect(route('drainage', code('A Lưới 2'), A_LUOI)).toMatchObject({
      agencyId: `ubnd-${code('A Lưới 2')}`,
      rule: { id: 'drainage_ward' },
    });
    expect(route('environment', null, null)).toMatchObject({
      agencyId: 'so-nong-nghiep-moi-truong',
      rule: { id: 'environment_unknown' },
    });
  });

  it('sends urban order to the ward’s people’s committee', () => {
    expect(route('urban_order', code('Vỹ Dạ'), null)).toMatchObject({
      agencyId: `ubnd-${code('Vỹ Dạ')}`,
      rule: { id: 'urban_order_ward' },
    });
    expect(route('urban_order', null, null).agencyId).toBe('so-xay-dung');
  });

  it('sends main roads to Sở Xây dựng and local streets to the ward', () => {
    expect(route('roads', code('Thuận Hóa'), LE_LOI_12, { address: '12 Lê Lợi' })).toMatchObject({
      agencyId: 'so-xay-dung',
      rule: { id: 'roads_main' },
    });
    expect(route('roads', code('Thuận Hóa'), null, { roadClass: 'main' }).agencyId).toBe('so-xay-dung');
    expect(route('roads', code('Thuận Hóa'), null, { address: 'kiệt 12 Phan Đình Phùng' }).agencyId).toBe(
      `ubnd-${code('Thuận Hóa')}`,
    );
    expect(route('roads', null, null).agencyId).toBe('so-xay-dung');
  });

  it('sends security and traffic to the police, food safety to Sở Y tế', () => {
    expect(route('security', code('Phú Xuân'), null).agencyId).toBe('cong-an-tp-hue');
    expect(route('traffic', null, GA_HUE).agencyId).toBe('cong-an-tp-hue');
    expect(route('food_safety', code('Vỹ Dạ'), null).agencyId).toBe('so-y-te');
  });

  it('sends heritage inside the citadel to the Conservation Centre and tourism elsewhere to Sở VH-TT&DL', () => {
    expect(route('heritage_tourism', code('Phú Xuân'), DAI_NOI)).toMatchObject({
      agencyId: 'bao-ton-di-tich-hue',
      rule: { id: 'heritage_citadel' },
    });
    expect(route('heritage_tourism', code('Kim Long'), THIEN_MU).agencyId).toBe(
      'so-van-hoa-the-thao-du-lich',
    );
    expect(route('heritage_tourism', code('Phú Xuân'), null).agencyId).toBe('so-van-hoa-the-thao-du-lich');
  });

  it('falls back to the IOC’s parent department when no ward is known', () => {
    expect(route('public_services', null, null)).toMatchObject({
      agencyId: 'so-khoa-hoc-cong-nghe',
      rule: { id: 'fallback' },
    });
    expect(route('other', code('Hương Trà'), null).agencyId).toBe(`ubnd-${code('Hương Trà')}`);
  });

  it('routes every category, with or without a ward', () => {
    const ids = new Set(seedAgencies(wards).map((a) => a.id));
    for (const category of CATEGORY_CODES)
      for (const wardCode of [null, ...wards.wards.map((w) => w.code)])
        expect(ids).toContain(route(category, wardCode, null).agencyId);
  });
  it('finds no ward set or area named after a property of Object.prototype in an edited table (issue 11)', () => {
    const table = {
      wardSets: DEFAULT_ROUTING_TABLE.wardSets,
      rules: [
        {
          id: 'proto_set',
          description: 'A ward set an admin misnamed',
          category: '*' as const,
          wardSet: 'constructor',
          target: { agencyId: 'hepco' },
        },
        {
          id: 'proto_area',
          description: 'An area an admin misnamed',
          category: '*' as const,
          area: 'toString',
          target: { agencyId: 'hepco' },
        },
        ...DEFAULT_ROUTING_TABLE.rules,
      ],
    };
    expect(
      routeIncident({ category: 'drainage', wardCode: code('Phú Xuân'), position: LE_LOI_12 }, table),
    ).toMatchObject({ agencyId: 'hepco', rule: { id: 'drainage_urban' } });
    expect(
      routeIncident(
        { category: 'roads', wardCode: code('Thuận Hóa'), position: LE_LOI_12, address: 'constructor' },
        table,
      ).agencyId,
    ).toBe(`ubnd-${code('Thuận Hóa')}`);
  });
});
