import fp from 'fastify-plugin';
import type { EventLog } from '../../live/event-log/event-log.ts';
import { MemoryEventLog } from '../../live/event-log/memory.event-log.ts';
import { RedisEventLog } from '../../live/event-log/redis.event-log.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared event log every layer change goes through: Redis Streams, or in-process. */
    eventLog: EventLog;
  }
}

export default fp(
  async (app) => {
    const { config } = app;
    const log: EventLog = config.redisUrl
      ? await RedisEventLog.connect({ url: config.redisUrl, prefix: config.redisPrefix, logger: app.log })
      : new MemoryEventLog(config.liveHistory.eventLogEntries);
    app.decorate('eventLog', log);
    app.addHook('onClose', () => log.close());
  },
  { name: 'event-log', dependencies: ['config'] },
);
