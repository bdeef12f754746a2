import { routePlugin } from '../route-plugin.ts';

/** The public transparency page /cong-khai, server-rendered, no login (issue 14). */
export const congKhaiRoutes = routePlugin('cong-khai', ['repositories'], async () => {});
