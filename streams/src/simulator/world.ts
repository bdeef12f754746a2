import type { SimEvent } from './events.ts';
import { cityRainRate, floodProgress, type Scenario } from './scenario.ts';

/** Hour of day in Huế (UTC+7, no daylight saving) of a model time in epoch ms, fractional. */
export function hueHour(t: number): number {
  return (((t / 3_600_000 + 7) % 24) + 24) % 24;
}

/** What every source of one run shares: the scenario, its clock origin and the weather. */
export class World {
  constructor(
    readonly seed: number,
    readonly scenario: Scenario,
    /** Model time at which the run (and the flood) starts. */
    readonly start: number,
    /** Distinguishes the ids of this run from an earlier run with the same seed against the same server. */
    readonly runId: string,
    readonly urls: { media: string; snapshots: string },
  ) {}

  rainAt(t: number): number {
    return cityRainRate(this.scenario, t, this.start, this.seed);
  }

  /** 0–1, only in the flood scenario. */
  floodProgressAt(t: number): number {
    return this.scenario === 'flood' ? floodProgress((t - this.start) / 60_000) : 0;
  }

  floodMinutesAt(t: number): number {
    return (t - this.start) / 60_000;
  }
}

/** One generator of events, consumed in model-time order by the plan. */
export interface Source {
  /** Model time of the next event; Infinity when there is none. */
  readonly nextAt: number;
  /** The events at `nextAt` (possibly none: a detection of a camera that is down), then advances. */
  take(): SimEvent[];
}

/** The largest value of `f` over a day, sampled every 36 s of model time: a bound for thinning. */
export function maxOverDay(f: (hour: number) => number): number {
  let max = 0;
  for (let i = 0; i <= 2400; i++) max = Math.max(max, f(i / 100));
  return max;
}
