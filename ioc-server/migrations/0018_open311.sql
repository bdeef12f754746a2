-- Open311 (issue 14): the updates a unit's own system pushed through mySociety's servicerequestupdates POST.
-- `update_id` is the sender's own id: a retried POST finds its row and changes nothing (the idempotency key);
-- `version` is the case's version after the change it made; NULL while the change is being applied (a claim:
-- two deliveries of one update at once apply it once; a claim a dead node left is taken over after a minute).
CREATE TABLE IF NOT EXISTS open311_updates (
  update_id    text PRIMARY KEY CHECK (length(update_id) BETWEEN 1 AND 64),
  incident_id  text NOT NULL REFERENCES incidents (id),
  -- what the sender asked: OPEN (a public comment) or CLOSED (resolved with the description as the reply)
  status       text NOT NULL CHECK (status IN ('OPEN', 'CLOSED')),
  -- sha-256 of the request's fields: the same update_id with other content is refused, not silently ignored
  content_hash text NOT NULL,
  version      integer,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS open311_updates_incident_idx ON open311_updates (incident_id);
