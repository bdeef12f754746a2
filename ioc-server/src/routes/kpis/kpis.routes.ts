import { KpiItemSchema, KpiQuerySchema, ListSchema } from '@hue-ioc/layers';
import { routePlugin } from '../route-plugin.ts';

export const kpiRoutes = routePlugin('kpis', ['kpis'], async (app) => {
  app.get(
    '/api/kpis',
    {
      schema: {
        querystring: KpiQuerySchema,
        response: { 200: ListSchema(KpiItemSchema) },
      },
    },
    async (req) => {
      const q = req.query;
      const latest = (await app.kpis.latest()).filter(
        (k) => (!q.level || k.scope_level === q.level) && (!q.code || k.scope_code === q.code),
      );
      const series = await app.kpis.series24h();
      return {
        items: latest.map((k) => {
          const def = app.kpiCatalogue.get(k.kpi);
          return {
            kpi: k.kpi,
            scope: { level: k.scope_level, code: k.scope_code },
            value: k.value,
            // The sample's own target, else the catalogue's (what the briefing compares with too).
            target: k.target ?? def?.target ?? null,
            ts: k.ts.toISOString(),
            series: (series.get(`${k.kpi}|${k.scope_level}|${k.scope_code}`) ?? []).map((p) => ({
              t: p.t.toISOString(),
              v: p.v,
            })),
            ...(def
              ? { label: def.label, unit: def.unit, pillar: def.pillar, goodDirection: def.goodDirection }
              : {}),
          };
        }),
      };
    },
  );
});
