import { SENSOR_STATES, type Feature, type SensorProps, type SensorState } from '@hue-ioc/layers';
import { formatNumber } from '$lib/format';

export type SensorFeature = Feature<SensorProps>;

function isNumberOrNull(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Checks the props the wall reads, so one malformed feature from the wire is left out instead of
 * breaking the page. (A shared guard built from SensorPropsSchema in `layers` would replace this.)
 */
export function isSensorFeature(f: Feature<unknown>): f is SensorFeature {
  const p = f.props as Partial<Record<keyof SensorProps, unknown>> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.kind === 'string' &&
    typeof p.name === 'string' &&
    isNumberOrNull(p.value) &&
    (p.unit === null || typeof p.unit === 'string') &&
    (SENSOR_STATES as readonly unknown[]).includes(p.state) &&
    Array.isArray(p.thresholds) &&
    p.thresholds.every((t) => typeof t === 'number')
  );
}

/** The layer's sensors in the layer's own stable order (rows keep their place across deltas). */
export function sensorsOf(features: ReadonlyMap<string, Feature<unknown>>): SensorFeature[] {
  const out: SensorFeature[] = [];
  for (const f of features.values()) if (isSensorFeature(f)) out.push(f);
  return out;
}

export const WATER_LEVEL = 'water_level';

/** The two reference gauges of DOMAIN.md ("Floods") lead the panel, in this order. */
const GAUGE_ORDER = ['kim-long', 'phu-oc'];

/**
 * Most urgent first: BĐ III … I, then offline (a fault to chase), normal, and last the sensors
 * registered without any reading yet (nothing to read off them).
 */
const SEVERITY: Readonly<Record<SensorState, number>> = {
  alarm3: 0,
  alarm2: 1,
  alarm1: 2,
  offline: 3,
  normal: 4,
  unknown: 5,
};

export function severity(state: SensorState): number {
  return SEVERITY[state];
}

/** Label priority on the map (lower first): by severity, river gauges first within a level. */
export function labelPriority(props: SensorProps): number {
  return SEVERITY[props.state] * 2 + (props.kind === WATER_LEVEL ? 0 : 1);
}

export function gaugesOf(sensors: readonly SensorFeature[]): SensorFeature[] {
  const rank = (f: SensorFeature) => {
    const i = GAUGE_ORDER.indexOf(f.id);
    return i < 0 ? GAUGE_ORDER.length : i;
  };
  return sensors
    .filter((f) => f.props.kind === WATER_LEVEL)
    .sort((a, b) => rank(a) - rank(b) || a.props.name.localeCompare(b.props.name, 'vi'));
}

export function otherSensorsOf(sensors: readonly SensorFeature[]): SensorFeature[] {
  return sensors
    .filter((f) => f.props.kind !== WATER_LEVEL)
    .sort(
      (a, b) =>
        SEVERITY[a.props.state] - SEVERITY[b.props.state] || a.props.name.localeCompare(b.props.name, 'vi'),
    );
}

/** Metres to the centimetre for river levels; counts and indices whole; others to one decimal. */
export function decimalsFor(kind: string, value: number): number {
  if (kind === WATER_LEVEL) return 2;
  return Number.isInteger(value) || Math.abs(value) >= 100 ? 0 : 1;
}

/** Units as the wall writes them (VN_AQI: the Vietnamese air quality index of QĐ 1459/QĐ-TCMT). */
const UNIT_LABELS: Readonly<Record<string, string>> = { VN_AQI: 'AQI' };

export function formatReading(props: SensorProps, locale: string): string {
  if (props.value === null) return '—';
  const value = formatNumber(props.value, locale, decimalsFor(props.kind, props.value));
  return props.unit ? `${value} ${UNIT_LABELS[props.unit] ?? props.unit}` : value;
}
