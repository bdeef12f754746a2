import type { FastifyPluginAsync } from 'fastify';
import { WallConfigSchema } from '@hue-ioc/layers';
import type { IocContext } from '../../context.ts';

/**
 * The wall's scenes and playlists (issue "Scenes: a configurable playlist"), as read from WALL_CONFIG_FILE
 * and validated at start (config.ts), or DEFAULT_WALL_CONFIG. Every wall screen asks for it when it starts.
 */
export const wallRoutes: FastifyPluginAsync<{ ctx: IocContext }> = async (app, { ctx }) => {
  app.get(
    '/api/wall/config',
    { schema: { response: { 200: WallConfigSchema }, tags: ['wall'] } },
    async () => ctx.config.wall,
  );
};
