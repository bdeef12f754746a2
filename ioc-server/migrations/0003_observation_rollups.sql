-- ioc:no-transaction  (continuous aggregates cannot be created inside a transaction block)
-- Per-device, per-metric rollups that the KPI tiles, sparklines and the briefing read.

CREATE MATERIALIZED VIEW IF NOT EXISTS observations_1m
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 minute', ts) AS bucket,
       device_id,
       metric,
       avg(value) AS avg_value,
       min(value) AS min_value,
       max(value) AS max_value,
       last(value, ts) AS last_value,
       count(*) AS samples
FROM observations
GROUP BY 1, 2, 3
WITH NO DATA;

SELECT add_continuous_aggregate_policy('observations_1m',
  start_offset => INTERVAL '2 hours', end_offset => INTERVAL '1 minute',
  schedule_interval => INTERVAL '1 minute', if_not_exists => true);

CREATE MATERIALIZED VIEW IF NOT EXISTS observations_1h
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', ts) AS bucket,
       device_id,
       metric,
       avg(value) AS avg_value,
       min(value) AS min_value,
       max(value) AS max_value,
       last(value, ts) AS last_value,
       count(*) AS samples
FROM observations
GROUP BY 1, 2, 3
WITH NO DATA;

SELECT add_continuous_aggregate_policy('observations_1h',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '30 minutes', if_not_exists => true);

-- Rollups outlive the raw data: a year of per-minute values, five years of hourly ones.
SELECT add_retention_policy('observations_1m', INTERVAL '365 days', if_not_exists => true);
SELECT add_retention_policy('observations_1h', INTERVAL '1825 days', if_not_exists => true);
