-- Core relational tables (ARCHITECTURE.md, "Storage"). TimescaleDB is required.
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE IF NOT EXISTS agencies (
  id          text PRIMARY KEY,
  name_vi     text NOT NULL,
  name_en     text NOT NULL,
  kind        text NOT NULL,             -- 'ward_committee' | 'department' | 'company' | 'police' | ...
  ward_code   text,                      -- GSO code for a phường/xã people's committee
  phone       text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator', 'agency', 'leader', 'display')),
  agency_id     text REFERENCES agencies (id),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'agency' OR agency_id IS NOT NULL)
);

CREATE TABLE IF NOT EXISTS devices (
  id                  text PRIMARY KEY,
  kind                text NOT NULL,     -- 'water_level' | 'rain' | 'air_quality' | 'traffic' | 'camera'
  name                text NOT NULL,
  lon                 double precision,
  lat                 double precision,
  ward_code           text,
  -- Ascending alarm thresholds; for river gauges BĐ I/II/III (QĐ 05/2020/QĐ-TTg).
  thresholds          double precision[] NOT NULL DEFAULT '{}',
  unit                text,
  expected_interval_s integer NOT NULL DEFAULT 300 CHECK (expected_interval_s > 0),
  metadata            jsonb NOT NULL DEFAULT '{}'::jsonb,
  auto_registered     boolean NOT NULL DEFAULT false,
  last_seen_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((lon IS NULL) = (lat IS NULL))
);

CREATE TABLE IF NOT EXISTS incidents (
  id          text PRIMARY KEY,
  version     integer NOT NULL DEFAULT 1,           -- optimistic concurrency (expectedVersion → 409)
  status      text NOT NULL DEFAULT 'new' CHECK (status IN
                ('new', 'verified', 'rejected', 'assigned', 'in_progress', 'returned', 'extended', 'resolved', 'closed', 'reopened')),
  category    text NOT NULL,
  priority    smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),  -- 1 = highest
  title       text,
  description text,
  lon         double precision,
  lat         double precision,
  ward_code   text,
  address     text,
  agency_id   text REFERENCES agencies (id),
  due_at      timestamptz,
  sources     jsonb NOT NULL DEFAULT '[]'::jsonb,   -- [{channel, sourceId, receivedAt, matchReason?}]
  reporter    jsonb,                                -- personal data: masked by role on every way out
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  closed_at   timestamptz
);
CREATE INDEX IF NOT EXISTS incidents_open_idx ON incidents (status, due_at) WHERE status NOT IN ('closed', 'rejected');
CREATE INDEX IF NOT EXISTS incidents_agency_idx ON incidents (agency_id, status);
CREATE INDEX IF NOT EXISTS incidents_ward_idx ON incidents (ward_code, status);

-- Everything refused at the door, with the raw input, so nothing is lost and a fix can replay it.
CREATE TABLE IF NOT EXISTS dead_letters (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at  timestamptz NOT NULL DEFAULT now(),
  source       text NOT NULL,       -- 'mqtt' | 'hue-s' | 'hotline' | 'kpi' | 'csv' | 'live'
  reason_code  text NOT NULL,       -- IOC_INGEST_*
  reason       text NOT NULL,
  topic        text,
  payload      bytea,
  details      jsonb
);
CREATE INDEX IF NOT EXISTS dead_letters_reason_idx ON dead_letters (reason_code, received_at DESC);
