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
