import { publicHolidays, type Holiday, type HolidayOverrides } from './holidays.ts';
import { addDays, dayOfWeek, parseClock, yearOf, type LocalDate } from './local-time.ts';

/**
 * Office hours of a Huế state agency: 07:30–11:30 and 13:30–17:00. The 07:30 start is the one DOMAIN.md
 * gives for Hue-S (non-urgent reports are taken from 07:30); some agencies open at 07:00 in summer, which is a
 * configuration, not a code change.
 */
export const DEFAULT_OFFICE_HOURS: readonly (readonly [string, string])[] = [
  ['07:30', '11:30'],
  ['13:30', '17:00'],
];

export interface WorkingCalendarOptions {
  overrides?: HolidayOverrides;
  officeHours?: readonly (readonly [string, string])[];
}

/** Which local days are working days (Mon–Fri, not a public holiday or nghỉ bù, plus make-up days) and when the office is open. */
export class WorkingCalendar {
  private readonly byYear = new Map<number, Map<LocalDate, Holiday>>();
  private readonly makeUp: Set<LocalDate>;
  /** Office intervals as [start, end) minutes after local midnight, ascending. */
  readonly office: readonly (readonly [number, number])[];

  constructor(private readonly options: WorkingCalendarOptions = {}) {
    this.makeUp = new Set((options.overrides?.workingDays ?? []).map((w) => w.date));
    this.office = (options.officeHours ?? DEFAULT_OFFICE_HOURS).map(
      ([a, b]) => [parseClock(a), parseClock(b)] as const,
    );
    if (
      this.office.length === 0 ||
      this.office.some(([a, b], i) => a >= b || (i > 0 && a < (this.office[i - 1]?.[1] ?? 0)))
    ) {
      throw new Error('office hours must be ascending, non-overlapping HH:MM intervals');
    }
  }

  /** Minutes after midnight when the office day starts (07:30 by default). */
  get dayStart(): number {
    return this.office[0]?.[0] ?? 0;
  }

  /** Minutes after midnight when the office day ends (17:00 by default). */
  get dayEnd(): number {
    return this.office[this.office.length - 1]?.[1] ?? 24 * 60;
  }

  holidays(year: number): Holiday[] {
    return [...this.yearMap(year).values()];
  }

  holiday(date: LocalDate): Holiday | undefined {
    return this.yearMap(yearOf(date)).get(date);
  }

  isWorkingDay(date: LocalDate): boolean {
    if (this.makeUp.has(date)) return true;
    const w = dayOfWeek(date);
    return w !== 0 && w !== 6 && !this.holiday(date);
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: LocalDate): LocalDate {
    let d = addDays(date, 1);
    // A run of days off is at most a couple of weeks (Tết plus weekends); a year without one is a broken override.
    for (let i = 0; i < 366 && !this.isWorkingDay(d); i++) d = addDays(d, 1);
    if (!this.isWorkingDay(d)) throw new Error(`no working day within a year after ${date}`);
    return d;
  }

  private yearMap(year: number): Map<LocalDate, Holiday> {
    let m = this.byYear.get(year);
    if (!m) {
      m = new Map(publicHolidays(year, this.options.overrides).map((h) => [h.date, h]));
      this.byYear.set(year, m);
    }
    return m;
  }
}
