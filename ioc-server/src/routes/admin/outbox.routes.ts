import {
  ErrorBodySchema,
  OutboxIdParams,
  OutboxItemSchema,
  OutboxPageSchema,
  OutboxQuerySchema,
  OutboxRetryBodySchema,
} from '@hue-ioc/layers';
import type { OutboxItem } from '@hue-ioc/layers';
import { AppError } from '../../errors.ts';
import { actorOf } from '../../auth/access.plugin.ts';
import { maskPhone } from '../../auth/personal-data.ts';
import type { OutboxRow } from '../../storage/outbox.repository.ts';
import { routePlugin } from '../route-plugin.ts';

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();

/** A row as the panel shows it: the hotline caller's phone masked (Decree 13/2023/NĐ-CP), the rest as sent. */
export function outboxItem(r: OutboxRow): OutboxItem {
  const p = r.payload;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const recipient =
    r.channel === 'hue_s'
      ? str(p.id)
      : r.channel === 'unit_notice'
        ? str(p.to)
        : str(p.to) === null
          ? null
          : maskPhone(str(p.to)!);
  const text = str(p.text) ?? str(p.reply) ?? str(p.comment) ?? str(p.statusLabel);
  return {
    id: r.id,
    createdAt: iso(r.created_at),
    incidentId: r.incident_id,
    kind: r.kind,
    channel: r.channel,
    idempotencyKey: r.idempotency_key,
    recipient,
    event: str(p.event),
    text,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: iso(r.next_attempt_at),
    lastError: r.last_error,
    sentAt: r.sent_at ? iso(r.sent_at) : null,
  };
}

/** The outbox for admins (policy.ts): what did not reach citizens and units, and a way to send it again. */
export const outboxRoutes = routePlugin('outbox', ['outbox'], async (app) => {
  app.get(
    '/api/admin/outbox',
    { schema: { querystring: OutboxQuerySchema, response: { 200: OutboxPageSchema } } },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const status = req.query.status;
      const rows = await app.outbox.repo.list({
        ...(status === undefined ? {} : { statuses: Array.isArray(status) ? status : [status] }),
        ...(req.query.cursor ? { before: req.query.cursor } : {}),
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map(outboxItem);
      return rows.length > limit ? { items, nextCursor: items[items.length - 1]!.id } : { items };
    },
  );

  app.post(
    '/api/admin/outbox/:id/retry',
    {
      schema: {
        params: OutboxIdParams,
        body: OutboxRetryBodySchema,
        response: { 200: OutboxItemSchema, 404: ErrorBodySchema, 409: ErrorBodySchema },
      },
    },
    async (req) => {
      const result = await app.outbox.repo.retry(req.params.id);
      if (!result) throw new AppError('IOC_OUTBOX_NOT_FOUND');
      if (!result.retried)
        throw new AppError('IOC_OUTBOX_NOT_RETRYABLE', `message ${req.params.id} is ${result.row.status}`, {
          status: result.row.status,
        });
      await app.access.record(
        actorOf(req),
        'outbox.retry',
        'outbox',
        req.params.id,
        { status: result.before },
        { status: 'pending', ...(req.body?.note ? { note: req.body.note } : {}) },
      );
      app.outbox.worker.wake();
      return outboxItem(result.row);
    },
  );
});
