/**
 * When to try a message again, and when to give up (issue 12, item 7): plain functions, tested alone.
 */

export interface RetryPolicy {
  /** The first retry waits about this long (OUTBOX_RETRY_BASE_MS). */
  baseMs: number;
  /** No wait is longer (OUTBOX_RETRY_CAP_MS). */
  capMs: number;
  /** A message that failed this many times in a row, retryably, is `dead` (OUTBOX_MAX_ATTEMPTS). */
  maxAttempts: number;
}

/**
 * A refusal (a 4xx other than 408 and 429) is tried this many times in all before the message is `failed`:
 * the receiver said this message is wrong (bad signature, unknown report), and sending it again hours later
 * will not change that, but one deploy of the receiver with a bad route or a secret rotated a minute late
 * should not lose a citizen's answer. An admin re-queues a failed message from the panel.
 */
export const REFUSED_ATTEMPTS = 3;

/** What one try of a message came to. */
export type DeliveryResult =
  | { ok: true }
  | {
      ok: false;
      /** Transient (5xx, 408, 429, timeout, network) or a refusal (other 4xx). */
      retryable: boolean;
      error: string;
      /** The receiver's Retry-After, when it gave one. */
      retryAfterMs?: number;
    }
  /** The channel is not configured here (HUES_CALLBACK_URL unset): kept until it is. */
  | { ok: false; held: true; error: string };

/** The row's next state after a try. `attempts` counts this try. */
export type NextState =
  | { status: 'sent' }
  | { status: 'pending'; nextAttemptAt: Date; error: string }
  | { status: 'failed' | 'dead' | 'held'; error: string };

/**
 * Exponential backoff with "equal jitter" (half fixed, half random): the n-th retry waits between
 * d/2 and d, d = min(cap, base · 2^(n−1)). The jitter spreads the retries of many messages that failed
 * together (a receiver outage) so they do not come back as one burst; the fixed half keeps a floor.
 */
export function retryDelayMs(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, attempts);
  const d = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(n - 1, 40));
  return Math.round(d / 2 + random() * (d / 2));
}

export function nextState(
  result: DeliveryResult,
  attempts: number,
  policy: RetryPolicy,
  now: Date,
  random: () => number = Math.random,
): NextState {
  if (result.ok) return { status: 'sent' };
  if ('held' in result) return { status: 'held', error: result.error };
  if (!result.retryable && attempts >= REFUSED_ATTEMPTS) {
    return { status: 'failed', error: `${result.error} (refused ${attempts} times)` };
  }
  if (attempts >= policy.maxAttempts) {
    return { status: 'dead', error: `${result.error} (gave up after ${attempts} attempts)` };
  }
  const wait = Math.max(
    retryDelayMs(attempts, policy, random),
    Math.min(result.retryAfterMs ?? 0, policy.capMs),
  );
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + wait), error: result.error };
}

/** An HTTP answer as a result: 2xx delivered; 408, 429 and 5xx transient; any other status a refusal. */
export function httpResult(
  status: number,
  body: string,
  retryAfter: string | null,
  now: Date,
): DeliveryResult {
  if (status >= 200 && status < 300) return { ok: true };
  const error = `HTTP ${status}${body ? `: ${body.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`;
  const retryable = status === 408 || status === 429 || status >= 500 || status < 200;
  const retryAfterMs = parseRetryAfter(retryAfter, now);
  return { ok: false, retryable, error, ...(retryAfterMs !== null ? { retryAfterMs } : {}) };
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}
