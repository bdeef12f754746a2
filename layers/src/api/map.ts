import { Type, type Static } from '@sinclair/typebox';

/**
 * The basemap of the wall and the consoles (issue 12, item 8). Unset, the maps draw the offline style that
 * ships with the web app (land and wards only: works on the control-room network with no internet). Set
 * (MAP_STYLE_URL), they draw the city's own basemap under the same overlays: a MapLibre style JSON over
 * http(s), or a PMTiles archive (`pmtiles://https://…/hue.pmtiles`, `pmtiles:///tiles/hue.pmtiles` for one
 * on this origin) read through the pmtiles protocol.
 */
export const MapConfigSchema = Type.Object({
  styleUrl: Type.Union([Type.String(), Type.Null()]),
});
export type MapConfig = Static<typeof MapConfigSchema>;

const HTTP = /^https?:$/;

/** Why a MAP_STYLE_URL cannot be used, or null when it can. */
export function mapStyleUrlProblem(raw: string): string | null {
  if (raw.startsWith('pmtiles://')) {
    const archive = raw.slice('pmtiles://'.length);
    if (archive.startsWith('/') && !archive.startsWith('//')) return null;
    try {
      if (HTTP.test(new URL(archive).protocol)) return null;
    } catch {
      // below
    }
    return 'a pmtiles:// URL must name an http(s) archive (pmtiles://https://host/file.pmtiles) or a path on this server (pmtiles:///tiles/file.pmtiles)';
  }
  try {
    const u = new URL(raw);
    if (!HTTP.test(u.protocol)) return `must use http://, https:// or pmtiles:// (got "${u.protocol}")`;
    if (u.username || u.password) return 'must not carry credentials (the URL is sent to every browser)';
    return null;
  } catch {
    return 'is not a valid URL';
  }
}

/** The origin a browser fetches the basemap from, for the CSP; null when it is this server. */
export function mapStyleOrigin(url: string | null): string | null {
  if (!url) return null;
  const target = url.startsWith('pmtiles://') ? url.slice('pmtiles://'.length) : url;
  if (target.startsWith('/')) return null;
  try {
    return new URL(target).origin;
  } catch {
    return null;
  }
}
