-- ioc:no-transaction
-- The tiles and sparklines read the rollups up to the last minute: real-time aggregation combines the
-- materialised buckets with the raw rows not yet materialised (TimescaleDB "materialized_only = false").
ALTER MATERIALIZED VIEW kpi_samples_1h SET (timescaledb.materialized_only = false);
ALTER MATERIALIZED VIEW observations_1m SET (timescaledb.materialized_only = false);
ALTER MATERIALIZED VIEW observations_1h SET (timescaledb.materialized_only = false);
