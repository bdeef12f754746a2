/**
 * What the service worker (src/service-worker.ts) does with a request, as a pure function so it can be
 * tested: only the briefing's shell, its last answer and the hashed build files; `pass` leaves the request
 * to the network untouched (every other API, /live, the wall and the consoles).
 */
export type SwRoute = 'asset' | 'shell' | 'data' | 'logout' | 'pass';

/** Set by the service worker on a stored answer: when it was fetched, and that it is served offline. */
export const BRIEFING_CACHED_AT_HEADER = 'x-ioc-cached-at';
export const BRIEFING_OFFLINE_HEADER = 'x-ioc-offline';
/** Set offline when no copy of the asked period and scope is stored and the latest other one is served. */
export const BRIEFING_OTHER_QUERY_HEADER = 'x-ioc-other-query';
/** How many answers (one per period and scope asked) the worker keeps: the last few a leader looked at. */
export const BRIEFING_KEEP = 8;

/**
 * The stored copy's key for a `GET /api/briefing` URL: one per question (period, scope, custom dates),
 * so that offline a leader who switches between "7 ngày" and "30 ngày" sees each one's own last answer
 * rather than whichever was fetched last. `lang` does not change the figures, so it is not part of it.
 */
export function briefingCacheKey(url: URL): string {
  const q = new URLSearchParams();
  const defaults: Record<string, string> = { period: '7d', scope: 'province' };
  for (const name of ['period', 'scope', 'from', 'to']) {
    const v = url.searchParams.get(name) || defaults[name];
    if (v) q.set(name, v);
  }
  return `/api/briefing?${q}`;
}

export function swRoute(
  method: string,
  url: URL,
  origin: string,
  mode: RequestMode,
  buildFiles: ReadonlySet<string>,
): SwRoute {
  if (url.origin !== origin) return 'pass';
  if (method === 'POST' && url.pathname === '/api/auth/logout') return 'logout';
  if (method !== 'GET') return 'pass';
  if (buildFiles.has(url.pathname)) return 'asset';
  if (mode === 'navigate' && url.pathname === '/briefing') return 'shell';
  if (url.pathname === '/api/briefing') return 'data';
  return 'pass';
}

/** Registers the service worker (the briefing page only: the wall and the consoles do not need it). */
export function registerBriefingWorker(): void {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  navigator.serviceWorker.register('/service-worker.js').catch(() => {
    // Without it the page still works online; nothing to tell a leader.
  });
}
