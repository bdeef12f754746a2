import fp from 'fastify-plugin';
import type { Db } from '../../storage/db.ts';
import { openDb } from '../../storage/open-db.ts';
import { migrate } from '../../storage/migrate.ts';
import { EmbeddedJobRunner } from '../../storage/maintenance.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** TimescaleDB: PGlite with the timescaledb extension (embedded) or `pg` on DATABASE_URL. */
    db: Db;
  }
}

/**
 * Opens the database, runs the SQL migrations in order, and on the embedded database runs the
 * TimescaleDB jobs (policies, aggregate refreshes) that PGlite has no background worker for.
 */
export default fp<{ wrapDb?: (db: Db) => Db }>(
  async (app, opts) => {
    const { config } = app;
    const t0 = performance.now();
    const opened = await openDb({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      thread: config.embeddedDbThread,
      // Queries fail "unavailable" from then on (ingest spools, /readyz says so); a restart reopens it.
      onStopped: (err) => app.log.fatal({ err }, 'embedded database thread stopped; restart the server'),
    });
    const db = opts.wrapDb ? opts.wrapDb(opened) : opened;
    app.decorate('db', db);
    app.addHook('onClose', () => db.close());
    const migrated = await migrate(db);
    app.log.info(
      { db: db.kind, applied: migrated.applied, ms: Math.round(performance.now() - t0) },
      db.kind === 'pglite' ? `embedded TimescaleDB ready in ${config.dataDir}` : 'TimescaleDB ready',
    );
    if (db.kind === 'pglite') {
      const jobs = new EmbeddedJobRunner(db, app.log);
      jobs.start();
      app.addHook('onClose', () => jobs.stop());
    }
  },
  { name: 'db', dependencies: ['config'] },
);
