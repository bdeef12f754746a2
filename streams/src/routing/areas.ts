import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Polygon } from 'geojson';
import type { Position } from '../ingest/common.ts';

/**
 * Kinh thành Huế (the citadel), APPROXIMATE: a square of about 2.2 km a side around the axis through Kỳ Đài
 * (the flag tower, middle of the south-east wall, ≈ 16.4648 N 107.5797 E), turned to the axis bearing of about
 * 155°. The real walls are a slightly irregular Vauban-style square and lie within a few hundred metres of these
 * lines; replace this with a surveyed outline (e.g. from the Conservation Centre or OpenStreetMap) before
 * routing on it in production.
 */
export const KINH_THANH_HUE: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [107.58904, 16.46898],
      [107.58033, 16.48689],
      [107.56165, 16.47854],
      [107.57036, 16.46062],
      [107.58904, 16.46898],
    ],
  ],
};

/** Named areas that routing rules can refer to. */
export const ROUTING_AREAS: Readonly<Record<string, Polygon>> = {
  'kinh-thanh-hue': KINH_THANH_HUE,
};

export function inArea(position: Position, area: Polygon): boolean {
  return booleanPointInPolygon(position, area);
}
