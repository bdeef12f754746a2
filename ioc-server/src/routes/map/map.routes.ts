import { MapConfigSchema } from '@hue-ioc/layers';
import { routePlugin } from '../route-plugin.ts';

/**
 * The basemap the consoles' maps draw (issue 12, item 8): MAP_STYLE_URL, or null for the offline style the
 * web app ships. The wall reads the same URL with its scenes (GET /api/wall/config, `mapStyleUrl`).
 */
export const mapRoutes = routePlugin('map', [], async (app) => {
  app.get(
    '/api/map/config',
    {
      schema: { summary: 'The basemap style URL (null: offline style)', response: { 200: MapConfigSchema } },
    },
    async () => ({ styleUrl: app.config.mapStyleUrl }),
  );
});
