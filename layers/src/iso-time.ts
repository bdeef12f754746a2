/**
 * ISO 8601 instants as `Date#toISOString` writes them, read without `Date.parse`: the wall's encoder reads
 * 300k of them per 100k-incident snapshot, and the wall reads every delta's deadlines.
 */

const DAY_MS = 86_400_000;

/**
 * The digit at `at` of `s`, or -10,000 when it is not one: a field of up to four digits with such a digit
 * is negative, which every range check below refuses. Unrolled per field (a loop over the digits was the
 * largest part of a 100k-incident encode).
 */
const digit = (s: string, at: number): number => {
  const d = s.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : -10_000;
};
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch ms of a string exactly as `Date#toISOString` writes it (`2026-12-01T08:30:00.000Z`, years
 * 0000–9999); undefined for anything else — including strings `Date.parse` would accept but write back
 * differently (`2026-02-31…` rolls over to March). No allocation.
 */
export function isoStringMs(v: string): number | undefined {
  if (v.length !== 24) return undefined;
  if (
    v.charCodeAt(4) !== 45 || // -
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(10) !== 84 || // T
    v.charCodeAt(13) !== 58 || // :
    v.charCodeAt(16) !== 58 ||
    v.charCodeAt(19) !== 46 || // .
    v.charCodeAt(23) !== 90 // Z
  )
    return undefined;
  const year = digit(v, 0) * 1000 + digit(v, 1) * 100 + digit(v, 2) * 10 + digit(v, 3);
  const month = digit(v, 5) * 10 + digit(v, 6);
  const day = digit(v, 8) * 10 + digit(v, 9);
  const hour = digit(v, 11) * 10 + digit(v, 12);
  const minute = digit(v, 14) * 10 + digit(v, 15);
  const second = digit(v, 17) * 10 + digit(v, 18);
  const milli = digit(v, 20) * 100 + digit(v, 21) * 10 + digit(v, 22);
  if (!(
    year >= 0 &&
    month >= 1 &&
    month <= 12 &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59 &&
    milli >= 0
  ))
    return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const dim = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (!(day >= 1 && day <= dim)) return undefined;
  // Days from civil (H. Hinnant's algorithm), proleptic Gregorian as Date uses.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146_097 + doe - 719_468;
  return days * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + milli;
}
