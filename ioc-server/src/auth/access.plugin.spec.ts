import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { accessPlugin } from './access.plugin.ts';
import type { AccessService } from './access.service.ts';

/** The route guard needs no database: it only reads the policy table when a route is registered. */
const noAccess = {} as AccessService;

describe('access plugin: every route needs a policy', () => {
  it('refuses to start when a route has no row in policy.ts', async () => {
    const app = Fastify();
    await app.register(accessPlugin, { access: noAccess, webDir: null });
    await expect(
      app.register(async (child) => {
        child.get('/api/undeclared-report', async () => ({ items: [] }));
      }),
    ).rejects.toThrow(/GET \/api\/undeclared-report has no access policy/);
    await app.close().catch(() => undefined);
  });

  it('refuses a mutation on a declared GET-only url', async () => {
    const app = Fastify();
    await app.register(accessPlugin, { access: noAccess, webDir: null });
    await expect(
      app.register(async (child) => {
        child.delete('/api/wards', async () => null);
      }),
    ).rejects.toThrow(/DELETE \/api\/wards has no access policy/);
    await app.close().catch(() => undefined);
  });

  it('starts with declared routes and lists them for the matrix', async () => {
    const app = Fastify();
    await app.register(accessPlugin, { access: noAccess, webDir: null });
    app.get('/healthz', async () => ({ status: 'ok' }));
    await app.ready();
    expect(app.accessRoutes).toEqual([
      { method: 'GET', url: '/healthz', policy: { roles: [], scope: 'public' }, staticFile: false },
    ]);
    await app.close();
  });
});
