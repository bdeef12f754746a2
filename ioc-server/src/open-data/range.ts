import { AppError } from '../errors.ts';

/** Huế's offset (Asia/Ho_Chi_Minh: UTC+7 since 1975, no daylight saving). */
const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

export interface TimeRange {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * One `from`/`to` value as an instant. A day means its first instant in Huế (`end`: the first instant of
 * the next day, so `to=2026-11-30` includes the 30th); a date-time without an offset is Huế time. A value
 * that is not a real calendar time (2026-02-30, 24:00, +15:00) is refused, never rolled over.
 */
export function parseOpenDataTime(value: string, name: 'from' | 'to'): Date {
  const m = DATE_TIME.exec(value);
  if (!m) throw rangeError(`${name} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][offset]`, name, value);
  const [, y, mo, d, hh, mi, ss, frac, offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = hh === undefined ? 0 : Number(hh);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = ss === undefined ? 0 : Number(ss);
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    year < 1970 ||
    year > 9999 ||
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day ||
    probe.getUTCHours() !== hour ||
    probe.getUTCMinutes() !== minute ||
    probe.getUTCSeconds() !== second
  )
    throw rangeError(`${name} is not a real date and time`, name, value);
  let offsetMs = VN_OFFSET_MS;
  if (offset === 'Z') offsetMs = 0;
  else if (offset) {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 14 || om > 59) throw rangeError(`${name} has an impossible UTC offset`, name, value);
    offsetMs = (offset[0] === '-' ? -1 : 1) * (oh * 3_600_000 + om * 60_000);
  }
  const wholeDay = hh === undefined && name === 'to' ? DAY_MS : 0;
  return new Date(probe.getTime() + ms - offsetMs + wholeDay);
}

/**
 * The range of a request: `to` defaults to now, `from` to `defaultDays` before `to`; from ≤ to; at most
 * `maxDays` long (the caller's limit: a direct download's, or an export's).
 */
export function resolveRange(
  query: { from?: string | undefined; to?: string | undefined },
  opts: { defaultDays: number; maxDays: number; now?: Date; tooLarge?: () => AppError },
): TimeRange {
  const now = opts.now ?? new Date();
  const to = query.to === undefined ? now : parseOpenDataTime(query.to, 'to');
  const from =
    query.from === undefined
      ? new Date(to.getTime() - opts.defaultDays * DAY_MS)
      : parseOpenDataTime(query.from, 'from');
  if (from.getTime() > to.getTime())
    throw new AppError('IOC_OPEN_DATA_RANGE', 'from must not be after to', {
      from: vnIso(from),
      to: vnIso(to),
    });
  if (to.getTime() - from.getTime() > opts.maxDays * DAY_MS)
    throw (
      opts.tooLarge?.() ??
      new AppError('IOC_OPEN_DATA_RANGE', `the range may be at most ${opts.maxDays} days`, {
        maxDays: opts.maxDays,
      })
    );
  return { from, to };
}

/** An instant as ISO 8601 in Huế time with its offset (`2026-11-01T08:00:00+07:00`), never `Z`. */
export function vnIso(d: Date): string {
  return new Date(d.getTime() + VN_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+07:00');
}

function rangeError(message: string, name: string, value: string): AppError {
  return new AppError('IOC_OPEN_DATA_RANGE', message, { [name]: value.slice(0, 40) });
}
