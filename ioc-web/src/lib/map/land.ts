import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

type LonLatBox = readonly [west: number, south: number, east: number, north: number];

/** Land around Huế, wide enough to fill a wall screen at the province's zoom. */
export const LAND_REGION: LonLatBox = [103, 12, 112, 21];

function ringsBox(rings: GeoJSON.Position[][]): LonLatBox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const ring of rings) {
    for (const [x = 0, y = 0] of ring) {
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    }
  }
  return [w, s, e, n];
}

function intersects(a: LonLatBox, b: LonLatBox): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
}

/** Keeps the polygons that touch `region`: the world's 10m land is too much to hand to MapLibre. */
export function clipLand(
  land: GeoJSON.Feature | GeoJSON.FeatureCollection,
  region: LonLatBox,
): GeoJSON.FeatureCollection<GeoJSON.Polygon> {
  const features = land.type === 'FeatureCollection' ? land.features : [land];
  const out: GeoJSON.Feature<GeoJSON.Polygon>[] = [];
  for (const f of features) {
    const g = f.geometry;
    const polygons = g.type === 'MultiPolygon' ? g.coordinates : g.type === 'Polygon' ? [g.coordinates] : [];
    for (const rings of polygons) {
      if (intersects(ringsBox(rings), region)) {
        out.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: rings } });
      }
    }
  }
  return { type: 'FeatureCollection', features: out };
}

/**
 * Natural Earth 1:10m land from the `world-atlas` package, bundled by Vite (its own chunk, loaded
 * after the page is up), so the coastline needs no tile server.
 */
export function loadLand(): Promise<GeoJSON.FeatureCollection<GeoJSON.Polygon>> {
  land ??= importLand();
  return land;
}

/** One parse for every map on the page. */
let land: Promise<GeoJSON.FeatureCollection<GeoJSON.Polygon>> | undefined;

async function importLand(): Promise<GeoJSON.FeatureCollection<GeoJSON.Polygon>> {
  const { default: topology } = (await import('world-atlas/land-10m.json')) as unknown as {
    default: Topology<{ land: GeometryCollection }>;
  };
  return clipLand(feature(topology, topology.objects.land), LAND_REGION);
}
