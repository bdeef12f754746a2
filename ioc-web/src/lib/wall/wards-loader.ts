import { isWardCollection, type WardCollection } from '$lib/map/wards';

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
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = async () => {
    try {
      const response = await fetch('/api/geo/wards', {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: abort.signal,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body: unknown = await response.json();
      if (!isWardCollection(body)) throw new Error('not a FeatureCollection');
      onLoaded(body);
    } catch {
      if (abort.signal.aborted) return;
      onFailed();
      timer = setTimeout(() => void attempt(), retryMs);
    }
  };
  void attempt();
  return () => {
    abort.abort();
    clearTimeout(timer);
  };
}
