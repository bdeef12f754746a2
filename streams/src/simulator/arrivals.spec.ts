import { describe, expect, it } from 'vitest';
import {
  PoissonArrivals,
  cameraEventRates,
  categoryWeights,
  duplicateChance,
  DUPLICATE_SHARE,
  hotlineRate,
  hueSOrdinaryRate,
  hueSRate,
  hueSUrgentRate,
  isUrgentOnlyHour,
} from './arrivals.ts';
import { mulberry32 } from './signals.ts';

const hours = Array.from({ length: 24 * 4 }, (_, i) => i / 4);

describe('Hue-S arrival rate by hour (Asia/Ho_Chi_Minh)', () => {
  it('takes only urgent matters from 00:00 to 07:30', () => {
    for (const h of hours) {
      expect(isUrgentOnlyHour(h)).toBe(h < 7.5);
      if (h < 7.5) {
        expect(hueSOrdinaryRate(h)).toBe(0);
        expect(hueSUrgentRate(h)).toBeGreaterThan(0);
      } else expect(hueSOrdinaryRate(h)).toBeGreaterThan(0);
    }
  });

  it('peaks mid-morning and late afternoon', () => {
    const at = (h: number) => hueSRate(h);
    const morning = hours.filter((h) => h >= 8 && h < 12.5).reduce((a, b) => (at(b) > at(a) ? b : a));
    const afternoon = hours.filter((h) => h >= 13 && h < 20).reduce((a, b) => (at(b) > at(a) ? b : a));
    expect(morning).toBeGreaterThanOrEqual(9);
    expect(morning).toBeLessThanOrEqual(10.5);
    expect(afternoon).toBeGreaterThanOrEqual(15.5);
    expect(afternoon).toBeLessThanOrEqual(17.5);
    // A lull at lunch between them, and the night far below both.
    expect(at(13)).toBeLessThan(at(morning) * 0.6);
    expect(at(3)).toBeLessThan(at(morning) / 10);
  });

  it('sends most reports in daylight (06:00–18:00) and ~100–180 a day', () => {
    const integral = (from: number, to: number) => {
      let s = 0;
      for (let h = from; h < to; h += 0.01) s += hueSRate(h) * 0.01;
      return s;
    };
    const day = integral(0, 24);
    expect(day).toBeGreaterThan(100);
    expect(day).toBeLessThan(180);
    expect(integral(6, 18) / day).toBeGreaterThan(0.75);
  });

  it('keeps the hotline below Hue-S by day, and open at night', () => {
    for (const h of [9.5, 16.5]) expect(hotlineRate(h)).toBeLessThan(hueSRate(h) / 2);
    expect(hotlineRate(3)).toBeGreaterThan(0);
  });

  it('chooses the duplicate chance that makes ~25 % of hotline tickets repeats', () => {
    const hueS = 20;
    const hotline = 6;
    const p = duplicateChance(hueS, hotline);
    expect((p * hueS) / (p * hueS + hotline)).toBeCloseTo(DUPLICATE_SHARE, 6);
    expect(duplicateChance(0, 3)).toBe(0);
  });
});

describe('categories', () => {
  it('put waste and urban order first, then roads, lighting, drainage', () => {
    const w = new Map(categoryWeights(false, 0));
    const v = (c: string) => w.get(c as never) ?? 0;
    expect(v('environment')).toBeGreaterThan(v('roads'));
    expect(v('urban_order')).toBeGreaterThan(v('roads'));
    expect(v('roads')).toBeGreaterThan(v('lighting'));
    expect(v('lighting')).toBeGreaterThanOrEqual(v('drainage'));
  });

  it('shift to drainage when it rains hard', () => {
    const dry = new Map(categoryWeights(false, 0));
    const wet = new Map(categoryWeights(false, 40));
    expect(wet.get('drainage')!).toBeGreaterThan(dry.get('drainage')! * 4);
    expect(wet.get('environment')).toBe(dry.get('environment'));
  });
});

describe('camera detections', () => {
  const bridge = { traffic: 1, market: 0.2, lowLying: true, crowds: true };
  it('see congestion at rush hours, flooding only with hard rain or a flood', () => {
    expect(cameraEventRates(bridge, 7.25, 0, 0).congestion).toBeGreaterThan(
      cameraEventRates(bridge, 14, 0, 0).congestion * 3,
    );
    expect(cameraEventRates(bridge, 12, 0, 0).flooding).toBe(0);
    expect(cameraEventRates(bridge, 12, 5, 0).flooding).toBe(0);
    expect(cameraEventRates(bridge, 12, 45, 0).flooding).toBeGreaterThan(0);
    expect(cameraEventRates(bridge, 12, 0, 1).flooding).toBeGreaterThan(1);
  });
});

describe('PoissonArrivals', () => {
  it('matches the integral of its rate (thinning)', () => {
    // 10/h by day (06–18), 2/h at night, over 100 days: 14 400 expected.
    const rate = (t: number) => ((t / 3_600_000) % 24 >= 6 && (t / 3_600_000) % 24 < 18 ? 10 : 2);
    const p = new PoissonArrivals(0, rate, 10, mulberry32(5));
    let n = 0;
    let dayN = 0;
    for (let t = p.next(); t < 100 * 24 * 3_600_000; t = p.next()) {
      n++;
      const h = (t / 3_600_000) % 24;
      if (h >= 6 && h < 18) dayN++;
    }
    expect(Math.abs(n - 14_400)).toBeLessThan(4 * Math.sqrt(14_400));
    expect(Math.abs(dayN - 12_000)).toBeLessThan(4 * Math.sqrt(12_000));
  });

  it('is deterministic and refuses a rate above its bound', () => {
    const a = new PoissonArrivals(0, () => 3, 5, mulberry32(9));
    const b = new PoissonArrivals(0, () => 3, 5, mulberry32(9));
    for (let i = 0; i < 50; i++) expect(a.next()).toBe(b.next());
    expect(() => new PoissonArrivals(0, () => 6, 5, mulberry32(1)).next()).toThrow(/exceeds its bound/);
  });

  it('gives up on a rate that stays at zero', () => {
    expect(new PoissonArrivals(0, () => 0, 1, mulberry32(1)).next()).toBe(Infinity);
  });
});
