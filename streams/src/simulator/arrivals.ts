import type { CameraEventType, CategoryCode } from '../incidents/taxonomy.ts';
import { exponential, type Rand } from './random.ts';
import { HEAVY_RAIN_MM_H } from './scenario.ts';

/*
 * Arrival rates, per MODEL hour, of a normal day in Huế (Asia/Ho_Chi_Minh, UTC+7). Shapes, not statistics:
 * Huế publishes yearly totals of Hue-S reports, not hourly ones. About 120 Hue-S reports a day at rate 1.
 */

const bump = (hour: number, centre: number, width: number) =>
  Math.exp(-((hour - centre) ** 2) / (2 * width ** 2));

/** From 00:00 to 07:30 Hue-S takes only urgent matters (DOMAIN.md). */
export const URGENT_ONLY_UNTIL_HOUR = 7.5;

export function isUrgentOnlyHour(hour: number): boolean {
  return hour >= 0 && hour < URGENT_ONLY_UNTIL_HOUR;
}

/**
 * Ordinary (non-urgent) Hue-S reports per hour at `hour` (0–24, fractional): none before 07:30, a mid-morning
 * peak (~09:30), a late-afternoon one (~16:30), tailing off through the evening.
 */
export function hueSOrdinaryRate(hour: number): number {
  if (isUrgentOnlyHour(hour)) return 0;
  const day = 3 + 14 * bump(hour, 9.5, 1.3) + 11 * bump(hour, 16.5, 1.3);
  const evening = hour > 20 ? Math.max(0.15, 1 - ((hour - 20) / 4) * 0.85) : 1;
  return day * evening;
}

/** Urgent Hue-S reports per hour: fires, accidents, fallen wires and trees, day and night. */
export function hueSUrgentRate(hour: number): number {
  return isUrgentOnlyHour(hour) ? 0.5 : 0.04 * hueSOrdinaryRate(hour) + 0.2;
}

/** Everything Hue-S gets in an hour on a normal day. */
export function hueSRate(hour: number): number {
  return hueSOrdinaryRate(hour) + hueSUrgentRate(hour);
}

/**
 * Tổng đài 19001075 tickets per hour that are not a second report of a Hue-S one: about a third of Hue-S by
 * day, and the line stays open at night. Duplicates of Hue-S reports come on top (`DUPLICATE_SHARE`).
 */
export function hotlineRate(hour: number): number {
  return 0.3 * hueSOrdinaryRate(hour) + 0.3;
}

/** Share of hotline tickets that repeat a recent Hue-S report (same matter, another channel). */
export const DUPLICATE_SHARE = 0.25;

/**
 * The chance a Hue-S report gets a hotline duplicate, such that duplicates make up `DUPLICATE_SHARE` of the
 * hotline's tickets at this hour: p × hueS = share / (1 − share) × independent hotline.
 */
export function duplicateChance(hueSPerHour: number, hotlinePerHour: number): number {
  if (hueSPerHour <= 0) return 0;
  return Math.min(0.6, ((DUPLICATE_SHARE / (1 - DUPLICATE_SHARE)) * hotlinePerHour) / hueSPerHour);
}

/** Extra reports per hour at the height of the flood scenario (× flood progress 0–1). */
export const FLOOD_SURGE = { hueS: 36, hotline: 14 } as const;

/* ---------------------------------------------------------------- categories */

/**
 * Ordinary categories in plausible proportions (coverage of Hue-S: waste and urban order lead, then roads,
 * lighting and drainage). Rain shifts weight to drainage: ×(1 + rain/10), capped at ×6.
 */
const ORDINARY_WEIGHTS: Readonly<Record<CategoryCode, number>> = {
  environment: 26,
  urban_order: 22,
  roads: 13,
  lighting: 10,
  drainage: 8,
  traffic: 8,
  security: 4,
  public_services: 3,
  food_safety: 2,
  heritage_tourism: 2,
  other: 2,
};

const URGENT_WEIGHTS: Readonly<Partial<Record<CategoryCode, number>>> = {
  security: 30,
  traffic: 30,
  lighting: 15,
  drainage: 12,
  environment: 10,
  roads: 3,
};

export function rainBoost(rainMmH: number): number {
  return Math.min(6, 1 + Math.max(0, rainMmH) / HEAVY_RAIN_MM_H);
}

export function categoryWeights(urgent: boolean, rainMmH: number): [CategoryCode, number][] {
  const table = urgent ? URGENT_WEIGHTS : ORDINARY_WEIGHTS;
  return (Object.entries(table) as [CategoryCode, number][]).map(([c, w]) => [
    c,
    c === 'drainage' ? w * rainBoost(rainMmH) : w,
  ]);
}

/* ---------------------------------------------------------------- cameras */

/** Rush hours in Huế: ~07:15, lunchtime ~11:30 (schools and offices let out), ~17:15. */
export function rushHour(hour: number): number {
  return bump(hour, 7.25, 0.6) + 0.6 * bump(hour, 11.5, 0.4) + bump(hour, 17.25, 0.7);
}

const daytime = (hour: number) => (hour >= 7 && hour < 21 ? 1 : 0.1);

export interface CameraProfile {
  /** 0–1: how much traffic the camera watches (bridges and arterials 1). */
  traffic: number;
  /** Markets and tourist spots: more parking on the sidewalk and litter. */
  market: number;
  /** Where water collects first (riverbanks, the citadel's low streets). */
  lowLying: boolean;
  /** Where crowds gather in the evening (Ngọ Môn, the riverside). */
  crowds: boolean;
}

export const DEFAULT_CAMERA_PROFILE: CameraProfile = {
  traffic: 0.7,
  market: 0.3,
  lowLying: false,
  crowds: false,
};

/** Detections per model hour of one camera, by type. */
export function cameraEventRates(
  profile: CameraProfile,
  hour: number,
  rainMmH: number,
  floodProgress: number,
): Record<CameraEventType, number> {
  const rush = rushHour(hour);
  const rainFlooding = rainMmH >= 30 ? (1.5 * Math.min(50, rainMmH - 25)) / 25 : 0;
  return {
    congestion: profile.traffic * (0.1 + 2.5 * rush),
    illegal_parking: daytime(hour) * (0.3 + 0.9 * profile.market),
    littering: (hour >= 18 && hour < 22 ? 0.4 : 0.2 * daytime(hour)) * (0.5 + profile.market),
    accident: profile.traffic * (0.01 + 0.04 * rush),
    flooding: (profile.lowLying ? 1 : 0.15) * (rainFlooding + 3 * floodProgress),
    crowd: profile.crowds && hour >= 18 && hour < 22 ? 0.15 : 0.01,
    fire_smoke: 0.005,
  };
}

/* ---------------------------------------------------------------- Poisson arrivals */

/**
 * A non-homogeneous Poisson process by thinning (Lewis & Shedler): candidates at the constant rate `bound`,
 * each kept with probability rate(t) / bound. `rate` is per model hour; times are model epoch milliseconds.
 * Deterministic for a given stream of draws, whatever the wall clock does.
 */
export class PoissonArrivals {
  private t: number;

  constructor(
    start: number,
    private readonly rate: (t: number) => number,
    private readonly bound: number,
    private readonly rand: Rand,
  ) {
    if (!(bound > 0)) throw new Error('PoissonArrivals needs a positive bound');
    this.t = start;
  }

  /** The next arrival after the previous one. */
  next(): number {
    // A rate that stays at zero (a multiplier of 0) would never yield: give up after a million candidates.
    for (let i = 0; i < 1_000_000; i++) {
      this.t += exponential(this.rand, this.bound) * 3_600_000;
      const r = this.rate(this.t);
      if (r > this.bound * 1.000001) throw new Error(`arrival rate ${r}/h exceeds its bound ${this.bound}/h`);
      if (this.rand() * this.bound < r) return this.t;
    }
    this.t = Infinity;
    return Infinity;
  }
}
