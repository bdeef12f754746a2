import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { httpResult, nextState, parseRetryAfter, REFUSED_ATTEMPTS, retryDelayMs } from './delivery-policy.ts';

const policy = { baseMs: 2000, capMs: 600_000, maxAttempts: 12 };
const now = new Date('2026-12-01T08:00:00+07:00');

describe('retryDelayMs', () => {
  it('doubles from the base and stops at the cap, half of it random', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(1000);
    expect(retryDelayMs(1, policy, () => 1)).toBe(2000);
    expect(retryDelayMs(2, policy, () => 1)).toBe(4000);
    expect(retryDelayMs(5, policy, () => 1)).toBe(32_000);
    // 2000 · 2^9 = 1,024,000 > the 10-minute cap.
    expect(retryDelayMs(10, policy, () => 1)).toBe(600_000);
    expect(retryDelayMs(10, policy, () => 0)).toBe(300_000);
    expect(retryDelayMs(1000, policy, () => 0.5)).toBe(450_000);
  });

  it('stays within [d/2, d] and never above the cap, for any attempt and any jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 10, max: 10_000 }),
        fc.integer({ min: 10_000, max: 3_600_000 }),
        (n, r, baseMs, capMs) => {
          const d = Math.min(capMs, baseMs * 2 ** (n - 1));
          const wait = retryDelayMs(n, { baseMs, capMs, maxAttempts: 12 }, () => r);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(d / 2));
          expect(wait).toBeLessThanOrEqual(Math.ceil(d));
          expect(wait).toBeLessThanOrEqual(capMs);
        },
      ),
    );
  });

  it('spreads the retries of messages that failed together', () => {
    const waits = new Set(Array.from({ length: 50 }, () => retryDelayMs(4, policy)));
    expect(waits.size).toBeGreaterThan(40);
  });
});

describe('nextState', () => {
  const transient = { ok: false as const, retryable: true, error: 'HTTP 503' };
  const refused = { ok: false as const, retryable: false, error: 'HTTP 400: unknown report' };

  it('delivered is sent', () => {
    expect(nextState({ ok: true }, 1, policy, now)).toEqual({ status: 'sent' });
  });

  it('a transient failure waits out the backoff, then is dead after OUTBOX_MAX_ATTEMPTS', () => {
    const next = nextState(transient, 3, policy, now, () => 1);
    expect(next).toEqual({
      status: 'pending',
      nextAttemptAt: new Date(now.getTime() + 8000),
      error: 'HTTP 503',
    });
    expect(nextState(transient, 11, policy, now).status).toBe('pending');
    expect(nextState(transient, 12, policy, now)).toMatchObject({
      status: 'dead',
      error: /after 12 attempts/,
    });
  });

  it('a refusal is tried REFUSED_ATTEMPTS times, then failed', () => {
    expect(REFUSED_ATTEMPTS).toBe(3);
    expect(nextState(refused, 1, policy, now).status).toBe('pending');
    expect(nextState(refused, 2, policy, now).status).toBe('pending');
    expect(nextState(refused, 3, policy, now)).toMatchObject({ status: 'failed', error: /refused 3 times/ });
  });

  it("honours the receiver's Retry-After when it is longer than the backoff, up to the cap", () => {
    const next = nextState({ ...transient, retryAfterMs: 120_000 }, 1, policy, now, () => 1);
    expect(next).toMatchObject({ nextAttemptAt: new Date(now.getTime() + 120_000) });
    const capped = nextState({ ...transient, retryAfterMs: 86_400_000 }, 1, policy, now, () => 1);
    expect(capped).toMatchObject({ nextAttemptAt: new Date(now.getTime() + 600_000) });
  });

  it('an unconfigured channel is held', () => {
    expect(
      nextState({ ok: false, held: true, error: 'HUES_CALLBACK_URL is not configured' }, 1, policy, now),
    ).toEqual({
      status: 'held',
      error: 'HUES_CALLBACK_URL is not configured',
    });
  });
});

describe('httpResult', () => {
  it('2xx delivered; 408, 429 and 5xx transient; other 4xx a refusal', () => {
    expect(httpResult(200, '', null, now)).toEqual({ ok: true });
    expect(httpResult(204, '', null, now)).toEqual({ ok: true });
    for (const s of [408, 429, 500, 502, 503, 504])
      expect(httpResult(s, '', null, now)).toMatchObject({ retryable: true });
    for (const s of [400, 401, 403, 404, 409, 410, 422])
      expect(httpResult(s, 'x', null, now)).toMatchObject({ retryable: false });
  });

  it('keeps a short, one-line excerpt of the answer and the Retry-After', () => {
    const r = httpResult(429, `{"error":\n  "slow down"}${'x'.repeat(500)}`, '30', now);
    expect(r).toMatchObject({ ok: false, retryAfterMs: 30_000 });
    expect((r as { error: string }).error).toMatch(/^HTTP 429: \{"error": "slow down"\}/);
    expect((r as { error: string }).error.length).toBeLessThan(220);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now.getTime() + 5000).toUTCString(), now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
