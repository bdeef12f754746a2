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
  text: string = t.toISOString(),
): Result<Date> {
  const ahead = t.getTime() - receivedAt.getTime();
  const limits = { maxAgeDays: window.maxAgeMs / DAY_MS, maxSkewS: window.maxSkewMs / 1000 };
  if (ahead > window.maxSkewMs) {
    return fail(
      'IOC_INGEST_TIME',
      `${path} ${text} is more than ${describe(window.maxSkewMs)} in the future`,
      { path, ...limits },
    );
  }
  if (-ahead > window.maxAgeMs) {
    return fail('IOC_INGEST_TIME', `${path} ${text} is more than ${describe(window.maxAgeMs)} old`, {
      path,
      ...limits,
    });
  }
  return ok(t);
}

function describe(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  return `${ms / 1000} s`;
}
