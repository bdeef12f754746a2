import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The SHA-256 sources of the inline scripts of an HTML page (CSP Level 2 hash sources). SvelteKit's
 * static shell boots with one inline script; allowing exactly its hash keeps `script-src` free of
 * 'unsafe-inline'. The build changes the script, so the hashes are computed from the served file at start.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = m[1] ?? '';
    if (body.trim() === '') continue;
    hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

/**
 * Content-Security-Policy directives for the IOC (helmet's names). What the web app needs, no more:
 * - MapLibre runs its workers from `blob:` URLs and draws sprites and tiles from `data:`/`blob:` images;
 * - MapLibre and Svelte set inline styles (`style-src 'unsafe-inline'`; styles cannot run code);
 * - `/live` is a WebSocket to this origin (`ws:`/`wss:` in connect-src, as CSP 2 browsers do not
 *   derive them from 'self');
 * - nothing may frame the wall or the consoles (clickjacking), no plugins, forms post here only.
 * `upgrade-insecure-requests` is left out: the embedded default serves plain HTTP on a LAN.
 * `mediaOrigins`: where reports' photos, videos and camera snapshots are served (MEDIA_ORIGINS).
 * `mapOrigin`: the basemap's server (MAP_STYLE_URL), whose style, tiles and glyphs the maps fetch; a style
 * that loads from more hosts needs them behind that one (a reverse proxy).
 */
export function cspDirectives(
  webDir: string | null,
  mapOrigin: string | null = null,
  mediaOrigins: readonly string[] = [],
): Record<string, string[] | null> {
  const map = mapOrigin ? [mapOrigin] : [];
  // Citizens' photos and videos and camera snapshots (MEDIA_ORIGINS): shown in the case view.
  const media = [...mediaOrigins];
  const index = webDir ? join(webDir, 'index.html') : null;
  const hashes = index && existsSync(index) ? inlineScriptHashes(readFileSync(index, 'utf8')) : [];
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...hashes],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:', ...map, ...media],
    mediaSrc: ["'self'", ...media],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", 'ws:', 'wss:', ...map],
    workerSrc: ["'self'", 'blob:'],
    childSrc: ["'self'", 'blob:'],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    upgradeInsecureRequests: null,
  };
}
