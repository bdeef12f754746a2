import { getLunarDate, getSolarDate } from '@dqcai/vn-lunar';
import { localDate, type LocalDate } from './local-time.ts';

/*
 * Lunar dates use @dqcai/vn-lunar: the Vietnamese calendar of Hồ Ngọc Đức's "Âm lịch Việt Nam" tables
 * (years 1200–2199), computed for UTC+7. Chinese libraries (lunar-javascript, tyme4ts, …) compute for UTC+8,
 * and a new moon close to midnight then falls on another day: Tết 1985, 2007 and 2030 are a day (or a month)
 * apart between the two calendars. vietnamese-lunar-calendar agrees with it on those years but is untyped
 * and unmaintained.
 */

/** The Gregorian day of a lunar date of the Vietnamese calendar. */
export function solarOfLunar(year: number, month: number, day: number, leapMonth = false): LocalDate {
  const s = getSolarDate(day, month, year, leapMonth);
  if (!s || !s.year)
    throw new Error(`no solar date for lunar ${day}/${month}${leapMonth ? ' (nhuận)' : ''}/${year}`);
  return localDate(s.year, s.month, s.day);
}

/** The lunar date of a Gregorian day. */
export function lunarOf(date: LocalDate): { year: number; month: number; day: number; leap: boolean } {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const l = getLunarDate(d, m, y);
  return { year: l.year, month: l.month, day: l.day, leap: l.leap };
}

/** Mùng 1 Tết (lunar 1/1) of the lunar year that starts in Gregorian `year`. */
export function tetDay(year: number): LocalDate {
  return solarOfLunar(year, 1, 1);
}
