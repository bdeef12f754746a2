import fp from 'fastify-plugin';
import { DeadlineScheduler } from '../../incidents/deadline.scheduler.ts';
import { advisoryLock, processLock, redisLease } from '../../incidents/sweep-lock.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Marks overdue cases and escalates those far past their deadline, one node at a time (issue 12). */
    deadlines: DeadlineScheduler;
  }
}

/** The advisory lock's key (any constant the deployment does not use elsewhere; migrations use 4_619_753). */
const SWEEP_LOCK = 4_619_754;

/**
 * The deadline scheduler every DEADLINE_SWEEP_SECONDS: with Redis a lease decides which node sweeps, on
 * PostgreSQL alone an advisory lock, on the embedded database the process itself.
 */
export default fp(
  async (app) => {
    const { config } = app;
    const intervalMs = config.deadlineSweepS * 1000;
    const lock = app.redis
      ? redisLease(app.redis, `${config.redisPrefix}:deadlines:lease`, config.nodeId, 2 * intervalMs)
      : app.db.kind === 'postgres'
        ? advisoryLock(app.db, SWEEP_LOCK)
        : processLock;
    const deadlines = new DeadlineScheduler({
      db: app.db,
      workflow: app.workflow,
      sla: app.sla,
      lock,
      now: () => new Date(),
      logger: app.log,
    });
    app.decorate('deadlines', deadlines);
    app.addHook('onReady', async () => deadlines.start(intervalMs));
    app.addHook('preClose', () => deadlines.stop());
  },
  { name: 'deadlines', dependencies: ['db', 'redis', 'sla', 'workflow'] },
);
