-- Open data (issue 14): background exports of a large range. The job runs in the server that took it
-- (node_id) and writes its file under that node's DATA_DIR/open-data/; the file is removed when it expires.
CREATE TABLE IF NOT EXISTS open_data_exports (
  id              uuid PRIMARY KEY,
  dataset         text NOT NULL CHECK (dataset IN ('incidents', 'observations', 'kpis')),
  format          text NOT NULL CHECK (format IN ('csv', 'geojson')),
  params          jsonb NOT NULL,          -- the filters as understood, the range as +07:00 instants
  request_key     text NOT NULL,           -- the same request while its file lives gets the same job
  state           text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'expired')),
  node_id         text NOT NULL,
  rows_written    bigint NOT NULL DEFAULT 0,
  estimated_total bigint,
  bytes           bigint NOT NULL DEFAULT 0,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  expires_at      timestamptz
);
CREATE INDEX IF NOT EXISTS open_data_exports_request_idx ON open_data_exports (request_key, created_at DESC);
CREATE INDEX IF NOT EXISTS open_data_exports_node_state_idx ON open_data_exports (node_id, state);
