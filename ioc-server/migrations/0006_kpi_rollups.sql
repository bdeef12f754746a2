-- ioc:no-transaction  (continuous aggregates cannot be created inside a transaction block)
-- KPI rollups for the tiles' sparklines.
CREATE MATERIALIZED VIEW IF NOT EXISTS kpi_samples_1h
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 hour', ts) AS bucket, kpi, scope_level, scope_code,
       last(value, ts) AS value, last(target, ts) AS target, count(*) AS samples
FROM kpi_samples
GROUP BY 1, 2, 3, 4
WITH NO DATA;

SELECT add_continuous_aggregate_policy('kpi_samples_1h',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '15 minutes', if_not_exists => true);
