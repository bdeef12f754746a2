import {
  ErrorBodySchema,
  KpiCatalogueDeleteQuerySchema,
  KpiCatalogueEntrySchema,
  KpiCatalogueInputSchema,
  KpiCatalogueListSchema,
  KpiCatalogueParamsSchema,
} from '@hue-ioc/layers';
import { actorOf } from '../../auth/access.plugin.ts';
import { routePlugin } from '../route-plugin.ts';

/**
 * The KPI catalogue (issue 13, item 1): the indicators the KPI webhook accepts and the briefing groups by
 * pillar. Admins list and edit it one entry at a time, with the version they read (409 when stale); every
 * change is in the access audit trail (`kpi_catalogue.create|update|delete`). Any signed-in role reads the
 * active entries at `GET /api/kpis/catalogue` (labels and units of the wall's and briefing's figures).
 */
export const kpiCatalogueRoutes = routePlugin('kpi-catalogue', ['kpis'], async (app) => {
  const { kpiCatalogue } = app;
  const errors = { 400: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema };

  app.get(
    '/api/admin/kpi-catalogue',
    {
      schema: {
        description: 'Every catalogue entry, active or not, in display order.',
        response: { 200: KpiCatalogueListSchema },
      },
    },
    async () => ({ items: kpiCatalogue.list() }),
  );

  app.get(
    '/api/kpis/catalogue',
    {
      schema: {
        description: 'The active catalogue entries: label, unit, target, pillar and good direction.',
        response: { 200: KpiCatalogueListSchema },
      },
    },
    async () => ({ items: kpiCatalogue.active() }),
  );

  app.put(
    '/api/admin/kpi-catalogue/:id',
    {
      schema: {
        description:
          'Creates (expectedVersion 0) or updates one entry. An indicator with samples keeps its unit; ' +
          'deactivate it (active: false) to stop taking its samples.',
        params: KpiCatalogueParamsSchema,
        body: KpiCatalogueInputSchema,
        response: { 200: KpiCatalogueEntrySchema, 201: KpiCatalogueEntrySchema, ...errors },
      },
    },
    async (req, reply) => {
      const { entry, created } = await kpiCatalogue.put(req.params.id, req.body, actorOf(req));
      return reply.code(created ? 201 : 200).send(entry);
    },
  );

  app.delete(
    '/api/admin/kpi-catalogue/:id',
    {
      schema: {
        description:
          'Deletes an entry nobody sent values of; one with samples (or of the seed) answers 409 ' +
          'IOC_KPI_CATALOGUE_IN_USE: deactivate it instead.',
        params: KpiCatalogueParamsSchema,
        querystring: KpiCatalogueDeleteQuerySchema,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (req, reply) => {
      await kpiCatalogue.remove(req.params.id, req.query.expectedVersion, actorOf(req));
      return reply.code(204).send();
    },
  );
});
