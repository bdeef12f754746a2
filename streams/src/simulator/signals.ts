import type { SensorKind } from '@hue-ioc/layers';

/** Hour of day in Huế (UTC+7, no daylight saving), fractional. */
export function hueHourOfDay(t: Date): number {
  return (((t.getTime() / 3_600_000 + 7) % 24) + 24) % 24;
}

/** Deterministic pseudo-random generator (mulberry32) so a run can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const gauss = (rand: () => number) => {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

export interface SignalState {
  /** Slowly varying component, e.g. river level baseline or a shower. */
  level: number;
}

/**
 * A plausible next value for a sensor at model time `t`. Water levels follow the ~12.4 h tide felt at
 * Kim Long and Phú Ốc plus slow drift; traffic and air quality follow Huế's morning and evening peaks.
 */
export function nextValue(
  kind: SensorKind,
  deviceId: string,
  t: Date,
  state: SignalState,
  rand: () => number,
): number {
  const hour = hueHourOfDay(t);
  const peaks = Math.exp(-((hour - 7.5) ** 2) / 2) + Math.exp(-((hour - 17.5) ** 2) / 2);
  switch (kind) {
    case 'water_level': {
      const base = deviceId === 'phu-oc' ? 0.9 : 0.55;
      state.level += (base - state.level) * 0.05 + gauss(rand) * 0.01;
      const tide = 0.12 * Math.sin((2 * Math.PI * t.getTime()) / (12.42 * 3_600_000));
      return round(Math.max(0, state.level + tide), 2);
    }
    case 'rain': {
      // Showers come and go: a decaying intensity with an occasional new burst.
      state.level = state.level * 0.9 + (rand() < 0.05 ? 5 + rand() * 25 : 0);
      return round(Math.max(0, state.level + gauss(rand) * 0.3), 1);
    }
    case 'air_quality': {
      state.level += (0 - state.level) * 0.1 + gauss(rand) * 3;
      return Math.round(Math.max(5, 45 + 35 * peaks + state.level));
    }
    case 'traffic': {
      const night = hour < 5 || hour > 22 ? 0.15 : 1;
      state.level += (0 - state.level) * 0.2 + gauss(rand) * 4;
      return Math.round(Math.max(0, night * (25 + 70 * peaks) + state.level));
    }
  }
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
