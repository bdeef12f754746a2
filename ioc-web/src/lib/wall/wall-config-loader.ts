import { validateWallConfig, type WallConfig } from '@hue-ioc/layers';

/**
 * Fetches the wall's scenes and playlists (GET /api/wall/config, with the display token like every other
 * call of the wall), retrying every `retryMs` until it has a valid answer: the wall runs on
 * DEFAULT_WALL_CONFIG meanwhile, so a screen is never blank. Returns a function that stops it.
 */
export function loadWallConfig(
  token: string | null,
  onLoaded: (config: WallConfig) => void,
  retryMs = 10_000,
): () => void {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = async () => {
    try {
      const response = await fetch('/api/wall/config', {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: abort.signal,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const result = validateWallConfig(await response.json());
      if (!result.ok) throw new Error(result.problems.join('; '));
      onLoaded(result.config);
    } catch {
      if (abort.signal.aborted) return;
      timer = setTimeout(() => void attempt(), retryMs);
    }
  };
  void attempt();
  return () => {
    abort.abort();
    clearTimeout(timer);
  };
}
