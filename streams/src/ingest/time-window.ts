import { fail, ok, type Result } from '../reject.ts';

/**
 * How far from the receiving clock a source's timestamp may be (issue 11: readings of 1900 and of year 1
 * were stored). Older than `maxAgeMs` is a device that lost its clock or a replay, not news for an
 * operations centre; further ahead than `maxSkewMs` is a clock fault. The server reads both from its
 * configuration (INGEST_MAX_AGE_DAYS, INGEST_MAX_SKEW_S; the CSV import has its own, longer age).
 */
export interface TimeWindow {
  maxAgeMs: number;
  maxSkewMs: number;
}

const DAY_MS = 86_400_000;

/** 30 days back, 5 minutes ahead. */
export const DEFAULT_TIME_WINDOW: TimeWindow = { maxAgeMs: 30 * DAY_MS, maxSkewMs: 5 * 60_000 };

export const timeWindow = (maxAgeDays: number, maxSkewS: number): TimeWindow => ({
  maxAgeMs: maxAgeDays * DAY_MS,
  maxSkewMs: maxSkewS * 1000,
});

/** `t` when it lies in the window around `receivedAt`, else an IOC_INGEST_TIME reject naming `path`. */
export function checkTimeWindow(
  t: Date,
  receivedAt: Date,
  window: TimeWindow,
  path: string,
  shown?: string,
): Result<Date> {
  if (inTimeWindow(t.getTime(), receivedAt, window)) return ok(t);
  const ahead = t.getTime() - receivedAt.getTime();
  const text = shown ?? t.toISOString();
  const limits = { maxAgeDays: window.maxAgeMs / DAY_MS, maxSkewS: window.maxSkewMs / 1000 };
  if (ahead > window.maxSkewMs) {
    return fail(
      'IOC_INGEST_TIME',
      `${path} ${text} is more than ${describe(window.maxSkewMs)} in the future`,
      { path, ...limits },
    );
  }
  return fail('IOC_INGEST_TIME', `${path} ${text} is more than ${describe(window.maxAgeMs)} old`, {
    path,
    ...limits,
  });
}

/** Whether the instant `ms` lies in the window around `receivedAt` (checkTimeWindow without the reject). */
export function inTimeWindow(ms: number, receivedAt: Date, window: TimeWindow): boolean {
  const ahead = ms - receivedAt.getTime();
  return ahead <= window.maxSkewMs && -ahead <= window.maxAgeMs;
}

function describe(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${ms / 1000} s`;
}

/**
 * The instant an RFC 3339 time names, in ms since the epoch; NaN where `Date` cannot read it or the date
 * does not exist (`Date` rolls 2026-02-30 over to March: a device that sends it has a broken clock).
 * The forms devices and `toISOString` send, `YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM)` from 1970 on, are
 * read digit by digit (one per message on the MQTT path: the regex, the array of fields and the probe
 * `Date` were a tenth of its CPU); anything else goes through `Date` and the calendar check, so both
 * paths answer alike (time-window.spec.ts compares them).
 */
export function isoTimeMs(iso: string): number {
  const fast = canonicalIsoMs(iso);
  if (!Number.isNaN(fast)) return fast;
  const t = new Date(iso).getTime();
  return Number.isNaN(t) || !calendarDateExists(iso) ? NaN : t;
}

/** The two ASCII digits of `s` at `at` as a number; -1 where either is not one (or past the end). */
function d2(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** d2 over bytes. */
function d2b(s: Uint8Array, at: number): number {
  const a = (s[at] ?? 0) - 48;
  const b = (s[at + 1] ?? 0) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/**
 * `s.slice(from, to)` when it is `YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM)` from 1970 on with every field in
 * range, in ms; NaN for anything else (which `isoTimeMs` then reads through `Date`). Offsets so that a
 * caller holding the whole payload text need not cut the time out of it.
 */
export function canonicalIsoMs(s: string, from = 0, to = s.length): number {
  const len = to - from;
  if (len !== 20 && len !== 24 && len !== 25 && len !== 29) return NaN;
  const b = from;
  if (
    s.charCodeAt(b + 4) !== 45 || // -
    s.charCodeAt(b + 7) !== 45 ||
    s.charCodeAt(b + 10) !== 84 || // T
    s.charCodeAt(b + 13) !== 58 || // :
    s.charCodeAt(b + 16) !== 58
  )
    return NaN;
  const hi = d2(s, b);
  const lo = d2(s, b + 2);
  let at = b + 19;
  let frac = 0;
  if (s.charCodeAt(at) === 46) {
    const f = d2(s, at + 1);
    const f3 = s.charCodeAt(at + 3) - 48;
    if (f < 0 || !(f3 >= 0 && f3 <= 9)) return NaN;
    frac = f * 10 + f3;
    at += 4;
  }
  let offsetMin = 0;
  const z = s.charCodeAt(at);
  if (z === 90) {
    if (to !== at + 1) return NaN;
  } else {
    const sign = z === 43 ? 1 : z === 45 ? -1 : 0;
    const oh = d2(s, at + 1);
    const om = d2(s, at + 4);
    if (sign === 0 || to !== at + 6 || s.charCodeAt(at + 3) !== 58 || oh < 0 || oh > 23 || om < 0 || om > 59)
      return NaN;
    offsetMin = sign * (oh * 60 + om);
  }
  return utcMs(
    hi < 0 || lo < 0 ? -1 : hi * 100 + lo,
    d2(s, b + 5),
    d2(s, b + 8),
    d2(s, b + 11),
    d2(s, b + 14),
    d2(s, b + 17),
    frac,
    offsetMin,
  );
}

/**
 * canonicalIsoMs over the bytes of a payload (ASCII: a time in canonical form holds nothing else), for
 * the MQTT fast path that reads a reading without decoding it to text first.
 */
export function canonicalIsoMsBytes(s: Uint8Array, from: number, to: number): number {
  const len = to - from;
  if (len !== 20 && len !== 24 && len !== 25 && len !== 29) return NaN;
  const b = from;
  if (s[b + 4] !== 45 || s[b + 7] !== 45 || s[b + 10] !== 84 || s[b + 13] !== 58 || s[b + 16] !== 58)
    return NaN;
  const hi = d2b(s, b);
  const lo = d2b(s, b + 2);
  let at = b + 19;
  let frac = 0;
  if (s[at] === 46) {
    const f = d2b(s, at + 1);
    const f3 = (s[at + 3] ?? 0) - 48;
    if (f < 0 || !(f3 >= 0 && f3 <= 9)) return NaN;
    frac = f * 10 + f3;
    at += 4;
  }
  let offsetMin = 0;
  const z = s[at];
  if (z === 90) {
    if (to !== at + 1) return NaN;
  } else {
    const sign = z === 43 ? 1 : z === 45 ? -1 : 0;
    const oh = d2b(s, at + 1);
    const om = d2b(s, at + 4);
    if (sign === 0 || to !== at + 6 || s[at + 3] !== 58 || oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
    offsetMin = sign * (oh * 60 + om);
  }
  return utcMs(
    hi < 0 || lo < 0 ? -1 : hi * 100 + lo,
    d2b(s, b + 5),
    d2b(s, b + 8),
    d2b(s, b + 11),
    d2b(s, b + 14),
    d2b(s, b + 17),
    frac,
    offsetMin,
  );
}

/** Date.UTC of the fields (minus the offset) where each is in range and the day exists, else NaN. */
function utcMs(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  sec: number,
  frac: number,
  offsetMin: number,
): number {
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1]! + (leap && mo === 2 ? 1 : 0)) return NaN;
  // Days since 1970-01-01 by whole years, then the days of this year before the month (Date.UTC, inlined;
  // every quotient is of a positive number, so truncation is floor).
  const days =
    365 * (y - 1970) +
    (((y - 1969) / 4) | 0) -
    (((y - 1901) / 100) | 0) +
    (((y - 1601) / 400) | 0) +
    DAYS_BEFORE_MONTH[mo - 1]! +
    (leap && mo > 2 ? 1 : 0) +
    d -
    1;
  return ((days * 24 + h) * 60 + mi - offsetMin) * 60_000 + sec * 1000 + frac;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** Year 10000: past it toISOString writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;

/**
 * `new Date(ms).toISOString()` without the Date (which cost more than the rest of a sensor feature,
 * issue 15): the civil date of the day number by Hinnant's days-to-civil, then the fields from tables.
 * From 1970 to 9999; other instants, and NaN, are left to toISOString itself.
 */
export function isoString(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS) || ms !== Math.floor(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  return `${y}-${TWO_DIGITS[mo]!}-${TWO_DIGITS[d]!}T${TWO_DIGITS[h]!}:${TWO_DIGITS[mi]!}:${TWO_DIGITS[sec]!}.${THREE_DIGITS[milli]!}Z`;
}

function calendarDateExists(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  if (!m) return false;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && h < 24 && mi < 60;
}
