import { isWardCollection, type WardCollection } from '$lib/map/wards';
import { loadWithRetry } from './load-with-retry';

/**
 * Fetches the ward boundaries (GET /api/geo/wards), retrying every `retryMs` until it works: the
 * wall may come up before the server does. Returns a function that stops it.
 */
export function loadWards(
  token: string | null,
  onLoaded: (wards: WardCollection) => void,
  onFailed: () => void,
  retryMs = 10_000,
): () => void {
  return loadWithRetry({
    path: '/api/geo/wards',
    token,
    parse: (body) => {
      if (!isWardCollection(body)) throw new Error('not a FeatureCollection');
      return body;
    },
    onLoaded,
    onFailed,
    retryMs,
  });
}
