/** A lon/lat box in WGS84 degrees. */
export interface LonLatBox {
  readonly west: number;
  readonly south: number;
  readonly east: number;
  readonly north: number;
}

/**
 * Thành phố Huế (province code 46) as a box: the 40 wards of geo/hue_wards_2025.geojson span lon
 * 107.0346–108.1949, lat 15.9947–16.7429; rounded outward to 0.01°. streams/src/geo/hue-area.spec.ts checks
 * it against the shipped geography.
 */
export const HUE_EXTENT: LonLatBox = { west: 107.02, south: 15.98, east: 108.2, north: 16.76 };

/** About 11 km (0.1°; 1° of longitude is 107 km at 16° N). */
const MARGIN_DEG = 0.1;

/**
 * Where a position in Huế may be: HUE_EXTENT plus about 10 km, so a phone's GPS error at the border or a
 * report from the lagoon or the sea off Thuận An is not lost; anything outside is another province or a
 * (0, 0) from a phone without a fix. Ingest refuses positions outside it (IOC_INGEST_OUT_OF_AREA) and a wall
 * scene may not point outside it (a swapped lon/lat, another city).
 */
export const HUE_BBOX: LonLatBox = grow(HUE_EXTENT, MARGIN_DEG);

export function inBox(box: LonLatBox, lon: number, lat: number): boolean {
  return lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north;
}

/** Rounded to 0.001° so the box reads as written (107.02 - 0.1 is 106.91999… in binary). */
function grow(box: LonLatBox, deg: number): LonLatBox {
  const r = (v: number): number => Math.round(v * 1000) / 1000;
  return {
    west: r(box.west - deg),
    south: r(box.south - deg),
    east: r(box.east + deg),
    north: r(box.north + deg),
  };
}
