import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { polylabel } from './polylabel.ts';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

/** Properties of `hue_wards_2025.geojson` (see geo/SOURCES.md). */
export interface WardProperties {
  gso_code: string;
  name: string;
  short_name: string;
  type: 'Phường' | 'Xã' | string;
  area_km2: number;
  population: number;
  label_point: [number, number];
}

export type WardFeature = Feature<Polygon | MultiPolygon, WardProperties>;
export const WARDS_FILE = 'hue_wards_2025.geojson';

export interface Ward {
  code: string;
  name: string;
  shortName: string;
  type: string;
  population: number;
  areaKm2: number;
  labelPoint: [number, number];
}

/** The 40 communes of Thành phố Huế in force from 2025-07-01, with a point-in-polygon lookup. */
export class WardIndex {
  private readonly entries: { ward: Ward; feature: WardFeature; bbox: [number, number, number, number] }[];

  constructor(readonly collection: FeatureCollection<Polygon | MultiPolygon, WardProperties>) {
    this.entries = collection.features.map((feature) => ({
      ward: {
        code: feature.properties.gso_code,
        name: feature.properties.name,
        shortName: feature.properties.short_name,
        type: feature.properties.type,
        population: feature.properties.population,
        areaKm2: feature.properties.area_km2,
        labelPoint: labelPointOf(feature),
      },
      feature,
      bbox: bboxOf(feature.geometry),
    }));
  }

  static async load(geoDir: string): Promise<WardIndex> {
    const path = join(geoDir, WARDS_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read the ward boundaries at ${path} (set GEO_DIR): ${(e as Error).message}`);
    }
    const collection = JSON.parse(text) as FeatureCollection<Polygon | MultiPolygon, WardProperties>;
    if (
      collection.type !== 'FeatureCollection' ||
      !Array.isArray(collection.features) ||
      collection.features.length === 0
    ) {
      throw new Error(`${path} is not a GeoJSON FeatureCollection of wards`);
    }
    return new WardIndex(collection);
  }

  get wards(): Ward[] {
    return this.entries.map((e) => e.ward);
  }

  byCode(code: string): Ward | undefined {
    return this.entries.find((e) => e.ward.code === code)?.ward;
  }

  byShortName(shortName: string): Ward | undefined {
    return this.entries.find((e) => e.ward.shortName === shortName)?.ward;
  }

  /** The ward containing the point, or undefined outside Huế. */
  wardAt(lon: number, lat: number): Ward | undefined {
    for (const e of this.entries) {
      const [minX, minY, maxX, maxY] = e.bbox;
      if (lon < minX || lon > maxX || lat < minY || lat > maxY) continue;
      if (booleanPointInPolygon([lon, lat], e.feature)) return e.ward;
    }
    return undefined;
  }
}

/**
 * Where a ward's name and counts go: the file's `label_point` when it lies inside the ward, else the pole of
 * inaccessibility of its largest polygon (polylabel). Three label points of the 2025 file (Quảng Điền,
 * Thuận An, Hương Thủy) fall in a neighbour once the polygons are simplified.
 */
function labelPointOf(feature: WardFeature): [number, number] {
  const given = feature.properties.label_point;
  if (given && booleanPointInPolygon(given, feature)) return given;
  const polygons =
    feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  const largest = polygons.reduce((a, b) => ((b[0]?.length ?? 0) > (a[0]?.length ?? 0) ? b : a));
  const [x, y] = polylabel(largest as number[][][], 0.0001);
  return [Math.round(x * 1e5) / 1e5, Math.round(y * 1e5) / 1e5];
}

/** [minLon, minLat, maxLon, maxLat] of a (multi)polygon. */
export function bboxOf(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons)
    for (const ring of polygon)
      for (const [x, y] of ring) {
        if (x === undefined || y === undefined) continue;
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      }
  return [minX, minY, maxX, maxY];
}
