import { Type } from '@sinclair/typebox';
import { routePlugin } from '../route-plugin.ts';

const Kpi = Type.Object({
  kpi: Type.String(),
  scope: Type.Object({
    level: Type.Union([Type.Literal('province'), Type.Literal('ward'), Type.Literal('agency')]),
    code: Type.String(),
  }),
  value: Type.Number(),
  target: Type.Union([Type.Number(), Type.Null()]),
  ts: Type.String({ format: 'date-time' }),
  /** Hourly values over the last 24 h (from the kpi_samples_1h continuous aggregate), oldest first. */
  series: Type.Array(Type.Object({ t: Type.String({ format: 'date-time' }), v: Type.Number() })),
});

export const kpiRoutes = routePlugin('kpis', ['kpis'], async (app) => {
  app.get(
    '/api/kpis',
    {
      schema: {
        querystring: Type.Object(
          {
            level: Type.Optional(
              Type.Union([Type.Literal('province'), Type.Literal('ward'), Type.Literal('agency')]),
            ),
            code: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Kpi) }) },
        tags: ['kpis'],
      },
    },
    async (req) => {
      const q = req.query;
      const latest = (await app.kpis.latest()).filter(
        (k) => (!q.level || k.scope_level === q.level) && (!q.code || k.scope_code === q.code),
      );
      const series = await app.kpis.series24h();
      return {
        items: latest.map((k) => ({
          kpi: k.kpi,
          scope: { level: k.scope_level, code: k.scope_code },
          value: k.value,
          target: k.target,
          ts: k.ts.toISOString(),
          series: (series.get(`${k.kpi}|${k.scope_level}|${k.scope_code}`) ?? []).map((p) => ({
            t: p.t.toISOString(),
            v: p.v,
          })),
        })),
      };
    },
  );
});
