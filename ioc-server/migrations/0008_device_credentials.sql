-- Device credentials for the embedded MQTT broker (issue 11, "the broker is closed"): a device logs in with
-- its id as the username and a secret the admin API issued once. Only the SHA-256 of the secret is kept:
-- the secret is 256 random bits, so a fast hash cannot be reversed by guessing (argon2id, with its 19 MiB
-- and tens of milliseconds per check, is for passwords people choose, and would make every reconnect storm
-- after a broker restart a memory and CPU spike). Revoked rows stay for the audit.
CREATE TABLE IF NOT EXISTS device_credentials (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id    text NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  secret_hash  text NOT NULL UNIQUE,                    -- hex SHA-256 of the secret
  hint         text NOT NULL,                           -- last 4 characters, to tell secrets apart
  created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,                             -- last successful broker login (at most once a minute)
  revoked_at   timestamptz
);
-- One usable secret per device: issuing a new one revokes the old one in the same transaction.
CREATE UNIQUE INDEX IF NOT EXISTS device_credentials_active_idx ON device_credentials (device_id)
  WHERE revoked_at IS NULL;
