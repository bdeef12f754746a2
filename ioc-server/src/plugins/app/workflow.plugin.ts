import fp from 'fastify-plugin';
import { dueAt, slaFor, WorkingCalendar, type CategoryCode, type Priority } from '@hue-ioc/streams';
import { WorkflowService, type DeadlinePolicy } from '../../incidents/workflow.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The incident workflow: every change people, citizens and the server make to a case (issue 12). */
    workflow: WorkflowService;
    /** Huế's working calendar (weekends, Tết and holidays, make-up days): deadlines and countdowns. */
    calendar: WorkingCalendar;
  }
}

/**
 * The workflow over the incidents table: the state table's checks, one event per change, the transaction
 * hooks (the outbox) and the incidents layer. Deadlines of assignments come from the SLA rules (the `sla`
 * plugin's `app.sla` when loaded, else the built-in defaults).
 */
export default fp(
  async (app) => {
    const calendar = new WorkingCalendar();
    app.decorate('calendar', calendar);
    const defaults: DeadlinePolicy = {
      dueAtFor: ({ category, priority, from }) => {
        const rule = slaFor(category as CategoryCode, priority as Priority);
        const due = dueAt({
          receivedAt: from,
          urgent: priority === 1,
          calendar,
          ...(rule.hours !== undefined ? { hours: rule.hours } : { workingDays: rule.workingDays ?? 5 }),
        });
        return { dueAt: due, rule };
      },
    };
    const workflow = new WorkflowService({
      db: app.db,
      publish: (rows) => app.incidents.published(rows),
      agencyExists: async (id, q) => (await q.query(`SELECT 1 FROM agencies WHERE id = $1`, [id])).length > 0,
      deadlines: () => (app.hasDecorator('sla') ? (app as unknown as { sla: DeadlinePolicy }).sla : defaults),
      logger: app.log,
    });
    app.decorate('workflow', workflow);
  },
  { name: 'workflow', dependencies: ['db', 'repositories', 'live-layers'] },
);
