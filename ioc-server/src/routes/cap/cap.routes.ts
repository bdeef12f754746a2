import { routePlugin } from '../route-plugin.ts';

/** CAP 1.2 out (/cap/alerts.atom, /cap/alerts/{id}.xml) and in (POST /api/ingest/cap) (issue 14). */
export const capRoutes = routePlugin('cap', ['repositories'], async () => {});
