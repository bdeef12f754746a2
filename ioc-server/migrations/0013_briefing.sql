-- The briefing's indicators (issue 13; DOMAIN.md "Indicators", QĐ 766/QĐ-TTg) computed in the database.
--
-- `incidents` is a relational table whose rows change in place, and a continuous aggregate needs a
-- hypertable. `incident_facts` is the hypertable: one row per incident (partitioned by created_at, which
-- never changes), kept by statement-level triggers on `incidents` (the workflow, the SLA sweep, imports and
-- bulk loads all go through them, so no write path has to remember it). TimescaleDB's invalidation log then
-- re-materialises exactly the days whose cases changed (0014).
--
-- Working hours: `resolve_working_minutes` is filled by the trigger with ioc_working_minutes(), office
-- minutes (07:30–11:30, 13:30–17:00, streams' DEFAULT_OFFICE_HOURS) between created_at and the time
-- handled, on the working days of `calendar_days`. The server writes calendar_days from its one
-- WorkingCalendar (Tết, holidays, nghỉ bù, make-up Saturdays; streams/src/calendar) at start and recomputes
-- the minutes of cases handled on days whose flag changed (0015 replaces the day-by-day walk below with
-- two lookups of cumulative minutes). test/briefing.int.spec.ts checks it against workingMinutesBetween.
--
-- Plain-PostgreSQL note: test/support/plain-postgres.ts splits every migration on a semicolon that ends a
-- line, so the function bodies below put their semicolons at the start of a line.

CREATE TABLE IF NOT EXISTS calendar_days (
  day     date PRIMARY KEY,
  working boolean NOT NULL
);

CREATE OR REPLACE FUNCTION ioc_working_minutes(a timestamptz, b timestamptz) RETURNS double precision
LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(greatest(0,
           least(o.e, CASE WHEN g.d::date = t.lb::date THEN extract(epoch FROM t.lb - t.lb::date) / 60 ELSE 1440 END)
         - greatest(o.s, CASE WHEN g.d::date = t.la::date THEN extract(epoch FROM t.la - t.la::date) / 60 ELSE 0 END))), 0)::double precision
  FROM (SELECT a AT TIME ZONE 'Asia/Ho_Chi_Minh' AS la, b AT TIME ZONE 'Asia/Ho_Chi_Minh' AS lb) t
  CROSS JOIN LATERAL generate_series(t.la::date, t.lb::date, INTERVAL '1 day') AS g(d)
  LEFT JOIN calendar_days c ON c.day = g.d::date
  CROSS JOIN (VALUES (450, 690), (810, 1020)) AS o(s, e)
  WHERE a < b AND coalesce(c.working, extract(isodow FROM g.d) < 6)
$$;

CREATE TABLE IF NOT EXISTS incident_facts (
  created_at              timestamptz NOT NULL,
  id                      text NOT NULL,
  ward_code               text,
  agency_id               text,
  category                text NOT NULL,
  -- The channel of the source that opened the case (sources[0]): hue_s, hotline, camera, sensor, open311.
  channel                 text,
  priority                smallint NOT NULL,
  status                  text NOT NULL,
  due_at                  timestamptz,
  -- When handled (resolved_at, else closed_at) while the case is resolved or closed; null otherwise.
  handled_at              timestamptz,
  rating                  text,
  -- A duplicate merged into another case: not counted (the case that absorbed it is).
  merged                  boolean NOT NULL DEFAULT false,
  -- Ever reopened / ever returned by a unit: sticky (the workflow clears resolved_at on a reopen).
  reopened                boolean NOT NULL DEFAULT false,
  returned                boolean NOT NULL DEFAULT false,
  resolve_working_minutes double precision,
  UNIQUE (created_at, id)
);
SELECT create_hypertable('incident_facts', by_range('created_at', INTERVAL '30 days'), if_not_exists => true);
CREATE INDEX IF NOT EXISTS incident_facts_id_idx ON incident_facts (id);
CREATE INDEX IF NOT EXISTS incident_facts_ward_idx ON incident_facts (ward_code, created_at);
CREATE INDEX IF NOT EXISTS incident_facts_agency_idx ON incident_facts (agency_id, created_at);

CREATE OR REPLACE FUNCTION incident_facts_upsert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO incident_facts (created_at, id, ward_code, agency_id, category, channel, priority, status, due_at,
                              handled_at, rating, merged, reopened, returned, resolve_working_minutes)
  SELECT n.created_at, n.id, n.ward_code, n.agency_id, n.category, n.sources -> 0 ->> 'channel', n.priority,
         n.status, n.due_at, h.handled_at, n.rating, n.merged_into IS NOT NULL,
         n.status = 'reopened', n.status = 'returned',
         CASE WHEN h.handled_at IS NOT NULL THEN ioc_working_minutes(n.created_at, h.handled_at) END
  FROM new_rows n
  CROSS JOIN LATERAL (SELECT CASE WHEN n.status IN ('resolved', 'closed') THEN coalesce(n.resolved_at, n.closed_at) END AS handled_at) h
  ON CONFLICT (created_at, id) DO UPDATE SET
    ward_code = EXCLUDED.ward_code, agency_id = EXCLUDED.agency_id, category = EXCLUDED.category,
    channel = EXCLUDED.channel, priority = EXCLUDED.priority, status = EXCLUDED.status, due_at = EXCLUDED.due_at,
    handled_at = EXCLUDED.handled_at, rating = EXCLUDED.rating, merged = EXCLUDED.merged,
    reopened = incident_facts.reopened OR EXCLUDED.reopened,
    returned = incident_facts.returned OR EXCLUDED.returned,
    resolve_working_minutes = EXCLUDED.resolve_working_minutes
  WHERE (incident_facts.ward_code, incident_facts.agency_id, incident_facts.category, incident_facts.channel,
         incident_facts.priority, incident_facts.status, incident_facts.due_at, incident_facts.handled_at,
         incident_facts.rating, incident_facts.merged)
        IS DISTINCT FROM
        (EXCLUDED.ward_code, EXCLUDED.agency_id, EXCLUDED.category, EXCLUDED.channel, EXCLUDED.priority,
         EXCLUDED.status, EXCLUDED.due_at, EXCLUDED.handled_at, EXCLUDED.rating, EXCLUDED.merged)
     OR (EXCLUDED.reopened AND NOT incident_facts.reopened) OR (EXCLUDED.returned AND NOT incident_facts.returned)
  ; RETURN NULL
; END
$$;

CREATE OR REPLACE FUNCTION incident_facts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM incident_facts f USING old_rows o WHERE f.created_at = o.created_at AND f.id = o.id
  ; RETURN NULL
; END
$$;

CREATE OR REPLACE FUNCTION incident_facts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM incident_facts
  ; RETURN NULL
; END
$$;

DROP TRIGGER IF EXISTS incident_facts_ins ON incidents;
CREATE TRIGGER incident_facts_ins AFTER INSERT ON incidents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_facts_upsert();
DROP TRIGGER IF EXISTS incident_facts_upd ON incidents;
CREATE TRIGGER incident_facts_upd AFTER UPDATE ON incidents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_facts_upsert();
DROP TRIGGER IF EXISTS incident_facts_del ON incidents;
CREATE TRIGGER incident_facts_del AFTER DELETE ON incidents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_facts_delete();
DROP TRIGGER IF EXISTS incident_facts_trunc ON incidents;
CREATE TRIGGER incident_facts_trunc AFTER TRUNCATE ON incidents
  FOR EACH STATEMENT EXECUTE FUNCTION incident_facts_truncate();

-- The cases already there, with their reopen/return history from the audit trail.
UPDATE incidents SET status = status WHERE true;
UPDATE incident_facts f SET
  reopened = EXISTS (SELECT 1 FROM incident_events e WHERE e.incident_id = f.id AND e.type = 'status' AND e.data ->> 'to' = 'reopened'),
  returned = EXISTS (SELECT 1 FROM incident_events e WHERE e.incident_id = f.id AND e.type = 'status' AND e.data ->> 'to' = 'returned');
