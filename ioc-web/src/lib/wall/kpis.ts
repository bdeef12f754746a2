import { scaleLinear } from 'd3-scale';
import { curveMonotoneX, line } from 'd3-shape';
import { loadWithRetry } from './load-with-retry';
import { isKpiItem, type KpiItem, type KpiUpdate } from '@hue-ioc/layers';

export interface KpiPoint {
  t: number;
  v: number;
}

export interface KpiTile {
  kpi: string;
  value: number;
  target: number | null;
  /** When the value was measured (ms). */
  ts: number;
  /** Hourly values, oldest first, at most 24 h (+ the current hour). */
  series: readonly KpiPoint[];
  /** From the KPI catalogue (GET /api/kpis): an indicator an admin added has its label and unit only here. */
  label?: KpiItem['label'];
  unit?: KpiItem['unit'];
  goodDirection?: KpiItem['goodDirection'];
}

const HOUR = 3_600_000;
const SERIES_HOURS = 25;

/** Province-level tiles from `GET /api/kpis?level=province`. */
export function tilesFromResponse(body: unknown): Map<string, KpiTile> {
  const tiles = new Map<string, KpiTile>();
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return tiles;
  for (const item of items) {
    if (!isKpiItem(item) || item.scope.level !== 'province') continue;
    const series = item.series
      .map((p) => ({ t: Date.parse(p.t), v: p.v }))
      .filter((p) => Number.isFinite(p.t) && typeof p.v === 'number')
      .sort((a, b) => a.t - b.t)
      .slice(-SERIES_HOURS);
    tiles.set(item.kpi, {
      kpi: item.kpi,
      value: item.value,
      target: item.target ?? null,
      ts: Date.parse(item.ts),
      series,
      ...(item.label ? { label: item.label } : {}),
      ...(item.unit ? { unit: item.unit } : {}),
      ...(item.goodDirection ? { goodDirection: item.goodDirection } : {}),
    });
  }
  return tiles;
}

/**
 * Applies a `kpi:update`: the value, and the current hour's point of the sparkline (the series is hourly;
 * a new hour appends, the oldest beyond 24 h drops off). Only province-level updates make tiles.
 */
export function applyKpiUpdate(tiles: ReadonlyMap<string, KpiTile>, u: KpiUpdate): Map<string, KpiTile> {
  const next = new Map(tiles);
  if (u.scope?.level !== 'province') return next;
  const ts = Date.parse(u.ts);
  if (!Number.isFinite(ts)) return next;
  const prev = tiles.get(u.kpi);
  if (prev && prev.ts > ts) return next;
  const hour = Math.floor(ts / HOUR) * HOUR;
  const series = [...(prev?.series ?? [])];
  const last = series[series.length - 1];
  if (last && last.t === hour) series[series.length - 1] = { t: hour, v: u.value };
  else series.push({ t: hour, v: u.value });
  // kpi:update carries the sample only: the catalogue's label, unit and target stay from GET /api/kpis.
  next.set(u.kpi, {
    ...(prev ?? {}),
    kpi: u.kpi,
    value: u.value,
    target: u.target ?? prev?.target ?? null,
    ts,
    series: series.slice(-SERIES_HOURS),
  });
  return next;
}

/** Trend over the series: compares the newest value with the one about an hour or more before. */
export function trendOf(tile: KpiTile): 'up' | 'down' | 'flat' {
  const s = tile.series;
  if (s.length < 2) return 'flat';
  const now = tile.value;
  const before = s[s.length - 2]!.v;
  const delta = now - before;
  if (Math.abs(delta) < 0.05) return 'flat';
  return delta > 0 ? 'up' : 'down';
}

export interface Sparkline {
  /** SVG path of the series (d3-shape line, monotone: no overshoot between hourly points). */
  path: string;
  /** y of the target on the same scale; null without a target. */
  targetY: number | null;
  /** The newest point, marked with a dot (alone, it is the whole line). */
  last: { x: number; y: number } | null;
}

/**
 * A sparkline `width`×`height` over the last SERIES_HOURS hours (d3-scale): time on x, so a gap in the
 * hourly series shows as a longer segment; the y range covers the values and the target, at least one
 * unit tall so a flat series is not stretched into noise.
 */
export function sparkline(
  series: readonly KpiPoint[],
  width: number,
  height: number,
  target: number | null,
): Sparkline {
  if (series.length === 0) return { path: '', targetY: null, last: null };
  const values = series.map((p) => p.v);
  if (target !== null) values.push(target);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1) {
    lo -= 0.5;
    hi += 0.5;
  }
  const newest = series[series.length - 1]!.t;
  const x = scaleLinear()
    .domain([newest - (SERIES_HOURS - 1) * HOUR, newest])
    .range([0, width])
    .clamp(true);
  const y = scaleLinear().domain([lo, hi]).range([height, 0]);
  const path =
    line<KpiPoint>()
      .x((p) => x(p.t))
      .y((p) => y(p.v))
      .curve(curveMonotoneX)(series) ?? '';
  const newestPoint = series[series.length - 1]!;
  return {
    path,
    targetY: target === null ? null : y(target),
    last: { x: x(newestPoint.t), y: y(newestPoint.v) },
  };
}

/**
 * Loads the province KPIs, retrying every `retryMs` until it works. Returns a stop function.
 */
export function loadKpis(
  token: string | null,
  onLoaded: (tiles: Map<string, KpiTile>) => void,
  retryMs = 15_000,
): () => void {
  return loadWithRetry({
    path: '/api/kpis?level=province',
    token,
    parse: tilesFromResponse,
    onLoaded,
    retryMs,
  });
}

/** Agency display names from `GET /api/agencies` (id → {vi, en}); empty on failure (ids are shown). */
export async function loadAgencyNames(
  token: string | null,
): Promise<Map<string, { vi: string; en: string }>> {
  const names = new Map<string, { vi: string; en: string }>();
  try {
    const response = await fetch('/api/agencies', {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) return names;
    const body = (await response.json()) as {
      items?: { id?: unknown; nameVi?: unknown; nameEn?: unknown }[];
    };
    for (const a of body.items ?? []) {
      if (typeof a.id === 'string' && typeof a.nameVi === 'string') {
        names.set(a.id, { vi: a.nameVi, en: typeof a.nameEn === 'string' ? a.nameEn : a.nameVi });
      }
    }
  } catch {
    // names are a nicety: the panel falls back to ids
  }
  return names;
}
