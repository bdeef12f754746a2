import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { WardIndex, WARDS_FILE, type WardProperties } from './wards.ts';

// The reference geography the repository ships (geo/, the default GEO_DIR), read as files: these checks are
// on the data itself, not on what WardIndex makes of it.
const GEO_DIR = resolve(import.meta.dirname, '../../../geo');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(resolve(GEO_DIR, file), 'utf8')) as T;

const wards = readJson<FeatureCollection<Polygon | MultiPolygon, WardProperties>>(WARDS_FILE);
const province = readJson<FeatureCollection<Polygon | MultiPolygon, { gso_code: string }>>(
  'hue_province_2025.geojson',
);
const codes = readJson<{ post_2025_07_01: { communes: { gso_code: string; name: string }[] } }>(
  'hue_admin_codes.json',
);

describe('the shipped reference geography (geo/)', () => {
  it('holds the 40 communes of Thành phố Huế from 2025-07-01: 21 phường, 19 xã, each with its GSO code', () => {
    const props = wards.features.map((f) => f.properties);
    expect(props).toHaveLength(40);
    expect(props.filter((p) => p.type === 'Phường')).toHaveLength(21);
    expect(props.filter((p) => p.type === 'Xã')).toHaveLength(19);
    for (const p of props) expect(p.gso_code, p.name).toMatch(/^\d{5}$/);
    expect(new Set(props.map((p) => p.gso_code)).size).toBe(40);
    // The same 40 codes and names as the GSO list of hue_admin_codes.json.
    const listed = new Map(codes.post_2025_07_01.communes.map((c) => [c.gso_code, c.name]));
    expect(listed.size).toBe(40);
    for (const p of props) expect(listed.get(p.gso_code), p.gso_code).toBe(p.name);
  });

  it("puts every ward's label_point inside its own polygon and in no other ward", () => {
    const wrong: string[] = [];
    for (const f of wards.features) {
      const point = f.properties.label_point;
      if (!booleanPointInPolygon(point, f)) wrong.push(`${f.properties.name}: outside its own polygon`);
      for (const g of wards.features)
        if (g !== f && booleanPointInPolygon(point, g))
          wrong.push(`${f.properties.name}: inside ${g.properties.name}`);
    }
    expect(wrong).toEqual([]);
  });

  it('needs no correction at load time: WardIndex keeps every label_point as shipped', () => {
    const index = new WardIndex(wards);
    for (const f of wards.features)
      expect(index.byCode(f.properties.gso_code)?.labelPoint, f.properties.name).toEqual(
        f.properties.label_point,
      );
  });

  it('has the province outline of Thành phố Huế (code 46)', () => {
    expect(province.features.map((f) => f.properties.gso_code)).toEqual(['46']);
  });
});
