import { atLocal, localDateOf, localMinutesOf, addDays, type LocalDate } from './local-time.ts';
import type { WorkingCalendar } from './working-calendar.ts';

const MINUTE_MS = 60_000;

/** Office minutes of `day` between local minutes `from` and `to` (both clamped to the office intervals). */
function officeMinutes(calendar: WorkingCalendar, day: LocalDate, from: number, to: number): number {
  if (to <= from || !calendar.isWorkingDay(day)) return 0;
  let total = 0;
  for (const [a, b] of calendar.office) total += Math.max(0, Math.min(b, to) - Math.max(a, from));
  return total;
}

/**
 * Office minutes between two instants: the time a unit could work on a case (weekends, public holidays and
 * nghỉ bù skipped, make-up Saturdays counted, only inside office hours). Negative when `to` is before `from`
 * (the countdown of an overdue case: "−3 h làm việc"). Fractions of a minute are kept.
 */
export function workingMinutesBetween(from: Date, to: Date, calendar: WorkingCalendar): number {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw new Error('workingMinutesBetween: not a valid time');
  if (to.getTime() < from.getTime()) return -workingMinutesBetween(to, from, calendar);
  const firstDay = localDateOf(from);
  const lastDay = localDateOf(to);
  if (firstDay === lastDay)
    return officeMinutes(calendar, firstDay, localMinutesOf(from), localMinutesOf(to));
  let total = officeMinutes(calendar, firstDay, localMinutesOf(from), 24 * 60);
  const fullDay = calendar.office.reduce((sum, [a, b]) => sum + (b - a), 0);
  // A year-long span is 365 iterations of a Set lookup: cheap enough for a queue of a few thousand cases.
  for (let d = addDays(firstDay, 1); d < lastDay; d = addDays(d, 1)) {
    if (calendar.isWorkingDay(d)) total += fullDay;
  }
  return total + officeMinutes(calendar, lastDay, 0, localMinutesOf(to));
}

/** The deadline state of a case, as the queues, the case view and the wall colour it. */
export type SlaStateName = 'none' | 'on_time' | 'due_soon' | 'overdue' | 'escalated';

/** What `slaState` needs of a case (an incident row's deadline columns, camel-cased). */
export interface SlaClock {
  status: string;
  dueAt: Date | null;
  createdAt: Date;
  /** The clock restarts when the desk assigns the case to a unit (the deadline is set then). */
  assignedAt?: Date | null;
  breachedAt?: Date | null;
  escalatedAt?: Date | null;
  resolvedAt?: Date | null;
  closedAt?: Date | null;
  /** The immediate process (priority 1): clock hours; otherwise working time. */
  urgent?: boolean;
}

/** Statuses where the clock has stopped. */
const STOPPED = new Set(['resolved', 'closed', 'rejected']);

/**
 * "Sắp đến hạn" (due soon): the last quarter of the time allowed, or the last 4 office hours, whichever
 * window is shorter, so a 7-working-day case is flagged on its last half-day and not two days early, and a
 * 4-hour urgent case in its last hour. Time allowed runs from `assignedAt ?? createdAt` to `dueAt`,
 * counted in clock time for urgent cases and in office time (with `calendar`) for the others.
 */
export const DUE_SOON = { share: 0.25, workingMinutes: 4 * 60 } as const;

/**
 * The deadline state at `now`:
 * - `none`: no deadline, or rejected;
 * - `escalated` / `overdue`: the scheduler marked it (escalated_at / breached_at), or the deadline has passed
 *   and the sweep has not run yet (it runs every 30 s);
 * - `due_soon`: inside the DUE_SOON window; `on_time` otherwise.
 * A resolved or closed case keeps the state it had when it was handled (resolvedAt, else closedAt), never
 * `due_soon`: "handled by the deadline" is what the on-time rate counts (DOMAIN.md, Indicators).
 * Without a calendar, working time is approximated by clock time.
 */
export function slaState(c: SlaClock, now: Date, calendar?: WorkingCalendar): SlaStateName {
  if (c.dueAt === null || c.status === 'rejected') return 'none';
  const stopped = STOPPED.has(c.status);
  const at = stopped ? (c.resolvedAt ?? c.closedAt ?? now) : now;
  const due = c.dueAt.getTime();
  if (c.escalatedAt && c.escalatedAt.getTime() <= at.getTime()) return 'escalated';
  if ((c.breachedAt && c.breachedAt.getTime() <= at.getTime()) || at.getTime() >= due) return 'overdue';
  if (stopped) return 'on_time';
  const start = c.assignedAt ?? c.createdAt;
  const clock = c.urgent || !calendar;
  const allowed = clock
    ? (due - start.getTime()) / MINUTE_MS
    : workingMinutesBetween(start, c.dueAt, calendar);
  const left = clock ? (due - at.getTime()) / MINUTE_MS : workingMinutesBetween(at, c.dueAt, calendar);
  const window = Math.min(allowed * DUE_SOON.share, DUE_SOON.workingMinutes);
  return left <= window ? 'due_soon' : 'on_time';
}

/** The instant `minutes` office minutes after `from` (for tests and previews; dueAt does the deadlines). */
export function addWorkingMinutes(from: Date, minutes: number, calendar: WorkingCalendar): Date {
  let remaining = minutes;
  let day = localDateOf(from);
  let at = localMinutesOf(from);
  for (let guard = 0; guard < 4000; guard++) {
    if (calendar.isWorkingDay(day)) {
      for (const [a, b] of calendar.office) {
        const s = Math.max(a, at);
        if (s >= b) continue;
        if (remaining <= b - s) return atLocal(day, s + remaining);
        remaining -= b - s;
      }
    }
    day = addDays(day, 1);
    at = 0;
  }
  throw new Error('addWorkingMinutes: no office time within ten years');
}
