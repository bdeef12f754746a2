import { routePlugin } from '../route-plugin.ts';

/** Open data under /open-data/ (issue 14): anonymised incidents, observations, KPIs, DCAT metadata. */
export const openDataRoutes = routePlugin('open-data', ['repositories'], async () => {});
