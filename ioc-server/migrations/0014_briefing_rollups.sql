-- ioc:no-transaction  (continuous aggregates cannot be created inside a transaction block)
-- The briefing's daily rollup (issue 13): one row per Asia/Ho_Chi_Minh day of receipt × ward × unit ×
-- category × channel. A period is the sum of its days; a scope is a filter. Counts of the cases received
-- that day (a cohort: "of the cases received in the period, how many were handled by their deadline"),
-- merged duplicates left out:
--   received      = not rejected (a rejected report is not in scope and is owed no handling)
--   handled       = resolved or closed now
--   on_time       = handled at or before due_at (a case without a deadline counts as on time)
--   dissatisfied  = handled and rated "không hài lòng"
--   sat_overdue   = handled after due_at and not rated "không hài lòng" (not counted twice)
-- so on-time rate = on_time ÷ received and satisfaction = (handled − dissatisfied − sat_overdue) ÷ handled,
-- the counting of feedback.service.ts's satisfaction() (QĐ 766/QĐ-TTg) over the period's cohort.
CREATE MATERIALIZED VIEW IF NOT EXISTS incident_daily
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 day', created_at, 'Asia/Ho_Chi_Minh') AS day,
       ward_code, agency_id, category, channel,
       count(*) FILTER (WHERE status <> 'rejected') AS received,
       count(*) FILTER (WHERE status = 'rejected') AS rejected,
       count(*) FILTER (WHERE handled_at IS NOT NULL) AS handled,
       count(*) FILTER (WHERE handled_at IS NOT NULL AND (due_at IS NULL OR handled_at <= due_at)) AS on_time,
       count(*) FILTER (WHERE handled_at IS NOT NULL AND rating = 'khong_hai_long') AS dissatisfied,
       count(*) FILTER (WHERE handled_at > due_at AND rating IS DISTINCT FROM 'khong_hai_long') AS sat_overdue,
       count(*) FILTER (WHERE reopened) AS reopened,
       count(*) FILTER (WHERE returned) AS returned
FROM incident_facts
WHERE NOT merged
GROUP BY 1, 2, 3, 4, 5
WITH NO DATA;

-- Every day can change (a case received in March is closed in April): the whole history is in the window,
-- and a refresh re-materialises only the days the invalidation log names. Today is read from the raw rows.
SELECT add_continuous_aggregate_policy('incident_daily',
  start_offset => NULL, end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '1 minute', if_not_exists => true);

ALTER MATERIALIZED VIEW incident_daily SET (timescaledb.materialized_only = false);

CALL refresh_continuous_aggregate('incident_daily', NULL, now() - INTERVAL '1 hour');
