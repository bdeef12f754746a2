import fp from 'fastify-plugin';
import type { WorkingCalendar } from '@hue-ioc/streams';
import { WorkflowService } from '../../incidents/workflow.service.ts';

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
 * hooks (the outbox) and the incidents layer. Deadlines of assignments come from the SLA rules (`app.sla`,
 * the table an admin edits), counted on the SLA plugin's one working calendar.
 */
export default fp(
  async (app) => {
    app.decorate('calendar', app.sla.calendar);
    const workflow = new WorkflowService({
      db: app.db,
      incidents: app.repos.incidents,
      publish: (rows) => app.incidents.published(rows),
      agencyExists: async (id, q) => (await q.query(`SELECT 1 FROM agencies WHERE id = $1`, [id])).length > 0,
      deadlines: () => app.sla,
      logger: app.log,
    });
    app.decorate('workflow', workflow);
  },
  { name: 'workflow', dependencies: ['db', 'repositories', 'sla', 'live-layers'] },
);
