import { hash01 } from './random.ts';

/**
 * What the simulated day looks like. `normal`: Huế on an ordinary day with passing showers. `flood`: a
 * flood of the season (September–December) compressed into one model hour: reservoir releases and heavy
 * rain upstream drive the Hương and Bồ rivers through all three alarm levels (báo động, BĐ I–III of
 * QĐ 05/2020/QĐ-TTg), then the water stays at its crest and slowly goes down.
 */
export const SCENARIOS = ['normal', 'flood'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'string' && (SCENARIOS as readonly string[]).includes(value);
}

/* ---------------------------------------------------------------- river gauges */

export interface FloodCurve {
  /** Level before the flood, below BĐ I (metres at the gauge datum). */
  base: number;
  /** Crest, above BĐ III. */
  crest: number;
  /** BĐ I, II, III. */
  thresholds: readonly [number, number, number];
}

/**
 * The two reference gauges (DOMAIN.md "Floods"): Kim Long on the Hương (BĐ 1.0 / 2.0 / 3.5 m; crest ~4 m, below
 * the 5.05 m of 2025-10-27) and Phú Ốc on the Bồ (1.5 / 3.0 / 4.5 m; crest ~5 m, below the 5.24 m record of 2020).
 */
export const FLOOD_CURVES: Readonly<Record<string, FloodCurve>> = {
  'kim-long': { base: 0.8, crest: 4.05, thresholds: [1.0, 2.0, 3.5] },
  'phu-oc': { base: 1.3, crest: 4.95, thresholds: [1.5, 3.0, 4.5] },
};

/** A gauge we have no curve for rises from just below its BĐ I to half a metre above its BĐ III. */
export function floodCurveFor(deviceId: string, thresholds?: readonly number[]): FloodCurve | undefined {
  const known = FLOOD_CURVES[deviceId];
  if (known) return known;
  if (thresholds && thresholds.length >= 3) {
    const [t1, t2, t3] = thresholds as [number, number, number];
    return { base: Math.max(0, t1 - 0.2), crest: t3 + 0.5, thresholds: [t1, t2, t3] };
  }
  return undefined;
}

/** Model minutes from the start of the flood scenario to the crest. */
export const FLOOD_RISE_MIN = 60;
/** The crest holds until this model minute, then the river recedes. */
export const FLOOD_CREST_END_MIN = 180;
/** Recession after the crest, metres per model hour (Huế floods drain over a day or two). */
export const FLOOD_RECESSION_M_PER_H = 0.25;

/**
 * How far into the flood we are, 0 before and at the start, 1 at the crest, falling back during the
 * recession: drives the surge of reports, calls and camera detections. A smooth (cosine) rise: slow at first,
 * fastest in the middle, slowing towards the crest, as a hydrograph does.
 */
export function floodProgress(minutes: number): number {
  if (minutes <= 0) return 0;
  if (minutes < FLOOD_RISE_MIN) return 0.5 - 0.5 * Math.cos((Math.PI * minutes) / FLOOD_RISE_MIN);
  if (minutes <= FLOOD_CREST_END_MIN) return 1;
  // The same fall as the Kim Long level, relative to its rise.
  const kl = FLOOD_CURVES['kim-long'] as FloodCurve;
  return Math.max(0, (floodLevel(kl, minutes) - kl.base) / (kl.crest - kl.base));
}

/** The level of a gauge at `minutes` of model time since the flood scenario started. */
export function floodLevel(curve: FloodCurve, minutes: number): number {
  const span = curve.crest - curve.base;
  if (minutes <= 0) return curve.base;
  if (minutes < FLOOD_RISE_MIN) return curve.base + span * floodProgress(minutes);
  if (minutes <= FLOOD_CREST_END_MIN) {
    // The crest wobbles by a few centimetres as releases and tide change.
    return (
      curve.crest +
      0.04 * Math.sin((Math.PI * (minutes - FLOOD_RISE_MIN)) / (FLOOD_CREST_END_MIN - FLOOD_RISE_MIN))
    );
  }
  const fallen = (FLOOD_RECESSION_M_PER_H * (minutes - FLOOD_CREST_END_MIN)) / 60;
  return Math.max(curve.base, curve.crest - fallen);
}

/** The model minute at which a curve first reaches `level` (for tests and the CLI's narration). */
export function minuteReaching(curve: FloodCurve, level: number): number | undefined {
  if (level <= curve.base) return 0;
  if (level > curve.crest) return undefined;
  const p = (level - curve.base) / (curve.crest - curve.base);
  return (FLOOD_RISE_MIN * Math.acos(1 - 2 * p)) / Math.PI;
}

/* ---------------------------------------------------------------- rain */

/** Rain in mm/h from which it is "raining hard" (the heavy band of the rain gauges, SENSOR_KIND_DEFAULTS). */
export const HEAVY_RAIN_MM_H = 10;

/**
 * Rain over the city (mm/h) at model time `t`. Normal: a shower in about one hour in eight, mostly light,
 * sometimes heavy, each a bump over its hour (deterministic from the seed, so every channel sees the same
 * weather). Flood: 40–65 mm/h while the rivers rise, easing to ~20 mm/h at the crest, then fading.
 */
export function cityRainRate(scenario: Scenario, t: number, scenarioStart: number, seed: number): number {
  const hourIndex = Math.floor(t / 3_600_000);
  const frac = t / 3_600_000 - hourIndex;
  const shower =
    hash01(seed, 'shower', hourIndex) < 0.12 ? 2 + 40 * hash01(seed, 'shower-peak', hourIndex) ** 2 : 0;
  const normal = shower * Math.sin(Math.PI * frac);
  if (scenario === 'normal') return normal;
  const minutes = (t - scenarioStart) / 60_000;
  if (minutes < 0) return normal;
  let flood: number;
  if (minutes < FLOOD_RISE_MIN) flood = 40 + 25 * Math.sin((Math.PI * minutes) / FLOOD_RISE_MIN);
  else if (minutes <= FLOOD_CREST_END_MIN)
    flood = 40 - (20 * (minutes - FLOOD_RISE_MIN)) / (FLOOD_CREST_END_MIN - FLOOD_RISE_MIN);
  else flood = 20 * Math.exp(-(minutes - FLOOD_CREST_END_MIN) / 120);
  return Math.max(flood, normal);
}

/**
 * Upstream catchments (A Lưới, Nam Đông, Bình Điền: the Tả Trạch, Hương Điền and Bình Điền reservoirs) get more
 * rain than the plain; a gauge we do not know gets the city's rain.
 */
export const RAIN_GAUGE_FACTOR: Readonly<Record<string, number>> = {
  'rain-a-luoi': 1.35,
  'rain-nam-dong': 1.25,
  'rain-binh-dien': 1.2,
  'rain-phong-dien': 1.0,
  'rain-phu-bai': 0.85,
};

/* ---------------------------------------------------------------- where floods hit */

/**
 * Low-lying wards along the Hương and Bồ rivers and the lagoon, with how much of a flood's reports they draw.
 * From coverage of recent floods (2020, 2025); a relative weighting, not a hazard map.
 */
export const FLOOD_PRONE_WARDS: readonly (readonly [shortName: string, weight: number])[] = [
  ['Kim Long', 3],
  ['Phú Xuân', 3],
  ['Quảng Điền', 3],
  ['Hương An', 2],
  ['Thuận Hóa', 2],
  ['Hóa Châu', 2],
  ['Phong Điền', 2],
  ['Hương Trà', 1.5],
  ['Kim Trà', 1.5],
  ['Vỹ Dạ', 1.5],
  ['Đan Điền', 1.5],
  ['Dương Nỗ', 1],
];
