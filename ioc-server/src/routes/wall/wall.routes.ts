import { WallConfigSchema } from '@hue-ioc/layers';
import { routePlugin } from '../route-plugin.ts';

/**
 * The wall's scenes and playlists (issue "Scenes: a configurable playlist"), as read from WALL_CONFIG_FILE
 * and validated at start (config.ts), or DEFAULT_WALL_CONFIG. Every wall screen asks for it when it starts.
 */
export const wallRoutes = routePlugin('wall', [], async (app) => {
  app.get(
    '/api/wall/config',
    { schema: { response: { 200: WallConfigSchema } } },
    async () => app.config.wall,
  );
});
