/**
 * CAP times (CAP-v1.2-os §3.3.2): "2002-05-24T16:49:00-07:00", seconds precision, always with a numeric
 * offset; "-00:00" or "Z" are not what we write. Huế is Asia/Ho_Chi_Minh, UTC+7 with no daylight saving, so
 * the offset is always +07:00.
 */
const OFFSET_MS = 7 * 3600_000;

export function capTime(d: Date): string {
  return `${new Date(Math.floor(d.getTime() / 1000) * 1000 + OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** A CAP dateTime as the spec writes it (1.1 and 1.2; `Z` accepted inbound from other senders). */
export const CAP_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)$/;

/** Parses a CAP dateTime, or null. */
export function parseCapTime(s: string): Date | null {
  if (!CAP_DATETIME.test(s)) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}
