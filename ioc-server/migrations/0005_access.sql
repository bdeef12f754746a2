-- Access control (ARCHITECTURE.md, "Access"): server-side sessions, display tokens, the audit trail.
-- Secrets are never stored: a session id and a display token are kept as their SHA-256 (both are
-- 256-bit random values, so a plain hash is enough; argon2id is for passwords only).

-- Usernames are matched case-insensitively: the service stores and looks them up in lower case.
CREATE INDEX IF NOT EXISTS users_role_idx ON users (role) WHERE active;

-- In the database, not in process memory, so a session survives a restart and works on every replica.
CREATE TABLE IF NOT EXISTS sessions (
  id_hash      text PRIMARY KEY,                        -- hex SHA-256 of the cookie value
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),      -- idle expiry: SESSION_IDLE_MINUTES after this
  expires_at   timestamptz NOT NULL,                    -- absolute expiry: SESSION_MAX_HOURS after login
  ip           text,
  user_agent   text
);
CREATE INDEX IF NOT EXISTS sessions_user_idx ON sessions (user_id);
CREATE INDEX IF NOT EXISTS sessions_expires_idx ON sessions (expires_at);

-- Wall screens authenticate with a bearer token instead of a login. Revoked rows are kept for the audit.
CREATE TABLE IF NOT EXISTS display_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,                    -- hex SHA-256 of the token
  hint         text NOT NULL,                           -- last 4 characters, to tell tokens apart in a list
  created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- Who did what to accounts and credentials (incident actions go to incident_events). Never dropped;
-- compressed after 90 days like incident_events. Failed logins are counted from here for the lockout,
-- so the count is shared by every replica and survives a restart.
CREATE TABLE IF NOT EXISTS audit_events (
  ts             timestamptz NOT NULL DEFAULT now(),
  id             bigint GENERATED ALWAYS AS IDENTITY,   -- tie-breaker for cursor pagination
  actor_user_id  bigint,                                -- null: anonymous (failed login) or the system (seed)
  actor_username text,
  actor_role     text,
  action         text NOT NULL,                         -- 'auth.login', 'auth.login_failed', 'user.update', ...
  target_type    text,                                  -- 'user' | 'display_token' | 'session'
  target_id      text,
  ip             text,
  before         jsonb,
  after          jsonb,
  correlation_id text                                   -- the request id, as in the logs and error bodies
);
SELECT create_hypertable('audit_events', by_range('ts', INTERVAL '30 days'), if_not_exists => true);
CREATE INDEX IF NOT EXISTS audit_events_ts_idx ON audit_events (ts DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_events_action_idx ON audit_events (action, target_id, ts DESC);
CREATE INDEX IF NOT EXISTS audit_events_actor_idx ON audit_events (actor_username, ts DESC);

ALTER TABLE audit_events SET (timescaledb.compress, timescaledb.compress_orderby = 'ts DESC, id DESC');
SELECT add_compression_policy('audit_events', INTERVAL '90 days', if_not_exists => true);
