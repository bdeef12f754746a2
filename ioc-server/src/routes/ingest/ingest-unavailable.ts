import type { FastifyRequest } from 'fastify';
import { errorBody } from '../../errors.ts';
import { RequestTracker } from '../../ingest/ingest-health.ts';
import { systemClock } from '../../ingest/ports.ts';
import { isDatabaseUnavailable } from '../../storage/db.ts';
import type { RouteApp } from '../route-plugin.ts';

/** What a sender waits before sending again while the database is unreachable. */
export const RETRY_AFTER_S = 5;

/**
 * For the signed webhooks (issue 11, "Database outage"): they are not spooled, so while the database is
 * unreachable they answer 503 `IOC_INGEST_UNAVAILABLE` with `Retry-After` — never a 2xx for something not
 * stored, never a 500 that a sender may take as final — and the source sends again (idempotent on its own
 * id). Any other error goes on to the app's one error handler. Their requests are the `webhooks` pipeline of
 * ingestHealth: one that waits without an answer for longer than the threshold stalls it.
 */
export function answerUnavailable(app: RouteApp): void {
  const requests = new RequestTracker(systemClock);
  app.ingestHealth.register('webhooks', requests);
  const open = new WeakMap<FastifyRequest, (committed: boolean) => void>();
  app.addHook('onRequest', async (req) => {
    open.set(req, requests.begin());
  });
  app.addHook('onResponse', async (req, reply) => {
    open.get(req)?.(reply.statusCode < 500);
  });
  app.addHook('onRequestAbort', async (req) => {
    open.get(req)?.(false);
  });
  app.setErrorHandler((err, req, reply) => {
    if (!isDatabaseUnavailable(err)) throw err;
    req.log.warn({ err: (err as Error).message, url: req.url }, 'webhook not stored: database unavailable');
    return reply
      .code(503)
      .header('retry-after', String(RETRY_AFTER_S))
      .send(errorBody('IOC_INGEST_UNAVAILABLE'));
  });
}
