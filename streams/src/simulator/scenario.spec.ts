import { describe, expect, it } from 'vitest';
import {
  cityRainRate,
  FLOOD_CREST_END_MIN,
  FLOOD_CURVES,
  FLOOD_RISE_MIN,
  floodCurveFor,
  floodLevel,
  floodProgress,
  minuteReaching,
  type FloodCurve,
} from './scenario.ts';

const kimLong = FLOOD_CURVES['kim-long'] as FloodCurve;
const phuOc = FLOOD_CURVES['phu-oc'] as FloodCurve;

/** The first model minute (0.1 min steps) at which the level reaches `level`. */
function firstMinute(curve: FloodCurve, level: number): number {
  for (let m = 0; m <= 600; m += 0.1) if (floodLevel(curve, m) >= level) return m;
  return Infinity;
}

describe('flood scenario: river gauges', () => {
  it.each([
    ['Kim Long (Hương)', kimLong, [1.0, 2.0, 3.5]],
    ['Phú Ốc (Bồ)', phuOc, [1.5, 3.0, 4.5]],
  ] as const)('%s crosses BĐ I, II and III within the first model hour, in order', (_name, curve, levels) => {
    expect(curve.thresholds).toEqual(levels);
    expect(floodLevel(curve, 0)).toBeLessThan(levels[0]);
    const [m1, m2, m3] = levels.map((l) => firstMinute(curve, l)) as [number, number, number];
    expect(m1).toBeGreaterThan(0);
    expect(m1).toBeLessThan(m2);
    expect(m2).toBeLessThan(m3);
    expect(m3).toBeLessThan(FLOOD_RISE_MIN);
    // Not all at once: some minutes between alarm levels for the operators to see each one.
    expect(m2 - m1).toBeGreaterThan(5);
    expect(m3 - m2).toBeGreaterThan(5);
    for (const l of levels) expect(minuteReaching(curve, l)).toBeCloseTo(firstMinute(curve, l), 0);
  });

  it('starts Kim Long at ~0.8 m and crests at ~4 m, below the 5.05 m of 2025-10-27', () => {
    expect(floodLevel(kimLong, 0)).toBeCloseTo(0.8, 2);
    expect(floodLevel(kimLong, 60)).toBeGreaterThan(3.9);
    expect(floodLevel(kimLong, 60)).toBeLessThan(4.2);
    expect(floodLevel(phuOc, 60)).toBeLessThan(5.24);
  });

  it('rises monotonically, holds the crest, then recedes', () => {
    for (let m = 0; m < FLOOD_RISE_MIN; m += 0.5)
      expect(floodLevel(kimLong, m + 0.5)).toBeGreaterThanOrEqual(floodLevel(kimLong, m));
    for (let m = FLOOD_RISE_MIN; m <= FLOOD_CREST_END_MIN; m += 5)
      expect(floodLevel(kimLong, m)).toBeGreaterThan(3.5);
    expect(floodLevel(kimLong, FLOOD_CREST_END_MIN + 120)).toBeLessThan(
      floodLevel(kimLong, FLOOD_CREST_END_MIN),
    );
    expect(floodLevel(kimLong, 10_000)).toBeCloseTo(kimLong.base, 5);
    expect(floodProgress(0)).toBe(0);
    expect(floodProgress(FLOOD_RISE_MIN)).toBe(1);
    expect(floodProgress(FLOOD_CREST_END_MIN + 600)).toBeLessThan(1);
  });

  it('builds a curve for another gauge from its BĐ levels', () => {
    const c = floodCurveFor('ta-trach', [2, 3, 4])!;
    expect(c.base).toBeLessThan(2);
    expect(c.crest).toBeGreaterThan(4);
    expect(floodCurveFor('aq-1')).toBeUndefined();
  });
});

describe('rain', () => {
  const start = Date.parse('2025-10-27T06:00:00+07:00');
  it('pours (≥ 30 mm/h) while the flood rises', () => {
    for (let m = 0; m < FLOOD_RISE_MIN; m += 5)
      expect(cityRainRate('flood', start + m * 60_000, start, 46)).toBeGreaterThanOrEqual(30);
  });

  it('comes as showers on a normal day: mostly dry, sometimes heavy, the same for the same seed', () => {
    let dry = 0;
    let heavy = 0;
    const n = 24 * 60 * 10;
    for (let i = 0; i < n; i++) {
      const r = cityRainRate('normal', start + i * 60_000, start, 46);
      if (r === 0) dry++;
      if (r >= 10) heavy++;
      expect(r).toBe(cityRainRate('normal', start + i * 60_000, start, 46));
    }
    expect(dry / n).toBeGreaterThan(0.75);
    expect(heavy).toBeGreaterThan(0);
  });
});
