import { createHash } from 'node:crypto';
import simplify from 'simplify-js';
import type { WardIndex } from '@hue-ioc/streams';

/**
 * The light map of the transparency page: the 40 phường/xã outlines as one SVG (a few KB, cached by the
 * phone for a day), and the page's reports as dots in the same coordinates. MapLibre and its tiles are
 * too heavy for a phone on a slow link; a citizen needs "where, roughly", not a street map.
 *
 * Projection: equirectangular around Huế's latitude (x scaled by cos φ), which at this size (≈ 100 km)
 * differs from Web Mercator by less than a pixel. Outlines are simplified (Douglas–Peucker, simplify-js)
 * to a tolerance of 0.6 px: finer detail would not be drawn anyway.
 */
export const MAP_WIDTH = 600;
const TOLERANCE_PX = 0.6;
const PAD = 6;

export interface WardMap {
  width: number;
  height: number;
  /** The outline document (image/svg+xml) and its ETag. */
  svg: string;
  etag: string;
  /** Map coordinates of a position, rounded to 0.1 px. */
  project(lon: number, lat: number): [number, number];
}

type Ring = number[][];

export function buildWardMap(wards: WardIndex): WardMap {
  const features = wards.collection.features;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const polygons: { code: string; rings: Ring[] }[] = [];
  for (const f of features) {
    const polys: Ring[][] =
      f.geometry.type === 'Polygon'
        ? [f.geometry.coordinates as Ring[]]
        : (f.geometry.coordinates as Ring[][]);
    const rings = polys.flat();
    for (const ring of rings)
      for (const [x, y] of ring) {
        minX = Math.min(minX, x!);
        maxX = Math.max(maxX, x!);
        minY = Math.min(minY, y!);
        maxY = Math.max(maxY, y!);
      }
    polygons.push({ code: f.properties.gso_code, rings });
  }
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const scale = (MAP_WIDTH - 2 * PAD) / ((maxX - minX) * k);
  const height = Math.ceil((maxY - minY) * scale + 2 * PAD);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const project = (lon: number, lat: number): [number, number] => [
    r1(PAD + (lon - minX) * k * scale),
    r1(PAD + (maxY - lat) * scale),
  ];

  const paths: string[] = [];
  for (const { code, rings } of polygons) {
    const d: string[] = [];
    for (const ring of rings) {
      const pts = ring.map(([lon, lat]) => {
        const [x, y] = project(lon!, lat!);
        return { x, y };
      });
      const simple = simplify(pts, TOLERANCE_PX, true);
      if (simple.length < 3) continue;
      d.push(`M${simple.map((p) => `${p.x} ${p.y}`).join('L')}Z`);
    }
    // The GSO code is digits (the geography file is ours), safe in an attribute as it is.
    if (d.length) paths.push(`<path id="w${code.replace(/\D/g, '')}" d="${d.join('')}"/>`);
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP_WIDTH} ${height}" width="${MAP_WIDTH}" height="${height}">` +
    `<g fill="#eef2f6" stroke="#8796a8" stroke-width="0.8" stroke-linejoin="round">${paths.join('')}</g></svg>`;
  const etag = `"${createHash('sha256').update(svg).digest('base64url').slice(0, 22)}"`;
  return { width: MAP_WIDTH, height, svg, etag, project };
}
