import type { LayerId, SensorProps } from '@hue-ioc/layers';
import type { LayerView } from './layer-sync';

/**
 * How old each layer's newest data is (ARCHITECTURE.md: "never a silently frozen map"). Ages are
 * measured on the server's clock — the server's `serverTime − changedAt` when the message was sent,
 * plus the time since it arrived here — so a wall PC whose clock is off still shows the right age.
 */
export interface LayerClock {
  readonly changedAt: number | null;
  readonly serverTime: number;
  readonly receivedAt: number;
}

export interface LayerFreshness {
  readonly layer: LayerId;
  /** Age of the newest change (ms); null when the server knows of none. */
  readonly ageMs: number | null;
  /** The age past which this layer's feed has probably stopped; null for layers that change on events. */
  readonly staleAfterMs: number | null;
  readonly stale: boolean;
}

export function clockOf(view: LayerView<unknown>): LayerClock {
  return { changedAt: view.changedAt, serverTime: view.serverTime, receivedAt: view.receivedAt };
}

export function layerAgeMs(clock: LayerClock, now: number): number | null {
  if (clock.changedAt === null) return null;
  return Math.max(0, clock.serverTime - clock.changedAt + Math.max(0, now - clock.receivedAt));
}

/** A sensor feed is late after three of its fastest device's reporting intervals (at least a minute). */
export const SENSOR_STALE_INTERVALS = 3;

/**
 * Only sensors report on a schedule (each device's `expectedIntervalS`): the layer is stale when none of
 * them has reported for three intervals of the most frequent one. Incidents, alerts, cameras and wards
 * change when something happens; a quiet night is not a fault, so they have no threshold.
 */
export function staleAfterMs(
  layer: LayerId,
  features: Iterable<{ props: unknown }> | undefined,
): number | null {
  if (layer !== 'sensors' || !features) return null;
  let fastest = Infinity;
  for (const f of features) {
    const s = (f.props as Partial<SensorProps> | null)?.expectedIntervalS;
    if (typeof s === 'number' && s > 0 && s < fastest) fastest = s;
  }
  return Number.isFinite(fastest) ? Math.max(60, fastest * SENSOR_STALE_INTERVALS) * 1000 : null;
}

export function freshnessOf(
  layer: LayerId,
  clock: LayerClock,
  staleAfter: number | null,
  now: number,
): LayerFreshness {
  const ageMs = layerAgeMs(clock, now);
  return {
    layer,
    ageMs,
    staleAfterMs: staleAfter,
    stale: staleAfter !== null && ageMs !== null && ageMs > staleAfter,
  };
}
