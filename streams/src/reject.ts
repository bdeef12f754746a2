import type { ErrorCode } from '@hue-ioc/layers';

/**
 * Why an inbound message was refused. `code` is stable (IOC_INGEST_*, declared once in the error
 * catalogue of layers), `reason` is for people.
 */
export interface Reject {
  code: ErrorCode;
  reason: string;
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; reject: Reject };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, reason: string, details?: unknown): Result<T> => ({
  ok: false,
  reject: details === undefined ? { code, reason } : { code, reason, details },
});
