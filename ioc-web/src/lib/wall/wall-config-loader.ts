import { validateWallConfig, type WallConfig } from '@hue-ioc/layers';
import { loadWithRetry } from './load-with-retry';

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
  return loadWithRetry({
    path: '/api/wall/config',
    token,
    parse: (body) => {
      const result = validateWallConfig(body);
      if (!result.ok) throw new Error(result.problems.join('; '));
      return result.config;
    },
    onLoaded,
    retryMs,
  });
}
