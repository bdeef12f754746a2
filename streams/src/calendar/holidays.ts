import { addDays, dayOfWeek, isLocalDate, localDate, yearOf, type LocalDate } from './local-time.ts';
import { solarOfLunar, tetDay } from './lunar.ts';

/*
 * Public holidays of Vietnam, Labour Code 2019 (Bộ luật Lao động 45/2019/QH14) art. 112, in force since
 * 2021: Tết Dương lịch 1/1 (1 day); Tết Âm lịch (5 days); Giỗ Tổ Hùng Vương 10/3 lunar (1); Chiến thắng 30/4 (1);
 * Quốc tế Lao động 1/5 (1); Quốc khánh 2/9 plus the day before or after it (2). Which Tết days and which
 * day next to 2/9 are set each year by the Prime Minister's decision, as are swapped days and make-up
 * Saturdays: the defaults below are a rule, and `HolidayOverrides` carry the decision once it is published.
 * Art. 111(3): a holiday on a weekly rest day is taken on the next working day (nghỉ bù).
 */

export interface Holiday {
  date: LocalDate;
  vi: string;
  en: string;
  /** `holiday`: a day of art. 112; `compensatory`: nghỉ bù for one that fell on a weekend; `extra`: from overrides. */
  kind: 'holiday' | 'compensatory' | 'extra';
}

export interface HolidayOverrides {
  /** The Tết days of a year as decided (keyed by the Gregorian year of mùng 1), replacing the default five. */
  tet?: Record<number, LocalDate[]>;
  /** The day added to Quốc khánh in a year (YYYY-09-01 or YYYY-09-03), replacing the default rule. */
  nationalDayExtra?: Record<number, LocalDate>;
  /** Further days off of a decision (a swapped day: hoán đổi ngày làm việc). */
  daysOff?: { date: LocalDate; vi: string; en?: string }[];
  /** Make-up working days (làm bù, usually a Saturday), and computed days off that a decision cancels. */
  workingDays?: { date: LocalDate; vi?: string }[];
}

/**
 * Default Tết: the last day of the old lunar year and mùng 1–4 of the new one. This is what the decisions
 * for 2026 (Mon 16 – Fri 20 Feb, nine days off with the weekends) chose; other years moved a day
 * (2025: 28 tháng Chạp to mùng 3), which is what `HolidayOverrides.tet` is for.
 */
export function defaultTetDays(year: number): LocalDate[] {
  const first = tetDay(year);
  return [-1, 0, 1, 2, 3].map((d) => addDays(first, d));
}

/**
 * The day added to 2/9 by default: the neighbour (1/9 or 3/9) that joins the holiday to a weekend, never one
 * that itself falls on a weekend, 1/9 when neither joins (2/9 on a Wednesday). This reproduces the decisions
 * of 2021 (3/9), 2022 (1/9), 2023 (1/9, with 4/9 nghỉ bù), 2024 (3/9) and 2025 (1/9).
 */
export function defaultNationalDayExtra(year: number): LocalDate {
  const before = localDate(year, 9, 1);
  const after = localDate(year, 9, 3);
  const score = (d: LocalDate): number => {
    const w = dayOfWeek(d);
    if (w === 0 || w === 6) return 0;
    return w === 1 || w === 5 ? 2 : 1;
  };
  return score(after) > score(before) ? after : before;
}

const isWeekend = (d: LocalDate): boolean => {
  const w = dayOfWeek(d);
  return w === 0 || w === 6;
};

/** Every day off of `year` (sorted), statutory days, nghỉ bù and overrides, minus the override working days. */
export function publicHolidays(year: number, overrides: HolidayOverrides = {}): Holiday[] {
  validateOverrides(overrides);
  const statutory: Holiday[] = [];
  const add = (date: LocalDate, vi: string, en: string): void => {
    statutory.push({ date, vi, en, kind: 'holiday' });
  };
  add(localDate(year, 1, 1), 'Tết Dương lịch', "New Year's Day");
  const tet = overrides.tet?.[year] ?? defaultTetDays(year);
  for (const d of tet) add(d, 'Tết Nguyên đán', 'Lunar New Year (Tết)');
  add(solarOfLunar(year, 3, 10), 'Giỗ Tổ Hùng Vương', 'Hùng Kings Commemoration Day');
  add(localDate(year, 4, 30), 'Ngày Chiến thắng', 'Reunification Day');
  add(localDate(year, 5, 1), 'Ngày Quốc tế Lao động', 'International Labour Day');
  const nationalDay = localDate(year, 9, 2);
  const extra = overrides.nationalDayExtra?.[year] ?? defaultNationalDayExtra(year);
  add(extra, 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)');
  add(nationalDay, 'Quốc khánh', 'National Day');

  const working = new Set((overrides.workingDays ?? []).map((w) => w.date));
  const taken = new Set(statutory.map((h) => h.date));
  const extras: Holiday[] = (overrides.daysOff ?? [])
    .filter((d) => yearOf(d.date) === year)
    .map((d) => ({ date: d.date, vi: d.vi, en: d.en ?? d.vi, kind: 'extra' as const }));
  for (const e of extras) taken.add(e.date);

  // Nghỉ bù, art. 111(3): each statutory day on a weekend moves to the next day that is neither a weekend
  // nor already off, in date order so that two weekend days (Tết 2027: Sat 6 and Sun 7 Feb) take two days.
  const compensatory: Holiday[] = [];
  for (const h of [...statutory].sort((a, b) => a.date.localeCompare(b.date))) {
    if (!isWeekend(h.date)) continue;
    let d = addDays(h.date, 1);
    while (isWeekend(d) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    compensatory.push({ date: d, vi: `Nghỉ bù ${h.vi}`, en: `In lieu of ${h.en}`, kind: 'compensatory' });
  }
  return [...statutory, ...compensatory, ...extras]
    .filter((h) => yearOf(h.date) === year && !working.has(h.date))
    .sort((a, b) => a.date.localeCompare(b.date) || a.kind.localeCompare(b.kind));
}

function validateOverrides(o: HolidayOverrides): void {
  const dates = [
    ...Object.values(o.tet ?? {}).flat(),
    ...Object.values(o.nationalDayExtra ?? {}),
    ...(o.daysOff ?? []).map((d) => d.date),
    ...(o.workingDays ?? []).map((d) => d.date),
  ];
  const bad = dates.filter((d) => !isLocalDate(d));
  if (bad.length > 0)
    throw new Error(`holiday overrides hold dates that are not YYYY-MM-DD: ${bad.join(', ')}`);
}
