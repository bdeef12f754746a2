import { Type, type Static } from '@sinclair/typebox';
import { IncidentStatusSchema } from '../incident.ts';
import { PageSchema } from './page.ts';
import { PlainLine } from './text.ts';
import '../formats.ts';

/**
 * The way back to the citizen (issue 12, items 6 and 7): the outbox as admins see it
 * (GET /api/admin/outbox, POST /api/admin/outbox/:id/retry) and the answer to Hue-S feedback.
 */

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'dead', 'held'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
export const OutboxStatusSchema = Type.Union(OUTBOX_STATUSES.map((s) => Type.Literal(s)));

export const OUTBOX_CHANNELS = ['hue_s', 'open311', 'sms', 'zalo', 'unit_notice'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

export const OUTBOX_STATUS_LABELS: Readonly<Record<OutboxStatus, { vi: string; en: string }>> = {
  pending: { vi: 'Đang chờ gửi', en: 'Pending' },
  sent: { vi: 'Đã gửi', en: 'Sent' },
  failed: { vi: 'Bị từ chối', en: 'Refused' },
  dead: { vi: 'Gửi không thành công', en: 'Gave up' },
  held: { vi: 'Tạm giữ (chưa cấu hình)', en: 'Held (not configured)' },
};

export const OUTBOX_CHANNEL_LABELS: Readonly<Record<OutboxChannel, { vi: string; en: string }>> = {
  hue_s: { vi: 'Hue-S', en: 'Hue-S' },
  open311: { vi: 'Open311', en: 'Open311' },
  sms: { vi: 'Tin nhắn SMS', en: 'SMS' },
  zalo: { vi: 'Zalo', en: 'Zalo' },
  unit_notice: { vi: 'Thông báo đơn vị', en: 'Unit notice' },
};

/** `status=failed&status=dead`: several at once; none for every status. */
export const OutboxQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Union([OutboxStatusSchema, Type.Array(OutboxStatusSchema, { maxItems: 5 })])),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type OutboxQuery = Static<typeof OutboxQuerySchema>;

export const OutboxIdParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9]{1,18}$' }) },
  { additionalProperties: false },
);

/** POST /api/admin/outbox/:id/retry: `{}`, or why it is sent again (kept in the audit trail). */
export const OutboxRetryBodySchema = Type.Object(
  { note: Type.Optional(PlainLine({ maxLength: 200 })) },
  { additionalProperties: false },
);
export type OutboxRetryBody = Static<typeof OutboxRetryBodySchema>;

/** One message. The recipient's phone is masked; the text is what was (or will be) sent. */
export const OutboxItemSchema = Type.Object({
  id: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  incidentId: Type.String(),
  kind: Type.String(),
  channel: Type.String(),
  idempotencyKey: Type.String(),
  /** Hue-S report id, masked phone or unit. */
  recipient: Type.Union([Type.String(), Type.Null()]),
  /** The status the message tells, the reply or the text. */
  event: Type.Union([Type.String(), Type.Null()]),
  text: Type.Union([Type.String(), Type.Null()]),
  status: OutboxStatusSchema,
  attempts: Type.Integer(),
  nextAttemptAt: Type.String({ format: 'date-time' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type OutboxItem = Static<typeof OutboxItemSchema>;

export const OutboxPageSchema = PageSchema(OutboxItemSchema);
export type OutboxPage = Static<typeof OutboxPageSchema>;

/** The answer to POST /api/ingest/hue-s/feedback. */
export const FeedbackOutcomeSchema = Type.Object({
  /** The incident (IOC-…) the rating went to. */
  id: Type.String(),
  status: IncidentStatusSchema,
  /** `duplicate`: this rating was applied before (a retried delivery); nothing changed. */
  outcome: Type.Union([Type.Literal('closed'), Type.Literal('reopened'), Type.Literal('duplicate')]),
});
export type FeedbackOutcome = Static<typeof FeedbackOutcomeSchema>;
