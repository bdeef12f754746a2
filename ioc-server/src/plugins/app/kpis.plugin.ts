import fp from 'fastify-plugin';
import { KpiService } from '../../kpi/kpi.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** KPI samples: stored idempotently, hourly series from the continuous aggregate, `onUpdate` live. */
    kpis: KpiService;
  }
}

export default fp(
  async (app) => {
    app.decorate('kpis', new KpiService(app.db));
  },
  { name: 'kpis', dependencies: ['db'] },
);
