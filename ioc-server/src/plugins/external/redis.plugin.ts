import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A Redis connection for socket.io's streams adapter when REDIS_URL is set (the event log keeps its
     * own connections: blocking reads must not share one), null on the in-process default.
     */
    redis: Redis | null;
  }
}

export default fp(
  async (app) => {
    const url = app.config.redisUrl;
    if (!url) {
      app.decorate('redis', null);
      return;
    }
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    await redis.connect();
    redis.on('error', (err: Error) => app.log.warn({ err: err.message }, 'redis (socket.io adapter) error'));
    app.decorate('redis', redis);
    app.addHook('onClose', () =>
      redis.quit().then(
        () => undefined,
        () => undefined,
      ),
    );
  },
  { name: 'redis', dependencies: ['config'] },
);
