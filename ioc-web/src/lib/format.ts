/** All times on the wall are Huế's: Asia/Ho_Chi_Minh, UTC+7, no daylight saving (DOMAIN.md). */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f as T;
}

/** HH:MM:SS, 24-hour. */
export function formatTime(ms: number, locale: string): string {
  return cached(
    `t|${locale}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        timeZone: TIME_ZONE,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
  ).format(ms);
}

/** HH:MM, 24-hour. */
export function formatHourMinute(ms: number, locale: string): string {
  return cached(
    `hm|${locale}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        timeZone: TIME_ZONE,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  ).format(ms);
}

/** Weekday and date, e.g. "Thứ Hai, 27/10/2025". */
export function formatDate(ms: number, locale: string): string {
  return cached(
    `d|${locale}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        timeZone: TIME_ZONE,
        weekday: 'long',
        day: '2-digit',
        month: '2-digit',
        year: 'numeric',
      }),
  ).format(ms);
}

/** A reading with a fixed number of decimals in the locale's style ("2,35" in Vietnamese). */
export function formatNumber(value: number, locale: string, decimals: number): string {
  return cached(
    `n|${locale}|${decimals}`,
    () =>
      new Intl.NumberFormat(locale, {
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
      }),
  ).format(value);
}

const AGE_UNITS = [
  { unit: 'day', ms: 86_400_000 },
  { unit: 'hour', ms: 3_600_000 },
  { unit: 'minute', ms: 60_000 },
  { unit: 'second', ms: 1_000 },
] as const;

/** An age in its largest whole unit: "5 giây", "3 phút", "2 giờ" / "5 sec", "3 min", "2 hr". */
export function formatAge(ms: number, locale: string): string {
  const age = Math.max(0, ms);
  const { unit, ms: size } = AGE_UNITS.find((u) => age >= u.ms) ?? AGE_UNITS[3];
  return cached(
    `age|${unit}|${locale}`,
    () => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }),
  ).format(Math.floor(age / size));
}
