-- CAP 1.2 (issue 14, item 2). OASIS CAP-v1.2-os §3.2.1: identifier + sender + sent name a message, and an
-- Update or Cancel names the earlier ones in `references` ("sender,identifier,sent" each, space separated).

-- Our own messages, out: every one ever published stays addressable at /cap/alerts/{identifier}.xml, as the
-- exact document that went out (`document`), so that a reference to it always resolves to the same bytes.
CREATE TABLE IF NOT EXISTS cap_messages (
  identifier    text PRIMARY KEY CHECK (identifier ~ '^[A-Za-z0-9._-]{1,128}$'),
  sender        text NOT NULL,
  sent          timestamptz NOT NULL,
  sent_text     text NOT NULL,                         -- `sent` exactly as written in the document (+07:00)
  msg_type      text NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
  status        text NOT NULL CHECK (status IN ('Actual', 'Exercise', 'System', 'Test', 'Draft')),
  "references"  text,                                  -- null for an Alert
  chain         text NOT NULL,                         -- the identifier of the chain's first Alert
  source_kind   text NOT NULL CHECK (source_kind IN ('gauge', 'alarm', 'incident')),
  source_ref    text NOT NULL,                         -- device id or incident id
  level         integer NOT NULL CHECK (level BETWEEN 0 AND 3),
  expires       timestamptz,
  info          jsonb NOT NULL,                        -- the info blocks (vi-VN, en-US) as data
  document      text NOT NULL,
  published_by  text,                                  -- principal id for promoted/cancelled ones; null: automatic
  superseded_by text                                   -- the next message of the chain; null: the head
);
-- One open chain per source: a level change or a second promotion updates it instead of starting another.
CREATE UNIQUE INDEX IF NOT EXISTS cap_messages_open_chain_idx ON cap_messages (source_kind, source_ref)
  WHERE superseded_by IS NULL AND msg_type <> 'Cancel';
CREATE INDEX IF NOT EXISTS cap_messages_chain_idx ON cap_messages (chain, sent);
CREATE INDEX IF NOT EXISTS cap_messages_head_idx ON cap_messages (sent DESC) WHERE superseded_by IS NULL;

-- Warnings of others, in (POST /api/ingest/cap, CAP_FEED_URL). Idempotent on sender + identifier + sent.
CREATE TABLE IF NOT EXISTS cap_inbound (
  id            bigserial PRIMARY KEY,
  sender        text NOT NULL,
  identifier    text NOT NULL,
  sent          timestamptz NOT NULL,
  sent_text     text NOT NULL,
  msg_type      text NOT NULL,
  status        text NOT NULL,
  cap_version   text NOT NULL CHECK (cap_version IN ('1.1', '1.2')),
  "references"  text,
  chain         text NOT NULL,                         -- the wall alert it belongs to: cap:<hash of the first message>
  headline      text,
  event         text NOT NULL,
  severity      text NOT NULL,
  hazard        text CHECK (hazard IN ('flood', 'storm')),
  covers_hue    boolean NOT NULL,
  ward_codes    text[] NOT NULL DEFAULT '{}',
  expires       timestamptz,
  via           text NOT NULL,                         -- 'webhook' or the feed URL
  document      text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (sender, identifier, sent_text)
);
CREATE INDEX IF NOT EXISTS cap_inbound_chain_idx ON cap_inbound (chain, sent);
CREATE INDEX IF NOT EXISTS cap_inbound_sender_identifier_idx ON cap_inbound (sender, identifier);
