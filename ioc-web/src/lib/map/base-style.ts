import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import { SENSOR_STATE_COLORS, rgbaToCss } from '@hue-ioc/layers';

/**
 * The wall's map style, inline: no style URL, tiles, glyphs or sprite, so the map works on the
 * control-room network with no internet. Labels are drawn by deck.gl (see ward-labels.ts) because
 * MapLibre symbol labels would need a glyph server.
 */
export const WALL_COLORS = {
  sea: '#050d17',
  land: '#0f1a28',
  phuong: '#17283d', // phường: urban wards, a shade lighter
  xa: '#132235', // xã: rural communes
  wardLine: '#4f7296',
  coast: '#22364f',
  frame: '#8fd3ff',
} as const;

export const EMPTY_COLLECTION: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** [[west, south], [east, north]] */
export type LonLatBounds = readonly [readonly [number, number], readonly [number, number]];

/** The outline of an area shown in detail elsewhere (the city inset), or nothing. */
export function frameFeature(frame: LonLatBounds | null): GeoJSON.FeatureCollection {
  if (!frame) return EMPTY_COLLECTION;
  const [[w, s], [e, n]] = frame;
  const ring = [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ];
  return {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: ring } }],
  };
}

/**
 * Ward choropleth: open incidents per 10,000 residents (feature-state `open10k` from the `wards` live
 * layer). A single-hue blue ramp, dark to light: ordered, and safe for the common colour-vision
 * deficiencies. Breaks are shown in the legend (CHOROPLETH_STEPS).
 */
export const CHOROPLETH_STEPS: readonly { value: number; color: string }[] = [
  { value: 0, color: '#15263a' },
  { value: 0.5, color: '#173f63' },
  { value: 1.5, color: '#1f5f8f' },
  { value: 3, color: '#2f82b5' },
  { value: 6, color: '#5aa7d3' },
];

const OPEN10K: ExpressionSpecification = ['coalesce', ['feature-state', 'open10k'], -1];

/** feature-state `alarm` (0–3) of a ward: the highest BĐ level among its sensors. */
const ALARM: ExpressionSpecification = ['coalesce', ['feature-state', 'alarm'], 0];

export function wallMapStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'hue-ioc-wall',
    sources: {
      land: { type: 'geojson', data: EMPTY_COLLECTION },
      // promoteId: feature-state is keyed by the ward's GSO code, the same code sensors carry.
      wards: { type: 'geojson', data: EMPTY_COLLECTION, promoteId: 'gso_code' },
      frame: { type: 'geojson', data: EMPTY_COLLECTION },
    },
    layers: [
      { id: 'sea', type: 'background', paint: { 'background-color': WALL_COLORS.sea } },
      {
        id: 'land',
        type: 'fill',
        source: 'land',
        paint: { 'fill-color': WALL_COLORS.land, 'fill-outline-color': WALL_COLORS.coast },
      },
      {
        id: 'wards-fill',
        type: 'fill',
        source: 'wards',
        paint: {
          'fill-color': [
            'match',
            ALARM,
            1,
            rgbaToCss(SENSOR_STATE_COLORS.alarm1),
            2,
            rgbaToCss(SENSOR_STATE_COLORS.alarm2),
            3,
            rgbaToCss(SENSOR_STATE_COLORS.alarm3),
            ['match', ['get', 'type'], 'Phường', WALL_COLORS.phuong, WALL_COLORS.xa],
          ],
          'fill-opacity': ['case', ['>', ALARM, 0], 0.3, 0.92],
        },
      },
      {
        // Above the plain fill, under the lines; a ward in alarm keeps its alarm fill.
        id: 'wards-choropleth',
        type: 'fill',
        source: 'wards',
        layout: { visibility: 'none' },
        paint: {
          'fill-color': [
            'interpolate',
            ['linear'],
            ['max', OPEN10K, 0],
            ...CHOROPLETH_STEPS.flatMap((s) => [s.value, s.color]),
          ] as ExpressionSpecification,
          'fill-opacity': ['case', ['all', ['>=', OPEN10K, 0], ['==', ALARM, 0]], 0.95, 0],
        },
      },
      {
        id: 'wards-line',
        type: 'line',
        source: 'wards',
        paint: { 'line-color': WALL_COLORS.wardLine, 'line-width': 1.2, 'line-opacity': 0.9 },
      },
      {
        // A ward in alarm is also outlined in its level's colour, above its neighbours' lines.
        id: 'wards-alarm-line',
        type: 'line',
        source: 'wards',
        paint: {
          'line-color': [
            'match',
            ALARM,
            1,
            rgbaToCss(SENSOR_STATE_COLORS.alarm1),
            2,
            rgbaToCss(SENSOR_STATE_COLORS.alarm2),
            rgbaToCss(SENSOR_STATE_COLORS.alarm3),
          ],
          'line-width': 2.5,
          'line-opacity': ['case', ['>', ALARM, 0], 1, 0],
        },
      },
      {
        id: 'frame',
        type: 'line',
        source: 'frame',
        paint: { 'line-color': WALL_COLORS.frame, 'line-width': 2, 'line-dasharray': [3, 2] },
      },
    ],
  };
}
