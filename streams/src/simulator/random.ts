import { mulberry32 } from './signals.ts';

/** A uniform draw in [0, 1). Every source of the simulator owns one, seeded from the run's seed. */
export type Rand = () => number;

/** FNV-1a over the label, mixed with the seed: independent streams per source, stable across runs. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // One round of mulberry32 spreads nearby seeds apart.
  return Math.floor(mulberry32(h)() * 4294967296) >>> 0;
}

/** A stream of draws for one source of the run. */
export function streamFor(seed: number, label: string): Rand {
  return mulberry32(deriveSeed(seed, label));
}

/** A deterministic draw in [0, 1) for a key, without state: weather of a given model hour, say. */
export function hash01(seed: number, ...parts: (string | number)[]): number {
  return mulberry32(deriveSeed(seed, parts.join('|')))();
}

export function gauss(rand: Rand): number {
  const u = Math.max(rand(), 1e-12);
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Waiting time of a Poisson process with `rate` events per unit. */
export function exponential(rand: Rand, rate: number): number {
  return -Math.log(1 - rand()) / rate;
}

export function between(rand: Rand, min: number, max: number): number {
  return min + (max - min) * rand();
}

/** An integer in [min, max]. */
export function intBetween(rand: Rand, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

export function pick<T>(rand: Rand, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(rand() * items.length)] as T;
}

/** Picks by weight; weights need not sum to 1, zero weights are never picked. */
export function weightedPick<T>(rand: Rand, items: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of items) total += Math.max(0, w);
  if (total <= 0) throw new Error('weightedPick needs a positive weight');
  let r = rand() * total;
  for (const [item, w] of items) {
    if (w <= 0) continue;
    r -= w;
    if (r < 0) return item;
  }
  // Rounding: the last item with a weight.
  for (let i = items.length - 1; i >= 0; i--) {
    const entry = items[i];
    if (entry && entry[1] > 0) return entry[0];
  }
  throw new Error('unreachable');
}
