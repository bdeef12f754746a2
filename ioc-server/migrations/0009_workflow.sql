-- The incident workflow (issue 12): who has the case, what the routing table suggested and why, the SLA
-- clock's rule and its breaches, the unit's published reply, the citizen's rating, merges. The state table
-- itself is code (layers/src/workflow.ts); every change writes one incident_events row.

-- Text search that ignores Vietnamese diacritics ("ngap" finds "ngập"): the server folds the text
-- (NFD, marks removed, đ → d, lower case) into search_text; a trigram index serves LIKE '%…%'.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE incidents
  ADD COLUMN IF NOT EXISTS suggested_agency_id text REFERENCES agencies (id),
  ADD COLUMN IF NOT EXISTS routing_rule        text,
  ADD COLUMN IF NOT EXISTS routing_reason      text,
  ADD COLUMN IF NOT EXISTS sla                 jsonb,          -- {hours?, workingDays?, source, urgent}
  ADD COLUMN IF NOT EXISTS verified_at         timestamptz,
  ADD COLUMN IF NOT EXISTS assigned_at         timestamptz,
  ADD COLUMN IF NOT EXISTS accepted_at         timestamptz,
  ADD COLUMN IF NOT EXISTS breached_at         timestamptz,    -- the scheduler marked it overdue
  ADD COLUMN IF NOT EXISTS escalated_at        timestamptz,    -- overdue past the second threshold
  ADD COLUMN IF NOT EXISTS public_reply        text,
  ADD COLUMN IF NOT EXISTS rating              text CHECK (rating IN ('hai_long', 'chap_nhan', 'khong_hai_long')),
  ADD COLUMN IF NOT EXISTS rating_comment      text,
  ADD COLUMN IF NOT EXISTS rated_at            timestamptz,
  ADD COLUMN IF NOT EXISTS merged_into         text REFERENCES incidents (id),
  ADD COLUMN IF NOT EXISTS search_text         text NOT NULL DEFAULT '';

-- Until now the routing table's choice was written to agency_id at creation. From here agency_id is the
-- unit the case is with (set on assignment); the choice is the suggestion. Cases already past triage keep
-- their unit.
UPDATE incidents SET suggested_agency_id = agency_id WHERE suggested_agency_id IS NULL;
UPDATE incidents SET agency_id = NULL WHERE status IN ('new', 'verified', 'rejected', 'returned');
UPDATE incidents SET search_text = lower(coalesce(id, '') || ' ' || coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(address, ''))
  WHERE search_text = '';

-- The queue's usual questions: open cases by status and deadline, a unit's cases, by ward, newest first.
CREATE INDEX IF NOT EXISTS incidents_status_due_idx ON incidents (status, due_at, id);
CREATE INDEX IF NOT EXISTS incidents_agency_due_idx ON incidents (agency_id, due_at, id) WHERE agency_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS incidents_created_idx ON incidents (created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS incidents_category_created_idx ON incidents (category, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS incidents_agency_created_idx ON incidents (agency_id, created_at DESC, id DESC) WHERE agency_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS incidents_open_due_idx ON incidents (due_at, id) WHERE status NOT IN ('closed', 'rejected', 'resolved');
CREATE INDEX IF NOT EXISTS incidents_search_trgm_idx ON incidents USING gin (search_text gin_trgm_ops);

-- Every transition is one event; the types the workflow writes.
ALTER TABLE incident_events DROP CONSTRAINT IF EXISTS incident_events_type_check;
ALTER TABLE incident_events ADD CONSTRAINT incident_events_type_check CHECK (type IN
  ('created', 'source_added', 'verified', 'assigned', 'status', 'merged', 'split', 'escalated',
   'sla_breached', 'comment', 'extended', 'rated', 'attachment', 'notified'));
