import fp from 'fastify-plugin';
import { mapStyleOrigin } from '@hue-ioc/layers';
import { AccessService } from '../../auth/access.service.ts';
import { accessPlugin } from '../../auth/access.plugin.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Accounts, sessions, display tokens and the audit trail (auth/). */
    access: AccessService;
  }
}

/**
 * Access control: the accounts (seeded after the agencies: the demo `agency` account belongs to one) and
 * the one hook that applies auth/policy.ts to every route. Load it before any route: it refuses to start
 * when a route has no row in the policy table.
 */
export default fp(
  async (app) => {
    const access = new AccessService({ db: app.db, config: app.config, logger: app.log });
    await access.seed();
    app.decorate('access', access);
    await app.register(accessPlugin, {
      access,
      webDir: app.config.webDir,
      mapOrigin: mapStyleOrigin(app.config.mapStyleUrl),
      mediaOrigins: app.config.mediaOrigins,
    });
  },
  { name: 'access', dependencies: ['db', 'repositories'] },
);
