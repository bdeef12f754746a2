-- Working minutes by lookup instead of by series (issue 13). 0013's ioc_working_minutes() walked every day
-- between receipt and handling: per case that made a bulk load of incidents ~15× slower (the triggers
-- compute it for every handled case). Now calendar_days holds, per day, the office minutes of all working
-- days before it (cum_minutes, counted from the table's first day), so the office minutes between two
-- instants are the difference of two lookups. The table covers 2015–2040 (Monday–Friday here; the server's
-- WorkingCalendar writes the real days, Tết and nghỉ bù, at start: briefing/calendar-days.ts); an instant
-- outside it gives null. Office hours stay 07:30–11:30 and 13:30–17:00 (450 minutes a working day).
--
-- As in 0013, function bodies keep their semicolons off line ends (test/support/plain-postgres.ts splits there).

ALTER TABLE calendar_days ADD COLUMN IF NOT EXISTS cum_minutes double precision NOT NULL DEFAULT 0;

INSERT INTO calendar_days (day, working)
SELECT d::date, extract(isodow FROM d) < 6
FROM generate_series('2015-01-01'::date, '2040-12-31'::date, INTERVAL '1 day') AS d
ON CONFLICT (day) DO NOTHING;

UPDATE calendar_days c SET cum_minutes = s.cum
FROM (SELECT day, coalesce(sum(CASE WHEN working THEN 450 ELSE 0 END)
                             OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cum
      FROM calendar_days) s
WHERE s.day = c.day AND c.cum_minutes IS DISTINCT FROM s.cum;

-- Office minutes of working days from the table's first day up to instant t.
CREATE OR REPLACE FUNCTION ioc_working_at(t timestamptz) RETURNS double precision
LANGUAGE sql STABLE AS $$
  SELECT c.cum_minutes + CASE WHEN c.working
           THEN greatest(0, least(690, x.m) - 450) + greatest(0, least(1020, x.m) - 810) ELSE 0 END
  FROM (SELECT (t AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
               extract(epoch FROM (t AT TIME ZONE 'Asia/Ho_Chi_Minh') - (t AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) / 60 AS m) x
  JOIN calendar_days c ON c.day = x.day
$$;

CREATE OR REPLACE FUNCTION ioc_working_minutes(a timestamptz, b timestamptz) RETURNS double precision
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN b > a THEN ioc_working_at(b) - ioc_working_at(a) ELSE 0 END
$$;
