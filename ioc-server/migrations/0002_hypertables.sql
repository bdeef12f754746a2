-- Time series (ARCHITECTURE.md, "Storage"). Unique keys include the time column, as hypertables require,
-- and make re-delivered messages no-ops (INSERT ... ON CONFLICT DO NOTHING).

CREATE TABLE IF NOT EXISTS observations (
  ts          timestamptz NOT NULL,
  device_id   text NOT NULL,
  metric      text NOT NULL,
  value       double precision NOT NULL,
  unit        text,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (device_id, metric, ts)
);
SELECT create_hypertable('observations', by_range('ts', INTERVAL '1 day'), if_not_exists => true);

CREATE TABLE IF NOT EXISTS incident_events (
  ts          timestamptz NOT NULL DEFAULT now(),
  incident_id text NOT NULL,
  type        text NOT NULL CHECK (type IN
                ('created', 'source_added', 'verified', 'assigned', 'status', 'merged', 'split', 'escalated',
                 'sla_breached', 'comment', 'extended')),
  actor       text,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb
);
SELECT create_hypertable('incident_events', by_range('ts', INTERVAL '7 days'), if_not_exists => true);
CREATE INDEX IF NOT EXISTS incident_events_incident_idx ON incident_events (incident_id, ts DESC);

CREATE TABLE IF NOT EXISTS camera_events (
  ts           timestamptz NOT NULL,
  camera_id    text NOT NULL,
  type         text NOT NULL,
  confidence   double precision NOT NULL,
  snapshot_url text,
  incident_id  text,
  UNIQUE (camera_id, type, ts)
);
SELECT create_hypertable('camera_events', by_range('ts', INTERVAL '1 day'), if_not_exists => true);

CREATE TABLE IF NOT EXISTS kpi_samples (
  ts          timestamptz NOT NULL,
  kpi         text NOT NULL,
  scope_level text NOT NULL CHECK (scope_level IN ('province', 'ward', 'agency')),
  scope_code  text NOT NULL,
  value       double precision NOT NULL,
  target      double precision,
  UNIQUE (kpi, scope_level, scope_code, ts)
);
SELECT create_hypertable('kpi_samples', by_range('ts', INTERVAL '30 days'), if_not_exists => true);

-- Compression and retention. Raw readings are kept 90 days (the per-minute rollup keeps the history
-- that the briefing needs); the audit trail in incident_events is never dropped, only compressed.
ALTER TABLE observations SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id, metric', timescaledb.compress_orderby = 'ts DESC');
SELECT add_compression_policy('observations', INTERVAL '7 days', if_not_exists => true);
SELECT add_retention_policy('observations', INTERVAL '90 days', if_not_exists => true);

ALTER TABLE camera_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'camera_id');
SELECT add_compression_policy('camera_events', INTERVAL '7 days', if_not_exists => true);
SELECT add_retention_policy('camera_events', INTERVAL '180 days', if_not_exists => true);

ALTER TABLE incident_events SET (timescaledb.compress, timescaledb.compress_segmentby = 'incident_id');
SELECT add_compression_policy('incident_events', INTERVAL '90 days', if_not_exists => true);
