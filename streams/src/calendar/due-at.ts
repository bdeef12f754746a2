import { atLocal, localDateOf, localMinutesOf } from './local-time.ts';
import type { WorkingCalendar } from './working-calendar.ts';

export interface DueAtInput {
  receivedAt: Date;
  /** Working days (hạn xử lý of the timed process). */
  workingDays?: number;
  /** Hours: clock hours when urgent, office hours otherwise. */
  hours?: number;
  /** Immediate process of QĐ 30/2022: the clock runs from receipt, day and night. */
  urgent: boolean;
  calendar: WorkingCalendar;
}

/**
 * When the SLA clock of a report starts. Urgent: at receipt. Otherwise at the next office opening when the
 * report arrives outside office days: a report of 00:00–07:30 starts at 07:30 the same day (Hue-S takes only
 * urgent matters at night, QĐ 30/2022 practice); one after 17:00, on a weekend or a holiday starts at 07:30 of
 * the next working day, as the unit cannot act on it before.
 */
export function clockStart(receivedAt: Date, urgent: boolean, calendar: WorkingCalendar): Date {
  if (urgent) return receivedAt;
  const day = localDateOf(receivedAt);
  const minutes = localMinutesOf(receivedAt);
  if (!calendar.isWorkingDay(day) || minutes >= calendar.dayEnd)
    return atLocal(calendar.nextWorkingDay(day), calendar.dayStart);
  if (minutes < calendar.dayStart) return atLocal(day, calendar.dayStart);
  return receivedAt;
}

/**
 * The deadline (hạn xử lý) of a report.
 * - urgent + hours: receipt + clock hours.
 * - working days: the same local time of day, that many working days after the clock starts (weekends,
 *   holidays and nghỉ bù skipped; make-up Saturdays count).
 * - non-urgent + hours: office hours, counted inside the office intervals of working days.
 */
export function dueAt(input: DueAtInput): Date {
  const { receivedAt, workingDays, hours, urgent, calendar } = input;
  if ((workingDays === undefined) === (hours === undefined))
    throw new Error('dueAt needs exactly one of workingDays and hours');
  const amount = workingDays ?? hours ?? 0;
  if (!Number.isFinite(amount) || amount < 0) throw new Error(`dueAt: ${amount} is not a valid duration`);
  if (Number.isNaN(receivedAt.getTime())) throw new Error('dueAt: receivedAt is not a valid time');
  const start = clockStart(receivedAt, urgent, calendar);

  if (hours !== undefined && urgent) return new Date(start.getTime() + hours * 3_600_000);

  if (workingDays !== undefined) {
    if (!Number.isInteger(workingDays)) throw new Error('dueAt: workingDays must be a whole number');
    let day = localDateOf(start);
    const minutes = localMinutesOf(start);
    for (let i = 0; i < workingDays; i++) day = calendar.nextWorkingDay(day);
    return atLocal(day, minutes);
  }

  // Office hours, non-urgent: walk the office intervals from the start.
  let remaining = (hours ?? 0) * 60;
  let day = localDateOf(start);
  let from = localMinutesOf(start);
  for (;;) {
    if (calendar.isWorkingDay(day)) {
      for (const [a, b] of calendar.office) {
        const s = Math.max(a, from);
        if (s >= b) continue;
        if (remaining <= b - s) return atLocal(day, s + remaining);
        remaining -= b - s;
      }
    }
    day = calendar.nextWorkingDay(day);
    from = 0;
  }
}
