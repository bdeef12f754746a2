import { signBody, type Logger } from '@hue-ioc/streams';
import type { OutboxRow } from '../storage/outbox.repository.ts';
import { maskPhone } from '../auth/personal-data.ts';
import { httpResult, type DeliveryResult } from './delivery-policy.ts';
import type { NoticePayload } from './outbox-messages.ts';
import type { Sender } from './outbox.worker.ts';

/** The Hue-S callback answers within this, or the try counts as a timeout (retried). */
export const CALLBACK_TIMEOUT_MS = 10_000;

/**
 * Hue-S's callback (ARCHITECTURE.md "REST", Citizen feedback): a POST of the message's JSON to
 * HUES_CALLBACK_URL, signed exactly like the webhooks Hue-S sends us (X-Timestamp, X-Signature over
 * `ts + "." + body` with INGEST_SECRET_HUES) and with `Idempotency-Key`, so a message sent twice (a lease that
 * ran out mid-send) is recognised by the receiver. No URL or no secret: the message is held.
 */
export function hueSCallbackSender(opts: {
  url: string | null;
  secret: string | null;
  timeoutMs?: number;
  now?: () => Date;
}): Sender {
  const now = opts.now ?? (() => new Date());
  return async (row, signal): Promise<DeliveryResult> => {
    if (!opts.url) return { ok: false, held: true, error: 'HUES_CALLBACK_URL is not configured' };
    if (!opts.secret) return { ok: false, held: true, error: 'INGEST_SECRET_HUES is not configured' };
    const body = JSON.stringify(row.payload);
    const at = now();
    try {
      const res = await fetch(opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': row.idempotency_key,
          ...signBody(opts.secret, body, at),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs ?? CALLBACK_TIMEOUT_MS)]),
        redirect: 'error',
      });
      const text = res.ok ? '' : await res.text().catch(() => '');
      return httpResult(res.status, text, res.headers.get('retry-after'), now());
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const what =
        e.name === 'TimeoutError'
          ? `no answer within ${opts.timeoutMs ?? CALLBACK_TIMEOUT_MS} ms`
          : e.name === 'AbortError'
            ? 'aborted (the server is stopping)'
            : `${e.cause?.code ?? e.name}: ${e.message}`;
      return { ok: false, retryable: true, error: what };
    }
  };
}

/** A text message as a notification adapter receives it. */
export interface NotifierMessage {
  to: string;
  text: string;
  incidentId: string;
  idempotencyKey: string;
}

/**
 * A way to reach a person by text (issue 12, item 6): an SMS gateway, Zalo's official-account API, the
 * units' notice channel. An adapter throws to say "try again later"; resolving means delivered.
 */
export interface Notifier {
  channel: 'sms' | 'zalo' | 'unit_notice';
  send(message: NotifierMessage): Promise<void>;
}

/**
 * The default adapter, until a gateway contract exists: logs the message (phone masked) and counts it as
 * delivered; the text stays in the outbox row, where the admin panel and an audit find it.
 */
export class RecordingNotifier implements Notifier {
  readonly sent: NotifierMessage[] = [];

  constructor(
    readonly channel: Notifier['channel'],
    private readonly logger: Logger,
  ) {}

  async send(message: NotifierMessage): Promise<void> {
    this.sent.push(message);
    if (this.sent.length > 1000) this.sent.shift();
    const to = this.channel === 'unit_notice' ? message.to : maskPhone(message.to);
    this.logger.info(
      { channel: this.channel, to, incidentId: message.incidentId, key: message.idempotencyKey },
      'outbox: message recorded (no gateway configured for this channel)',
    );
  }
}

/** A notifier as an outbox sender. */
export function notifierSender(notifier: Notifier): Sender {
  return async (row: OutboxRow): Promise<DeliveryResult> => {
    const p = row.payload as unknown as NoticePayload;
    try {
      await notifier.send({
        to: p.to,
        text: p.text,
        incidentId: row.incident_id,
        idempotencyKey: row.idempotency_key,
      });
      return { ok: true };
    } catch (err) {
      return { ok: false, retryable: true, error: (err as Error).message ?? String(err) };
    }
  };
}

/**
 * The Open311 client's callback (issue 14): the same signed POST as Hue-S's (X-Timestamp, X-Signature over
 * `ts + "." + body`, Idempotency-Key), to OPEN311_CALLBACK_URL with INGEST_SECRET_OPEN311. Held while unset.
 */
export function open311CallbackSender(opts: {
  url: string | null;
  secret: string | null;
  timeoutMs?: number;
}): Sender {
  const send = hueSCallbackSender(opts);
  return async (row, signal) => {
    if (!opts.url) return { ok: false, held: true, error: 'OPEN311_CALLBACK_URL is not configured' };
    if (!opts.secret) return { ok: false, held: true, error: 'INGEST_SECRET_OPEN311 is not configured' };
    return send(row, signal);
  };
}
