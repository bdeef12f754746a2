import { routePlugin } from '../route-plugin.ts';

/** Open311 GeoReport v2 under /open311/v2/ (issue 14). */
export const open311Routes = routePlugin('open311', ['repositories', 'ingest', 'sla'], async () => {});
