import fp from 'fastify-plugin';
import { KpiService } from '../../kpi/kpi.service.ts';
import { KpiCatalogueService } from '../../kpi/kpi-catalogue.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** KPI samples: stored idempotently, hourly series from the continuous aggregate, `onUpdate` live. */
    kpis: KpiService;
    /**
     * The KPI catalogue (kpi_catalogue, issue 13): what the KPI webhook accepts, the briefing's labels,
     * units, targets and pillars; cached per node, edited by admins.
     */
    kpiCatalogue: KpiCatalogueService;
  }
}

/** Other nodes' edits of the catalogue are picked up within this (the table is a few dozen rows). */
const CATALOGUE_RELOAD_MS = 10_000;

export default fp(
  async (app) => {
    app.decorate('kpis', new KpiService(app.db));
    const catalogue = new KpiCatalogueService({
      db: app.db,
      logger: app.log,
      audit: (actor, action, id, before, after, tx) =>
        app.access.record(actor, action, 'kpi_catalogue', id, before, after, tx),
    });
    await catalogue.load();
    catalogue.start(CATALOGUE_RELOAD_MS);
    app.addHook('onClose', async () => catalogue.stop());
    app.decorate('kpiCatalogue', catalogue);
  },
  { name: 'kpis', dependencies: ['db', 'access'] },
);
