import { BriefingQuerySchema, BriefingSchema } from '@hue-ioc/layers';
import { yearOf, localDateOf } from '@hue-ioc/streams';
import { AppError } from '../../errors.ts';
import { requirePrincipal } from '../../auth/access.plugin.ts';
import { BriefingService, type BriefingScopeRef } from '../../briefing/briefing.service.ts';
import { syncCalendarDays } from '../../briefing/calendar-days.ts';
import { routePlugin } from '../route-plugin.ts';

/**
 * `GET /api/briefing` (issue 13): the leaders' briefing of one period against the previous equal period.
 * Any role may read it (auth/policy.ts). An agency user sees its own unit: without a scope it gets
 * `agency:<own id>`, and any other scope (the province, a ward, another unit) answers 403
 * IOC_AUTH_FORBIDDEN, so a page never shows a unit figures it believes are the city's.
 */
export const briefingRoutes = routePlugin('briefing', ['geo', 'workflow', 'kpis'], async (app) => {
  // The working days ioc_working_minutes() counts (migration 0013), from the server's one calendar: the
  // years the briefing can cover (a custom period reaches 400 days back) and the next one.
  const year = yearOf(localDateOf(new Date()));
  await syncCalendarDays(app.db, app.calendar, year - 2, year + 1);
  const service = new BriefingService({
    db: app.db,
    wards: () => app.wards.wards,
    catalogue: () => app.kpiCatalogue.active(),
  });

  app.get(
    '/api/briefing',
    { schema: { querystring: BriefingQuerySchema, response: { 200: BriefingSchema } } },
    async (req) => {
      const principal = requirePrincipal(req);
      let scope = parseScope(req.query.scope);
      if (principal.role === 'agency') {
        const own = principal.agencyId!;
        if (req.query.scope === undefined) scope = { level: 'agency', code: own };
        else if (scope.level !== 'agency' || scope.code !== own)
          throw new AppError('IOC_AUTH_FORBIDDEN', 'an agency user sees its own unit only');
      }
      if (scope.level === 'ward' && !app.wards.byCode(scope.code))
        throw new AppError('IOC_REQUEST_INVALID', `unknown ward ${scope.code}`);
      return service.briefing(
        { period: req.query.period ?? '7d', from: req.query.from, to: req.query.to },
        scope,
      );
    },
  );
});

function parseScope(s: string | undefined): BriefingScopeRef {
  if (!s || s === 'province') return { level: 'province' };
  const [level, code] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
  return level === 'ward' ? { level: 'ward', code } : { level: 'agency', code };
}
