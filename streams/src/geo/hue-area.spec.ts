import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { HUE_BBOX, HUE_EXTENT, PROVINCE_BOUNDS, inBox } from '@hue-ioc/layers';
import { checkPosition } from '../ingest/common.ts';
import { WARDS_FILE, type WardProperties } from './wards.ts';

// The geography the repository ships (geo/, the default GEO_DIR), read as a file.
const wards = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../geo', WARDS_FILE), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon, WardProperties>;

const vertices = (g: Polygon | MultiPolygon): Position[] =>
  g.type === 'Polygon' ? g.coordinates.flat() : g.coordinates.flat(2);

const all = wards.features.flatMap((f) => vertices(f.geometry));
const extent = {
  west: Math.min(...all.map((p) => p[0]!)),
  south: Math.min(...all.map((p) => p[1]!)),
  east: Math.max(...all.map((p) => p[0]!)),
  north: Math.max(...all.map((p) => p[1]!)),
};

describe('the Huế box (layers/src/area.ts) against the shipped wards', () => {
  it('accepts every vertex of all 40 wards as a position (checkPosition, HUE_BBOX)', () => {
    expect(wards.features).toHaveLength(40);
    const refused = wards.features.flatMap((f) =>
      vertices(f.geometry)
        .filter(([lon, lat]) => !checkPosition(lon!, lat!, '/position').ok)
        .map((p) => `${f.properties.name} ${p.join(',')}`),
    );
    expect(refused).toEqual([]);
    for (const f of wards.features)
      expect(inBox(HUE_BBOX, ...(f.properties.label_point as [number, number])), f.properties.name).toBe(true);
  });

  it('has HUE_EXTENT as the wards’ own extent, rounded outward by at most 0.01°', () => {
    expect(HUE_EXTENT.west).toBeLessThanOrEqual(extent.west);
    expect(HUE_EXTENT.south).toBeLessThanOrEqual(extent.south);
    expect(HUE_EXTENT.east).toBeGreaterThanOrEqual(extent.east);
    expect(HUE_EXTENT.north).toBeGreaterThanOrEqual(extent.north);
    expect(extent.west - HUE_EXTENT.west).toBeLessThan(0.02);
    expect(extent.south - HUE_EXTENT.south).toBeLessThan(0.02);
    expect(HUE_EXTENT.east - extent.east).toBeLessThan(0.02);
    expect(HUE_EXTENT.north - extent.north).toBeLessThan(0.02);
    // The wall's province view frames the same box.
    expect(PROVINCE_BOUNDS).toEqual([
      [HUE_EXTENT.west, HUE_EXTENT.south],
      [HUE_EXTENT.east, HUE_EXTENT.north],
    ]);
  });

  it('refuses what lies beyond the margin: Laos west of A Lưới, Hòa Vang (Đà Nẵng), a phone without a fix', () => {
    expect(checkPosition(106.85, 16.2, '/position').ok).toBe(false);
    expect(checkPosition(108.05, 15.85, '/position').ok).toBe(false);
    expect(checkPosition(0, 0, '/position').ok).toBe(false);
  });
});
