/** Why an inbound message was refused. `code` is stable (IOC_INGEST_*), `reason` is for people. */
export interface Reject {
  code: string;
  reason: string;
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; reject: Reject };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: string, reason: string, details?: unknown): Result<T> => ({
  ok: false,
  reject: details === undefined ? { code, reason } : { code, reason, details },
});
