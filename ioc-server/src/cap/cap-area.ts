import simplify from '@turf/simplify';
import booleanIntersects from '@turf/boolean-intersects';
import circle from '@turf/circle';
import { polygon as turfPolygon } from '@turf/helpers';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { bboxOf, type WardIndex } from '@hue-ioc/streams';
import type { CapArea } from './cap-document.ts';

/** CAP's geocode name for a ward: the GSO administrative unit code (Quyết định 124/2004/QĐ-TTg list). */
export const GSO_VALUE_NAME = 'GSO';
/** Thành phố Huế's GSO province code. */
export const HUE_PROVINCE_CODE = '46';

/** ~100 m at Huế's latitude: a ward outline of a few dozen points, still the ward on any map. */
const SIMPLIFY_TOLERANCE_DEG = 0.001;

const ring = (coords: readonly Position[]): string =>
  coords.map(([lon, lat]) => `${(lat ?? 0).toFixed(5)},${(lon ?? 0).toFixed(5)}`).join(' ');

/**
 * A ward as a CAP area: its outline simplified to CAP polygons ("lat,lon …", one per part, each ring closed
 * as §3.2.4 requires) and its GSO code as a geocode.
 */
export function wardArea(wards: WardIndex, code: string, desc?: { vi: string }): CapArea | null {
  const feature = wards.collection.features.find((f) => f.properties.gso_code === code);
  const ward = wards.byCode(code);
  if (!feature || !ward) return null;
  const simplified = simplify(feature, { tolerance: SIMPLIFY_TOLERANCE_DEG, highQuality: true }) as Feature<
    Polygon | MultiPolygon
  >;
  const parts =
    simplified.geometry.type === 'Polygon'
      ? [simplified.geometry.coordinates]
      : simplified.geometry.coordinates;
  const polygons = parts
    .map((p) => p[0] ?? [])
    .filter((outer) => outer.length >= 4)
    .map((outer) => ring(outer));
  return {
    areaDesc: desc?.vi ?? `${ward.name}, thành phố Huế`,
    polygon: polygons,
    circle: [],
    geocode: [{ valueName: GSO_VALUE_NAME, value: code }],
  };
}

/** A point with a radius as a CAP circle ("lat,lon km"). */
export function circleArea(areaDesc: string, lon: number, lat: number, radiusKm: number): CapArea {
  return { areaDesc, polygon: [], circle: [`${lat.toFixed(5)},${lon.toFixed(5)} ${radiusKm}`], geocode: [] };
}

/** What an inbound area says of Huế: the wards it touches, or the whole city. */
export interface Coverage {
  covers: boolean;
  wardCodes: string[];
  /** Where the wall shows it: the first ward's label point, or the city's centre. */
  position: [number, number] | null;
}

const fold = (s: string) =>
  s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
const HUE_NAMES = new Set([
  'hue',
  'thanh pho hue',
  'tp hue',
  'tp. hue',
  'thua thien hue',
  'tinh thua thien hue',
]);

/** Parses "lat,lon lat,lon …" into a GeoJSON ring, or null when it is not a closed ring of valid points. */
export function parseCapPolygon(s: string): Position[] | null {
  const pts = s.trim().split(/\s+/);
  if (pts.length < 4 || pts.length > 10_000) return null;
  const ring: Position[] = [];
  for (const p of pts) {
    const [a, b, ...rest] = p.split(',');
    const lat = Number(a);
    const lon = Number(b);
    if (rest.length > 0 || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    ring.push([lon, lat]);
  }
  const [f, l] = [ring[0]!, ring[ring.length - 1]!];
  if (f[0] !== l[0] || f[1] !== l[1]) return null;
  return ring;
}

/** Parses "lat,lon radius-km", or null. */
export function parseCapCircle(s: string): { lon: number; lat: number; km: number } | null {
  const m = /^\s*(-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*$/.exec(s);
  if (!m) return null;
  const [lat, lon, km] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || km > 5000) return null;
  return { lon, lat, km };
}

/**
 * Whether inbound CAP areas cover Huế: a polygon or circle intersecting a ward (a bounding-box test first),
 * a geocode naming a ward's GSO code or the province (46), or an areaDesc/geocode value naming Huế.
 */
export function coverage(wards: WardIndex, areas: readonly CapArea[]): Coverage {
  const codes = new Set<string>();
  let whole = false;
  const features = wards.collection.features;
  const boxes = features.map((f) => bboxOf(f.geometry));
  const city = boxes.reduce(
    (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])],
    [Infinity, Infinity, -Infinity, -Infinity],
  );
  const overlaps = (x: [number, number, number, number], y: readonly number[]) =>
    x[0] <= y[2]! && x[2] >= y[0]! && x[1] <= y[3]! && x[3] >= y[1]!;
  const test = (shape: Feature<Polygon>) => {
    const box = bboxOf(shape.geometry);
    if (!overlaps(box, city)) return;
    features.forEach((f, i) => {
      if (overlaps(box, boxes[i]!) && booleanIntersects(shape, f)) codes.add(f.properties.gso_code);
    });
  };
  for (const a of areas) {
    if (HUE_NAMES.has(fold(a.areaDesc))) whole = true;
    for (const g of a.geocode) {
      const v = g.value.trim();
      if (wards.byCode(v)) codes.add(v);
      else if (v === HUE_PROVINCE_CODE && /gso|province|tinh|admin/i.test(fold(g.valueName))) whole = true;
      else if (HUE_NAMES.has(fold(v))) whole = true;
    }
    for (const p of a.polygon) {
      const r = parseCapPolygon(p);
      if (r) test(turfPolygon([r]));
    }
    for (const c of a.circle) {
      const parsed = parseCapCircle(c);
      if (parsed)
        test(circle([parsed.lon, parsed.lat], Math.max(parsed.km, 0.01), { units: 'kilometers', steps: 32 }));
    }
  }
  const wardCodes = [...codes].sort();
  const first = wardCodes[0] === undefined ? undefined : wards.byCode(wardCodes[0]);
  const centre: [number, number] = [(city[0] + city[2]) / 2, (city[1] + city[3]) / 2];
  return {
    covers: whole || wardCodes.length > 0,
    wardCodes,
    position: first ? first.labelPoint : whole ? centre : null,
  };
}
