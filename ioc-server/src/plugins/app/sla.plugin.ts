import fp from 'fastify-plugin';
import { WorkingCalendar } from '@hue-ioc/streams';
import { SlaService } from '../../incidents/sla.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The deadline table (sla_rules) and the working calendar: `current()` for enrich, `dueAtFor()` for the
     * workflow's default deadline, `escalateFactor()` for the deadline scheduler, `replace()` for the admin.
     */
    sla: SlaService;
  }
}

/** Other nodes' edits of the table are picked up within this (issue 12: several nodes share the table). */
const RELOAD_MS = 60_000;

/** The SLA table as data (issue 12, item 5), cached per node; loads before the incident stream uses it. */
export default fp(
  async (app) => {
    const sla = new SlaService({
      db: app.db,
      calendar: new WorkingCalendar(),
      logger: app.log,
      audit: (actor, before, after, tx) =>
        app.access.record(actor, 'sla.replace', 'sla_rules', null, { rules: before }, { rules: after }, tx),
    });
    await sla.load();
    sla.start(RELOAD_MS);
    app.addHook('onClose', async () => sla.stop());
    app.decorate('sla', sla);
  },
  { name: 'sla', dependencies: ['db', 'access'] },
);
