import { WallConfigSchema } from '@hue-ioc/layers';
import { routePlugin } from '../route-plugin.ts';

/**
 * The wall's scenes and playlists (issue "Scenes: a configurable playlist"), as read from WALL_CONFIG_FILE
 * and validated at start (config.ts), or DEFAULT_WALL_CONFIG. Every wall screen asks for it when it starts.
 * `mapStyleUrl` is the basemap (MAP_STYLE_URL), whatever the file says; absent: the offline style.
 */
export const wallRoutes = routePlugin('wall', [], async (app) => {
  app.get('/api/wall/config', { schema: { response: { 200: WallConfigSchema } } }, async () => {
    const { mapStyleUrl: fromFile, ...wall } = app.config.wall;
    const mapStyleUrl = app.config.mapStyleUrl;
    return mapStyleUrl === null ? wall : { ...wall, mapStyleUrl };
  });
});
