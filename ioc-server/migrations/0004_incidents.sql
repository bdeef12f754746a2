-- One incident stream from every channel (Hue-S, hotline, cameras, sensor alarms).

ALTER TABLE agencies ADD COLUMN IF NOT EXISTS short_name_vi text;
-- Photos and videos of the report: [{url, type}] (faces and plates in them are personal data).
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS media jsonb NOT NULL DEFAULT '[]'::jsonb;

-- Every source an incident absorbed. (channel, source_id) is the idempotency key across open and closed
-- incidents: a re-delivered webhook or MQTT message finds its row and changes nothing.
CREATE TABLE IF NOT EXISTS incident_sources (
  channel      text NOT NULL,            -- 'hue_s' | 'hotline' | 'camera' | 'sensor'
  source_id    text NOT NULL,
  incident_id  text NOT NULL REFERENCES incidents (id),
  received_at  timestamptz NOT NULL DEFAULT now(),
  occurred_at  timestamptz NOT NULL,
  signal       text,                     -- e.g. 'camera:flooding', 'alarm:water_level'
  lon          double precision,
  lat          double precision,
  match_reason jsonb,                    -- null for the source that opened the incident
  PRIMARY KEY (channel, source_id)
);
CREATE INDEX IF NOT EXISTS incident_sources_incident_idx ON incident_sources (incident_id);

-- Readable, monotonic incident numbers: IOC-<yymm>-<n>.
CREATE SEQUENCE IF NOT EXISTS incident_number_seq;

-- Where the merge matcher looks: open incidents by position and time.
CREATE INDEX IF NOT EXISTS incidents_open_geo_idx ON incidents (lon, lat) WHERE status NOT IN ('closed', 'rejected', 'resolved');

-- Sensor alarm state per device (hysteresis needs the previous level) and the incident it opened.
CREATE TABLE IF NOT EXISTS device_alarms (
  device_id    text PRIMARY KEY REFERENCES devices (id),
  level        smallint NOT NULL CHECK (level BETWEEN 0 AND 3),
  since        timestamptz NOT NULL,
  peak_value   double precision,
  incident_id  text REFERENCES incidents (id),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Bulk imports (hotline CSV exports) with progress and a per-row error report.
CREATE TABLE IF NOT EXISTS import_jobs (
  id          text PRIMARY KEY,
  source      text NOT NULL,             -- 'hotline_csv'
  filename    text,
  status      text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  total       integer NOT NULL DEFAULT 0,
  processed   integer NOT NULL DEFAULT 0,
  created     integer NOT NULL DEFAULT 0,
  merged      integer NOT NULL DEFAULT 0,
  skipped     integer NOT NULL DEFAULT 0,
  failed      integer NOT NULL DEFAULT 0,
  errors      jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{row, code, message}], capped
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
