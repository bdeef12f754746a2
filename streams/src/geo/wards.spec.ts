import { describe, expect, it, beforeAll } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from './wards.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');

describe('WardIndex', () => {
  let wards: WardIndex;
  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
  });

  it('holds the 40 communes of 2025 (21 phường, 19 xã)', () => {
    expect(wards.wards).toHaveLength(40);
    expect(wards.wards.filter((w) => w.type === 'Phường')).toHaveLength(21);
    expect(wards.wards.filter((w) => w.type === 'Xã')).toHaveLength(19);
  });

  it('finds the Kim Long gauge and the 83 Hùng Vương station in their wards', () => {
    expect(wards.wardAt(107.5968, 16.4622)?.shortName).toBe('Thuận Hóa');
    expect(wards.wardAt(107.553, 16.462)?.code).toMatch(/^\d{5}$/);
  });

  it('resolves the label point of each of the 40 wards to that ward', () => {
    const wrong = wards.wards.filter((w) => wards.wardAt(w.labelPoint[0], w.labelPoint[1])?.code !== w.code);
    expect(wrong.map((w) => w.name)).toEqual([]);
    expect(new Set(wards.wards.map((w) => w.code)).size).toBe(40);
  });

  it("keeps the file's label point where it is inside the ward and replaces the ones that are not", () => {
    // A deployment's own file may carry the upstream defect the shipped copy has fixed (geo/SOURCES.md):
    // these three upstream label points fall inside a neighbour once the polygons are simplified.
    const upstream: Record<string, [number, number]> = {
      'Quảng Điền': [107.52345, 16.55567],
      'Thuận An': [107.62441, 16.55591],
      'Hương Thủy': [107.68095, 16.40395],
    };
    const defective = new WardIndex({
      ...wards.collection,
      features: wards.collection.features.map((f) => {
        const given = upstream[f.properties.short_name];
        return given ? { ...f, properties: { ...f.properties, label_point: given } } : f;
      }),
    });
    const moved = defective.collection.features
      .filter((f) => {
        const w = defective.byCode(f.properties.gso_code)!;
        return (
          w.labelPoint[0] !== f.properties.label_point[0] || w.labelPoint[1] !== f.properties.label_point[1]
        );
      })
      .map((f) => f.properties.short_name)
      .sort();
    expect(moved).toEqual(['Hương Thủy', 'Quảng Điền', 'Thuận An']);
    const wrong = defective.wards.filter(
      (w) => defective.wardAt(w.labelPoint[0], w.labelPoint[1])?.code !== w.code,
    );
    expect(wrong.map((w) => w.name)).toEqual([]);
    // The correction is the computation the shipped copy was fixed with, so both give the same points.
    for (const w of defective.wards) expect(w.labelPoint, w.name).toEqual(wards.byCode(w.code)!.labelPoint);
  });

  it('says nothing for a point outside Huế (Đà Nẵng)', () => {
    expect(wards.wardAt(108.2022, 16.0544)).toBeUndefined();
  });

  it('gives a clear error when the folder is wrong', async () => {
    await expect(WardIndex.load('/nonexistent')).rejects.toThrow(/GEO_DIR/);
  });
});
