import type { LayerSpecification, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';

/**
 * The basemap under the wall's and the consoles' overlays (issue 12, item 8). MAP_STYLE_URL on the server
 * (GET /api/wall/config `mapStyleUrl`, GET /api/map/config `styleUrl`) names a MapLibre style or a PMTiles
 * archive; unset, the maps keep the offline style of base-style.ts (land and wards, no tiles, no internet).
 */
export type BasemapPlan =
  | { kind: 'offline' }
  | { kind: 'style'; url: string }
  /** `url` is the whole pmtiles:// URL, as MapLibre sources name it through the pmtiles protocol. */
  | { kind: 'pmtiles'; url: string; archive: string };

export function basemapPlan(styleUrl: string | null | undefined): BasemapPlan {
  const url = styleUrl?.trim();
  if (!url) return { kind: 'offline' };
  if (url.startsWith('pmtiles://')) return { kind: 'pmtiles', url, archive: url.slice('pmtiles://'.length) };
  if (/^https?:\/\//i.test(url)) return { kind: 'style', url };
  // The server validates MAP_STYLE_URL; anything else here is not worth a blank map.
  return { kind: 'offline' };
}

/** Layers of the offline style that would cover a basemap: its sea and land. */
const OFFLINE_GROUND = new Set(['sea', 'land']);
/** Over a basemap the ward fill is a tint, so streets and rivers show through it. */
const TINTED_FILL_OPACITY = 0.35;

/**
 * The basemap's sources and layers, then ours on top (ward fill, choropleth, lines, frame), without our
 * sea and land. Our sources keep their data and ids (feature-state is keyed by the ward's code).
 */
export function withOverlay(base: StyleSpecification, overlay: StyleSpecification): StyleSpecification {
  const ours = overlay.layers
    .filter((l) => !OFFLINE_GROUND.has(l.id))
    .map((l): LayerSpecification => {
      if (l.id !== 'wards-fill' || l.type !== 'fill') return l;
      return { ...l, paint: { ...l.paint, 'fill-opacity': TINTED_FILL_OPACITY } };
    });
  const ourIds = new Set(ours.map((l) => l.id));
  return {
    ...base,
    sources: { ...base.sources, ...overlay.sources },
    layers: [...base.layers.filter((l) => !ourIds.has(l.id)), ...ours],
  };
}

/** Colours of a PMTiles vector basemap, dark like the wall (base-style.ts WALL_COLORS). */
const DARK = {
  earth: '#0f1a28',
  water: '#050d17',
  park: '#12261f',
  building: '#1b2a3c',
  road: '#2b3f57',
  major: '#3b5574',
  boundary: '#4f7296',
} as const;

/**
 * A style for a PMTiles archive: a raster archive is drawn as it is; a vector one with the layer names of
 * the Protomaps basemap schema (earth, water, landuse, roads, buildings, boundaries). No labels: they need a
 * glyph server, and the overlays draw their own (deck.gl).
 */
export function pmtilesStyle(url: string, tiles: 'vector' | 'raster'): StyleSpecification {
  if (tiles === 'raster') {
    return {
      version: 8,
      sources: { basemap: { type: 'raster', url, tileSize: 256 } },
      layers: [{ id: 'basemap', type: 'raster', source: 'basemap' }],
    };
  }
  const src = { source: 'basemap' } as const;
  return {
    version: 8,
    sources: { basemap: { type: 'vector', url } },
    layers: [
      { id: 'basemap-background', type: 'background', paint: { 'background-color': DARK.water } },
      {
        id: 'basemap-earth',
        type: 'fill',
        ...src,
        'source-layer': 'earth',
        paint: { 'fill-color': DARK.earth },
      },
      {
        id: 'basemap-park',
        type: 'fill',
        ...src,
        'source-layer': 'landuse',
        filter: ['in', ['get', 'kind'], ['literal', ['park', 'forest', 'wood', 'grass', 'farmland']]],
        paint: { 'fill-color': DARK.park },
      },
      {
        id: 'basemap-water',
        type: 'fill',
        ...src,
        'source-layer': 'water',
        paint: { 'fill-color': DARK.water },
      },
      {
        id: 'basemap-buildings',
        type: 'fill',
        ...src,
        'source-layer': 'buildings',
        minzoom: 14,
        paint: { 'fill-color': DARK.building },
      },
      {
        id: 'basemap-roads',
        type: 'line',
        ...src,
        'source-layer': 'roads',
        paint: {
          'line-color': ['match', ['get', 'kind'], ['highway', 'major_road'], DARK.major, DARK.road],
          'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 16, 3],
        },
      },
      {
        id: 'basemap-boundaries',
        type: 'line',
        ...src,
        'source-layer': 'boundaries',
        paint: { 'line-color': DARK.boundary, 'line-dasharray': [2, 2], 'line-width': 0.8 },
      },
    ],
  };
}

let pmtilesRegistered: Promise<typeof import('pmtiles')> | null = null;

/** Registers the pmtiles:// protocol with MapLibre once (loaded only when a pmtiles basemap is set). */
async function registerPmtiles(maplibre: typeof import('maplibre-gl')): Promise<typeof import('pmtiles')> {
  pmtilesRegistered ??= import('pmtiles').then((pmtiles) => {
    const protocol = new pmtiles.Protocol();
    maplibre.addProtocol('pmtiles', protocol.tile);
    return pmtiles;
  });
  return pmtilesRegistered;
}

/** How long a basemap style may take to load before the map goes back to the offline style. */
const BASEMAP_TIMEOUT_MS = 20_000;

/**
 * Puts the basemap `plan` under the map's current (overlay) style. Resolves once the new style is loaded:
 * sources are rebuilt, so the caller sets its data and feature-state again. Offline: nothing changes. A
 * basemap that cannot be loaded (server down, not a style) puts the offline style back and rejects: a wall
 * must never go blank because a tile server did.
 */
export async function applyBasemap(
  map: MapLibreMap,
  maplibre: typeof import('maplibre-gl'),
  plan: BasemapPlan,
): Promise<boolean> {
  if (plan.kind === 'offline') return false;
  let next: string | StyleSpecification = plan.url;
  if (plan.kind === 'pmtiles') {
    const pmtiles = await registerPmtiles(maplibre);
    const header = await new pmtiles.PMTiles(plan.archive).getHeader();
    next = pmtilesStyle(plan.url, header.tileType === pmtiles.TileType.Mvt ? 'vector' : 'raster');
  }
  const offline = map.getStyle();
  const load = (style: string | StyleSpecification, withOurs: boolean) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('basemap style timed out')), BASEMAP_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        map.off('error', fail);
        resolve();
      };
      function fail(e: unknown) {
        clearTimeout(timer);
        map.off('style.load', done);
        map.off('error', fail);
        reject(e instanceof Error ? e : new Error(String((e as { error?: unknown }).error ?? e)));
      }
      map.once('style.load', done);
      map.once('error', fail);
      map.setStyle(style, {
        diff: false,
        ...(withOurs
          ? { transformStyle: (_: unknown, base: StyleSpecification) => withOverlay(base, offline) }
          : {}),
      });
    });
  try {
    await load(next, true);
  } catch (e) {
    await load(offline, false).catch(() => undefined);
    throw e;
  }
  return true;
}

/**
 * The consoles' basemap URL (GET /api/map/config, with the session cookie); null for the offline style,
 * also when the server cannot be asked: a console map works without a basemap.
 */
export async function fetchMapStyleUrl(fetchFn: typeof fetch = fetch): Promise<string | null> {
  try {
    const res = await fetchFn('/api/map/config', { credentials: 'same-origin' });
    if (!res.ok) return null;
    const body = (await res.json()) as { styleUrl?: unknown };
    return typeof body.styleUrl === 'string' ? body.styleUrl : null;
  } catch {
    return null;
  }
}
