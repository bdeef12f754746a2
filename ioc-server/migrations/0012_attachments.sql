-- Attachments of an incident (issue 12, item 4): the unit's result photos and documents. The bytes live in
-- an AttachmentStore (DATA_DIR/attachments, content-addressed by SHA-256; an object store later), never in
-- the database; this table says which incident they belong to, what they are and who sent them.
CREATE TABLE IF NOT EXISTS attachments (
  id           text PRIMARY KEY,                       -- random (gen_random_uuid), not guessable
  incident_id  text NOT NULL REFERENCES incidents (id),
  filename     text NOT NULL,                          -- for display only: the client's name, cleaned, with the real extension
  content_type text NOT NULL,                          -- what the stored bytes are (magic bytes / re-encoding), not what the client said
  bytes        integer NOT NULL CHECK (bytes > 0),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key  text NOT NULL,
  width        integer,
  height       integer,
  uploaded_by  text NOT NULL,                          -- principal id (user:<id>)
  uploaded_at  timestamptz NOT NULL DEFAULT now(),
  public       boolean NOT NULL DEFAULT false          -- published with the reply to the citizen
);
CREATE INDEX IF NOT EXISTS attachments_incident_idx ON attachments (incident_id, uploaded_at);
-- Content addressing: a stored object may be shared by several rows; it is deleted with its last row.
CREATE INDEX IF NOT EXISTS attachments_storage_key_idx ON attachments (storage_key);
