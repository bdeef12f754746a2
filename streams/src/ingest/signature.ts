import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail, ok, type Result } from '../reject.ts';

/*
 * Webhook signatures (ARCHITECTURE.md "Access"): the source sends
 *   X-Timestamp: <Unix seconds>
 *   X-Signature: sha256=<hex HMAC-SHA256(secret, X-Timestamp + "." + raw body)>
 * over the exact bytes it sent. A request more than 5 minutes old or ahead is a replay or a broken clock.
 */
export const SIGNATURE_TOLERANCE_S = 300;
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;
const TIMESTAMP = /^\d{1,12}$/;

type HeaderValue = string | readonly string[] | null | undefined;

export interface VerifySignatureInput {
  /** The source's secret; several during a rotation (any one may have signed). */
  secret: string | readonly string[];
  /** The X-Timestamp header as received. */
  timestamp: HeaderValue;
  /** The X-Signature header as received. */
  signature: HeaderValue;
  /** The body exactly as received, before any JSON parsing. */
  rawBody: string | Uint8Array;
  now: Date;
  toleranceS?: number;
}

function single(h: HeaderValue): string | undefined | null {
  if (h === null || h === undefined) return undefined;
  if (typeof h === 'string') return h.trim() === '' ? undefined : h.trim();
  // A header sent twice is not a header we can trust either way.
  return h.length === 0 ? undefined : h.length === 1 ? (h[0]?.trim() ?? undefined) : null;
}

function hmac(secret: string, timestamp: string, rawBody: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * Checks a signed webhook. Codes: IOC_INGEST_SIGNATURE_MISSING (a header absent), IOC_INGEST_SIGNATURE_INVALID
 * (malformed, duplicated or not matching), IOC_INGEST_SIGNATURE_EXPIRED (genuine but outside ±5 min). The
 * signature is checked before the time, so a forger learns nothing from the code; the compare is constant-time.
 */
export function verifySignature(input: VerifySignatureInput): Result<{ signedAt: Date }> {
  const ts = single(input.timestamp);
  const sig = single(input.signature);
  if (ts === undefined || sig === undefined) {
    return fail(
      'IOC_INGEST_SIGNATURE_MISSING',
      `missing ${ts === undefined ? 'X-Timestamp' : 'X-Signature'} header`,
    );
  }
  if (ts === null || sig === null)
    return fail('IOC_INGEST_SIGNATURE_INVALID', 'X-Timestamp and X-Signature must be sent once');
  if (!TIMESTAMP.test(ts)) return fail('IOC_INGEST_SIGNATURE_INVALID', 'X-Timestamp must be Unix seconds');
  const m = SIGNATURE.exec(sig);
  if (!m) return fail('IOC_INGEST_SIGNATURE_INVALID', 'X-Signature must be sha256=<64 hex digits>');
  const given = Buffer.from((m[1] ?? '').toLowerCase(), 'hex');
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  if (secrets.length === 0 || secrets.some((s) => s.length === 0))
    throw new Error('verifySignature needs a non-empty secret');
  // Compare against every secret (no early exit), so timing does not tell which one matched.
  let matched = false;
  for (const secret of secrets) matched = timingSafeEqual(hmac(secret, ts, input.rawBody), given) || matched;
  if (!matched) return fail('IOC_INGEST_SIGNATURE_INVALID', 'X-Signature does not match the body');
  const signedAtS = Number(ts);
  const skew = input.now.getTime() / 1000 - signedAtS;
  const tolerance = input.toleranceS ?? SIGNATURE_TOLERANCE_S;
  if (Math.abs(skew) > tolerance) {
    return fail(
      'IOC_INGEST_SIGNATURE_EXPIRED',
      `X-Timestamp is ${Math.round(Math.abs(skew))} s ${skew > 0 ? 'old' : 'ahead'}; at most ${tolerance} s is accepted`,
    );
  }
  return ok({ signedAt: new Date(signedAtS * 1000) });
}

/** The headers a source sends with `body` at `ts` (a Date, or Unix seconds): for the simulator and tests. */
export function signBody(
  secret: string,
  body: string | Uint8Array,
  ts: Date | number,
): { 'X-Timestamp': string; 'X-Signature': string } {
  const seconds = String(typeof ts === 'number' ? Math.floor(ts) : Math.floor(ts.getTime() / 1000));
  return { 'X-Timestamp': seconds, 'X-Signature': `sha256=${hmac(secret, seconds, body).toString('hex')}` };
}
