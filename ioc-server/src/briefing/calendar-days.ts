import { addDays, localDate, type WorkingCalendar } from '@hue-ioc/streams';
import type { Db } from '../storage/db.ts';

/**
 * Writes the working calendar's days (Tết, holidays, nghỉ bù, make-up Saturdays) into `calendar_days`,
 * which ioc_working_minutes() reads (migrations 0013, 0015), for the years `fromYear`..`toYear`. When a day's
 * flag changed, the working minutes of the cases handled since that day are computed again (a make-up day
 * an admin added, or the first start). Returns how many days changed.
 */
export async function syncCalendarDays(
  db: Db,
  calendar: WorkingCalendar,
  fromYear: number,
  toYear: number,
): Promise<number> {
  const days: string[] = [];
  const working: boolean[] = [];
  for (let d = localDate(fromYear, 1, 1); d < localDate(toYear + 1, 1, 1); d = addDays(d, 1)) {
    days.push(d);
    working.push(calendar.isWorkingDay(d));
  }
  return db.transaction(async (tx) => {
    const changed = await tx.query<{ day: string }>(
      `INSERT INTO calendar_days (day, working)
       SELECT * FROM unnest($1::date[], $2::boolean[])
       ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working
         WHERE calendar_days.working IS DISTINCT FROM EXCLUDED.working
       RETURNING day::text AS day`,
      [days, working],
    );
    if (changed.length === 0) return 0;
    const first = changed.map((c) => c.day).sort()[0]!;
    // The office minutes of the working days before each day (migration 0015), from the first change on.
    await tx.query(
      `UPDATE calendar_days c SET cum_minutes = s.cum
       FROM (SELECT day, coalesce(sum(CASE WHEN working THEN 450 ELSE 0 END)
                                    OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cum
             FROM calendar_days) s
       WHERE s.day = c.day AND c.day > $1::date AND c.cum_minutes IS DISTINCT FROM s.cum`,
      [first],
    );
    // Only cases handled on or after the first changed day can have changed (their span touches it).
    await tx.query(
      `UPDATE incident_facts
       SET resolve_working_minutes = ioc_working_minutes(created_at, handled_at)
       WHERE handled_at >= $1::date - INTERVAL '1 day'`,
      [first],
    );
    return changed.length;
  });
}
