/*
 * Local time in Asia/Ho_Chi_Minh. Vietnam has kept UTC+7 without daylight saving since 1975, so a fixed
 * offset is exact for every date this system handles and needs no tz database (Intl would give the same).
 */
export const VN_UTC_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** A calendar day in Asia/Ho_Chi_Minh, `YYYY-MM-DD`. */
export type LocalDate = string;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLocalDate(value: string): boolean {
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

function dayNumber(date: LocalDate): number {
  const m = LOCAL_DATE.exec(date);
  if (!m) throw new Error(`"${date}" is not a YYYY-MM-DD date`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function fromDayNumber(n: number): LocalDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function localDate(year: number, month: number, day: number): LocalDate {
  return fromDayNumber(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** The local calendar day of an instant. */
export function localDateOf(instant: Date): LocalDate {
  return new Date(instant.getTime() + VN_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since local midnight of an instant (0–1439, with fractions for seconds). */
export function localMinutesOf(instant: Date): number {
  const ms = (((instant.getTime() + VN_UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return ms / 60_000;
}

/** The instant at `minutes` after local midnight of `date`. */
export function atLocal(date: LocalDate, minutes: number): Date {
  return new Date(dayNumber(date) * DAY_MS + minutes * 60_000 - VN_UTC_OFFSET_MS);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/** "07:30" → 450. */
export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`"${hhmm}" is not an HH:MM time`);
  return Number(m[1]) * 60 + Number(m[2]);
}
