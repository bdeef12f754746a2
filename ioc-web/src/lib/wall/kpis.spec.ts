import { describe, expect, it } from 'vitest';
import { sparkline } from './kpis';

const H0 = Date.parse('2026-11-27T00:00:00Z');
const hour = (h: number, v: number) => ({ t: H0 + h * 3_600_000, v });

/** The path's points (x, y) in order: d3-shape writes "M x,y" then curve segments ending at each point. */
function ends(path: string): [number, number][] {
  return [...path.matchAll(/(-?[\d.]+),(-?[\d.]+)(?=[A-Za-z]|$)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('KPI sparkline (d3-scale + d3-shape)', () => {
  it('puts the newest hour at the right edge and time on x, so a missing hour is a longer segment', () => {
    const { path } = sparkline([hour(20, 90), hour(21, 92), hour(24, 96)], 120, 40, null);
    const pts = ends(path);
    expect(pts[0]![0]).toBeCloseTo(120 - (4 / 24) * 120, 3);
    expect(pts.at(-1)![0]).toBeCloseTo(120, 3);
    // Higher values are higher on screen: 96 at the top, 90 at the bottom.
    expect(pts.at(-1)![1]).toBeCloseTo(0, 3);
    expect(pts[0]![1]).toBeCloseTo(40, 3);
  });

  it('draws the target on the same scale and keeps a flat series from being stretched', () => {
    const flat = sparkline([hour(1, 97.8), hour(2, 97.8)], 100, 40, 95);
    expect(flat.targetY).toBeCloseTo(40, 3);
    expect(ends(flat.path).every(([, y]) => Math.abs(y) < 1e-6)).toBe(true);
    const tiny = sparkline([hour(1, 50.1), hour(2, 50.2)], 100, 40, null);
    // A 0.1-point change on a 1-unit minimum range: a small step, not the full height.
    const [a, b] = ends(tiny.path);
    expect(Math.abs(a![1] - b![1])).toBeLessThan(6);
  });

  it('marks the newest point with a dot at the right edge (alone, it is the whole line), nothing without data', () => {
    expect(sparkline([hour(3, 80)], 100, 40, null)).toMatchObject({
      path: 'M100,20Z',
      last: { x: 100, y: 20 },
    });
    expect(sparkline([hour(2, 70), hour(3, 80)], 100, 40, null).last).toEqual({ x: 100, y: 0 });
    expect(sparkline([], 100, 40, 95)).toEqual({ path: '', targetY: null, last: null });
  });
});
