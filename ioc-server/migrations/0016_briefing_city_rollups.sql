-- ioc:no-transaction  (continuous aggregates cannot be created inside a transaction block)
-- The city-wide briefing's narrow rollups (issue 13): incident_daily keeps one row per day × ward × unit ×
-- category × channel, which for a year of Huế is nearly a row per case, so the 30-day province briefing
-- summed ~15,000 rows (bench/briefing.ts). These hierarchical continuous aggregates on incident_daily keep
-- one row per day and channel (totals, trend, channels), per day and ward, per day and unit: ~100 rows a
-- day. A ward's or a unit's briefing still reads incident_daily, filtered by its index on ward_code /
-- agency_id. Same columns and meanings as incident_daily (0014).
CREATE MATERIALIZED VIEW IF NOT EXISTS incident_daily_by_channel
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 day', day, 'Asia/Ho_Chi_Minh') AS day, channel,
       sum(received) AS received, sum(rejected) AS rejected, sum(handled) AS handled, sum(on_time) AS on_time,
       sum(dissatisfied) AS dissatisfied, sum(sat_overdue) AS sat_overdue, sum(reopened) AS reopened,
       sum(returned) AS returned
FROM incident_daily
GROUP BY 1, 2
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS incident_daily_by_ward
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 day', day, 'Asia/Ho_Chi_Minh') AS day, ward_code,
       sum(received) AS received, sum(rejected) AS rejected, sum(handled) AS handled, sum(on_time) AS on_time,
       sum(dissatisfied) AS dissatisfied, sum(sat_overdue) AS sat_overdue, sum(reopened) AS reopened,
       sum(returned) AS returned
FROM incident_daily
GROUP BY 1, 2
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS incident_daily_by_agency
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 day', day, 'Asia/Ho_Chi_Minh') AS day, agency_id,
       sum(received) AS received, sum(rejected) AS rejected, sum(handled) AS handled, sum(on_time) AS on_time,
       sum(dissatisfied) AS dissatisfied, sum(sat_overdue) AS sat_overdue, sum(reopened) AS reopened,
       sum(returned) AS returned
FROM incident_daily
GROUP BY 1, 2
WITH NO DATA;

SELECT add_continuous_aggregate_policy('incident_daily_by_channel',
  start_offset => NULL, end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '1 minute', if_not_exists => true);
SELECT add_continuous_aggregate_policy('incident_daily_by_ward',
  start_offset => NULL, end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '1 minute', if_not_exists => true);
SELECT add_continuous_aggregate_policy('incident_daily_by_agency',
  start_offset => NULL, end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '1 minute', if_not_exists => true);

ALTER MATERIALIZED VIEW incident_daily_by_channel SET (timescaledb.materialized_only = false);
ALTER MATERIALIZED VIEW incident_daily_by_ward SET (timescaledb.materialized_only = false);
ALTER MATERIALIZED VIEW incident_daily_by_agency SET (timescaledb.materialized_only = false);

CALL refresh_continuous_aggregate('incident_daily_by_channel', NULL, now() - INTERVAL '1 hour');
CALL refresh_continuous_aggregate('incident_daily_by_ward', NULL, now() - INTERVAL '1 hour');
CALL refresh_continuous_aggregate('incident_daily_by_agency', NULL, now() - INTERVAL '1 hour');
