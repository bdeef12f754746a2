-- The way back to the citizen (issue 12, items 6 and 7; ARCHITECTURE.md "Storage": the outbox is written in
-- the same transaction as the change it reports). One row per message: a Hue-S callback, an SMS/Zalo to a
-- hotline caller, a notice to the handling unit. The worker (src/outbox/) delivers them; everything it needs
-- to survive a restart or share the work with other nodes is in this table.
CREATE TABLE IF NOT EXISTS outbox (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at       timestamptz NOT NULL DEFAULT now(),
  incident_id      text NOT NULL REFERENCES incidents (id),
  -- what it says: hue_s_callback | citizen_notice | unit_notice
  kind             text NOT NULL,
  -- how it goes: hue_s | sms | zalo | unit_notice
  channel          text NOT NULL,
  -- `${incidentId}:v${version}:${channel}:${event}:${recipient}`: a re-run of the same change enqueues nothing
  idempotency_key  text NOT NULL UNIQUE,
  payload          jsonb NOT NULL,
  -- pending: to send (maybe waiting for next_attempt_at); sent; failed: refused by the receiver (4xx);
  -- dead: OUTBOX_MAX_ATTEMPTS used up; held: the channel is not configured (HUES_CALLBACK_URL unset)
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dead', 'held')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  sent_at          timestamptz,
  -- A node that took the row to send it, and until when: another node (or this one after a crash) takes it
  -- over only once the lease has run out.
  claimed_by       text,
  claimed_until    timestamptz
);
-- The worker's question: the oldest pending rows, per incident and channel (ordering).
CREATE INDEX IF NOT EXISTS outbox_pending_idx ON outbox (incident_id, channel, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS outbox_due_idx ON outbox (next_attempt_at, id) WHERE status = 'pending';
-- The admin panel: failed, dead and held deliveries, newest first.
CREATE INDEX IF NOT EXISTS outbox_status_idx ON outbox (status, id DESC);
