/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, version } from '$service-worker';
import {
  BRIEFING_CACHED_AT_HEADER,
  BRIEFING_KEEP,
  BRIEFING_OFFLINE_HEADER,
  BRIEFING_OTHER_QUERY_HEADER,
  briefingCacheKey,
  swRoute,
} from '$lib/briefing/offline';

/**
 * Keeps the last briefing readable offline (issue 13, item 6), and nothing else:
 * - the app's hashed build files (cache first: they never change under a name);
 * - the /briefing page shell (network first, the last copy when offline);
 * - the last `GET /api/briefing` answer of each of the last few questions (period and scope; network
 *   first; offline, the copy of the same question marked with its time, or when that one was never
 *   fetched, the latest copy of another, marked as such).
 * Every other request — other API answers, /live, the wall, the consoles, photos — is not touched, so no
 * personal data is stored; a logout deletes the stored briefing. Registered by the briefing page only.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const ASSETS = `ioc-assets-${version}`;
const BRIEFING = 'ioc-briefing';
const SHELL_KEY = '/briefing';
const buildFiles = new Set(build);

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(ASSETS)
      .then((c) => c.addAll(build))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith('ioc-assets-') && k !== ASSETS).map((k) => caches.delete(k)),
        ),
      )
      .then(() => sw.clients.claim()),
  );
});

async function networkFirst(request: Request, key: string, mark: boolean): Promise<Response> {
  const cache = await caches.open(BRIEFING);
  try {
    const res = await fetch(request);
    if (res.ok) {
      const headers = new Headers(res.headers);
      headers.set(BRIEFING_CACHED_AT_HEADER, new Date().toISOString());
      const body = await res.clone().arrayBuffer();
      // Re-inserted at the end, so the cache's key order is the order of last use.
      await cache.delete(key);
      await cache.put(key, new Response(body, { status: 200, headers }));
      if (mark) await trim(cache);
    }
    return res;
  } catch (e) {
    let hit = await cache.match(key);
    let other = false;
    if (!hit && mark) {
      const latest = (await cache.keys()).filter((r) => new URL(r.url).pathname === '/api/briefing').at(-1);
      hit = latest ? await cache.match(latest) : undefined;
      other = hit !== undefined;
    }
    if (!hit) throw e;
    if (!mark) return hit;
    const headers = new Headers(hit.headers);
    headers.set(BRIEFING_OFFLINE_HEADER, '1');
    if (other) headers.set(BRIEFING_OTHER_QUERY_HEADER, '1');
    return new Response(await hit.arrayBuffer(), { status: 200, headers });
  }
}

/** Keeps the last BRIEFING_KEEP answers (the shell is not counted). */
async function trim(cache: Cache): Promise<void> {
  const answers = (await cache.keys()).filter((r) => new URL(r.url).pathname === '/api/briefing');
  for (const old of answers.slice(0, Math.max(0, answers.length - BRIEFING_KEEP))) await cache.delete(old);
}

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const route = swRoute(event.request.method, url, sw.location.origin, event.request.mode, buildFiles);
  switch (route) {
    case 'asset':
      event.respondWith(caches.match(url.pathname).then((hit) => hit ?? fetch(event.request)));
      return;
    case 'shell':
      event.respondWith(networkFirst(event.request, SHELL_KEY, false));
      return;
    case 'data':
      event.respondWith(networkFirst(event.request, briefingCacheKey(url), true));
      return;
    case 'logout':
      // The request goes on untouched; what a leader saw is not left for the next user of the tablet.
      event.waitUntil(caches.delete(BRIEFING));
      return;
    default:
      return;
  }
});
