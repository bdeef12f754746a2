import { beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { WardIndex } from '../geo/wards.ts';
import { haversineM } from '../incidents/merge.ts';
import { offsetPosition, WardPlaces, wardWeights } from './places.ts';
import { mulberry32 } from './signals.ts';

const GEO_DIR = resolve(import.meta.dirname, '../../../geo');

describe('where citizens report from', () => {
  let wards: WardIndex;
  beforeAll(async () => {
    wards = await WardIndex.load(GEO_DIR);
  });

  it('weights all 40 wards, summing to 1', () => {
    const w = wardWeights(wards);
    expect(w).toHaveLength(40);
    expect(w.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 9);
    expect(w.every((x) => x.weight > 0)).toBe(true);
  });

  it('gives denser wards more reports: the old city first, mountain communes least', () => {
    const w = new Map(wardWeights(wards).map((x) => [x.ward.shortName, x.weight]));
    const share = (name: string) => w.get(name) ?? NaN;
    // Thuận Hóa (~13 000 people/km²) and Phú Xuân (~12 500) lead; Kim Long is populous but large; Long Quảng is mountains.
    expect(share('Thuận Hóa')).toBeGreaterThan(share('Vỹ Dạ'));
    expect(share('Vỹ Dạ')).toBeGreaterThan(share('An Cựu'));
    expect(share('An Cựu')).toBeGreaterThan(share('Kim Long'));
    expect(share('Kim Long')).toBeGreaterThan(share('Long Quảng'));
    const central = ['Thuận Hóa', 'Phú Xuân', 'Vỹ Dạ', 'An Cựu'].reduce((s, n) => s + share(n), 0);
    expect(central).toBeGreaterThan(0.5);
    // Weights rise with density wherever the population is similar (within 15 %).
    const list = wardWeights(wards);
    for (const a of list)
      for (const b of list) {
        const da = a.ward.population / a.ward.areaKm2;
        const db = b.ward.population / b.ward.areaKm2;
        if (Math.abs(a.ward.population - b.ward.population) / b.ward.population < 0.15 && da > db * 1.2)
          expect(a.weight, `${a.ward.shortName} vs ${b.ward.shortName}`).toBeGreaterThan(b.weight);
      }
  });

  it('draws wards in those proportions', () => {
    const places = new WardPlaces(wards);
    const rand = mulberry32(46);
    const counts = new Map<string, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const w = places.pickWard(rand);
      counts.set(w.code, (counts.get(w.code) ?? 0) + 1);
    }
    for (const { ward, weight } of wardWeights(wards)) {
      const sd = Math.sqrt(n * weight * (1 - weight));
      expect(Math.abs((counts.get(ward.code) ?? 0) - n * weight), ward.shortName).toBeLessThan(4 * sd + 2);
    }
  });

  it('puts every point inside its ward (rejection sampling with wardAt)', () => {
    const places = new WardPlaces(wards);
    const rand = mulberry32(1);
    for (const ward of wards.wards)
      for (let i = 0; i < 15; i++) {
        const [lon, lat] = places.pointIn(ward, rand);
        expect(wards.wardAt(lon, lat)?.code, ward.shortName).toBe(ward.code);
      }
  });

  it('offsets a point by the distance asked', () => {
    const from: [number, number] = [107.5881, 16.4684];
    for (const [d, b] of [
      [50, 0],
      [120, 1],
      [80, 4],
    ] as const)
      expect(haversineM(from, offsetPosition(from, d, b))).toBeCloseTo(d, -0.5);
  });
});
