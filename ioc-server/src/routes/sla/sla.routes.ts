import { SLA_NOTE, SlaTableBodySchema, SlaTableSchema, slaTableProblems } from '@hue-ioc/layers';
import { AppError } from '../../errors.ts';
import { actorOf } from '../../auth/access.plugin.ts';
import { routePlugin } from '../route-plugin.ts';

/**
 * The deadline table (issue 12, item 5; ARCHITECTURE.md "REST": `GET|PUT /api/admin/sla`): the admin edits
 * it; the desk reads it (`GET /api/sla`) to show the default deadline before assigning.
 */
export const slaRoutes = routePlugin('sla', ['sla'], async (app) => {
  const { sla } = app;
  const table = () => ({ rules: sla.rules(), note: SLA_NOTE });

  app.get('/api/admin/sla', { schema: { response: { 200: SlaTableSchema } } }, async () => table());

  app.get('/api/sla', { schema: { response: { 200: SlaTableSchema } } }, async () => table());

  /** Replaces the whole table; the access audit trail records it (`sla.replace`, before and after). */
  app.put(
    '/api/admin/sla',
    { schema: { body: SlaTableBodySchema, response: { 200: SlaTableSchema } } },
    async (req) => {
      const problems = slaTableProblems(req.body.rules);
      if (problems.length > 0)
        throw new AppError('IOC_REQUEST_INVALID', `the SLA table is not valid: ${problems.join('; ')}`, {
          problems,
        });
      await sla.replace(req.body.rules, actorOf(req));
      return table();
    },
  );
});
