import { INCIDENT_STATUS_LABELS, type IncidentStatus } from '@hue-ioc/layers';
import type { IncidentChange } from '../incidents/workflow.service.ts';
import { open311Update } from '../open311/open311-updates.ts';

/**
 * What the outbox sends for one change of a case (issue 12, item 6): plain functions of the change, so the
 * rules are tested without a database. The outbox plugin writes them in the change's own transaction.
 */

/** How a message goes: Hue-S's callback, a text to a hotline caller, a notice to the handling unit. */
export type OutboxChannel = 'hue_s' | 'open311' | 'sms' | 'zalo' | 'unit_notice';
export type OutboxKind = 'hue_s_callback' | 'open311_callback' | 'citizen_notice' | 'unit_notice';
/** What it tells: a public status change, the published reply, a public comment, a missed deadline. */
export type OutboxEvent = 'status' | 'reply' | 'comment' | 'sla_breached' | 'escalated';

export interface NewOutboxMessage {
  incidentId: string;
  kind: OutboxKind;
  channel: OutboxChannel;
  /** The same change always gives the same key: a re-run enqueues nothing (outbox.idempotency_key UNIQUE). */
  idempotencyKey: string;
  payload: Record<string, unknown>;
}

/** The body of the signed POST to HUES_CALLBACK_URL (ARCHITECTURE.md "REST", Citizen feedback). */
export interface HueSCallbackBody {
  /** The Hue-S report id (the source's own id). */
  id: string;
  incidentId: string;
  version: number;
  event: 'status' | 'reply' | 'comment';
  status: IncidentStatus;
  statusLabel: string;
  reply?: string;
  comment?: string;
  /** Why, for a rejection: the citizen is told why the report is not taken. */
  reason?: string;
  at: string;
}

/** A text message to a citizen (hotline caller) or a unit, as the notification adapters receive it. */
export interface NoticePayload {
  /** The caller's phone (citizen notices) or the agency id (unit notices). */
  to: string;
  text: string;
  incidentId: string;
  version: number;
  event: OutboxEvent;
}

/** An SMS is cut here (three concatenated Vietnamese UCS-2 segments are ~200 characters; keep it short). */
const MAX_TEXT = 320;

const clip = (text: string, max = MAX_TEXT) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const label = (status: string) => INCIDENT_STATUS_LABELS[status as IncidentStatus]?.vi ?? status;

/**
 * The messages of one change. Rules:
 * - a status change (any: every state is one the public sees, DOMAIN.md) and a public comment reach the
 *   citizen: one Hue-S callback per Hue-S report of the case, and a text to the caller when the case was
 *   opened by a hotline call (the reporter on the case is then the caller); `resolved` carries the reply;
 * - `sla_breached` and `escalated` become a notice to the unit the case is with (the centre chases overdue
 *   units by SMS and phone: DOMAIN.md, our escalation);
 * - the creation of a case sends nothing (Hue-S and the hotline have their answer from the webhook).
 */
export function messagesFor(
  change: IncidentChange,
  citizenChannel: 'sms' | 'zalo' = 'sms',
): NewOutboxMessage[] {
  const { before, after, event } = change;
  const out: NewOutboxMessage[] = [];
  const v = after.version;
  const at = (after.updated_at instanceof Date ? after.updated_at : new Date(after.updated_at)).toISOString();

  let citizenEvent: 'status' | 'reply' | 'comment' | null = null;
  if (event.type === 'comment') {
    if (event.data.public === true && typeof event.data.text === 'string') citizenEvent = 'comment';
  } else if (before !== null && before.status !== after.status) {
    citizenEvent = after.status === 'resolved' && after.public_reply ? 'reply' : 'status';
  }

  if (citizenEvent) {
    const reply = citizenEvent === 'reply' ? (after.public_reply ?? undefined) : undefined;
    const comment = citizenEvent === 'comment' ? (event.data.text as string) : undefined;
    const reason =
      citizenEvent === 'status' && after.status === 'rejected' && typeof event.data.reason === 'string'
        ? event.data.reason
        : undefined;
    for (const s of after.sources) {
      if (s.channel !== 'hue_s') continue;
      const body: HueSCallbackBody = {
        id: s.sourceId,
        incidentId: after.id,
        version: v,
        event: citizenEvent,
        status: after.status as IncidentStatus,
        statusLabel: label(after.status),
        ...(reply !== undefined ? { reply } : {}),
        ...(comment !== undefined ? { comment } : {}),
        ...(reason !== undefined ? { reason } : {}),
        at,
      };
      out.push({
        incidentId: after.id,
        kind: 'hue_s_callback',
        channel: 'hue_s',
        idempotencyKey: `${after.id}:v${v}:hue_s:${citizenEvent}:${s.sourceId}`,
        payload: { ...body },
      });
    }
    // Requests made through Open311 POST (issue 14): the client hears of each public change at
    // OPEN311_CALLBACK_URL, in mySociety's servicerequestupdates shape plus the token it was given.
    for (const s of after.sources) {
      if (s.channel !== 'open311') continue;
      const update = open311Update({
        incidentId: after.id,
        version: v,
        kind: citizenEvent,
        status: after.status,
        at: after.updated_at,
        reply: reply ?? null,
        comment: comment ?? null,
        reason: reason ?? null,
        reporterName: after.reporter?.name ?? null,
      });
      out.push({
        incidentId: after.id,
        kind: 'open311_callback',
        channel: 'open311',
        idempotencyKey: `${after.id}:v${v}:open311:${citizenEvent}:${s.sourceId}`,
        payload: { ...update, token: s.sourceId },
      });
    }
    const opener = after.sources[0];
    const phone = after.reporter?.phone;
    if (opener?.channel === 'hotline' && phone) {
      const words =
        citizenEvent === 'comment'
          ? `${comment}`
          : `${label(after.status)}.${reply ? ` Trả lời: ${reply}` : ''}${reason ? ` Lý do: ${reason}` : ''}`;
      const payload: NoticePayload = {
        to: phone,
        text: clip(`IOC Huế - phản ánh ${after.id} (tổng đài 19001075): ${words}`),
        incidentId: after.id,
        version: v,
        event: citizenEvent,
      };
      out.push({
        incidentId: after.id,
        kind: 'citizen_notice',
        channel: citizenChannel,
        // The ticket id, not the phone: keys are shown to admins and logged.
        idempotencyKey: `${after.id}:v${v}:${citizenChannel}:${citizenEvent}:${opener.sourceId}`,
        payload: { ...payload },
      });
    }
  }

  if (event.type === 'sla_breached' || event.type === 'escalated') {
    const agency = after.agency_id ?? 'ioc';
    const due = after.due_at ? new Date(after.due_at).toISOString() : null;
    const what = event.type === 'sla_breached' ? 'đã quá hạn xử lý' : 'quá hạn kéo dài, đã báo cáo lãnh đạo';
    const payload: NoticePayload = {
      to: agency,
      text: clip(
        `IOC Huế: phản ánh ${after.id} (${after.title ?? after.category}) ${what}` +
          (due ? ` (hạn ${due}).` : '.') +
          ' Đề nghị đơn vị khẩn trương xử lý.',
      ),
      incidentId: after.id,
      version: v,
      event: event.type,
    };
    out.push({
      incidentId: after.id,
      kind: 'unit_notice',
      channel: 'unit_notice',
      idempotencyKey: `${after.id}:v${v}:unit_notice:${event.type}:${agency}`,
      payload: { ...payload },
    });
  }
  return out;
}
