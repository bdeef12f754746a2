-- The KPI catalogue an admin extends (issue 13, item 1): the indicators POST /api/ingest/kpi accepts and the
-- briefing shows, grouped by pillar (Chính quyền số, Kinh tế số, Xã hội số). Seeded at start from layers'
-- KPI_CATALOGUE (kpi-catalogue.service.ts, ON CONFLICT DO NOTHING: what an admin changed stays). An entry
-- with samples is deactivated, never deleted, so its history keeps its label and unit.
-- The lists (pillar, unit, direction) are layers' KPI_PILLARS and KPI_UNITS (test/domain-lists.int.spec.ts).
CREATE TABLE IF NOT EXISTS kpi_catalogue (
  id             text        PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{1,63}$'),
  pillar         text        NOT NULL CHECK (pillar IN ('chinh_quyen_so', 'kinh_te_so', 'xa_hoi_so')),
  label_vi       text        NOT NULL CHECK (length(label_vi) BETWEEN 1 AND 120),
  label_en       text        NOT NULL CHECK (length(label_en) BETWEEN 1 AND 120),
  unit           text        NOT NULL CHECK (unit IN ('%', 'count', 'hours', 'days', 'vnd')),
  target         double precision,
  good_direction text        NOT NULL CHECK (good_direction IN ('up', 'down')),
  description    text        CHECK (length(description) <= 1000),
  active         boolean     NOT NULL DEFAULT true,
  sort_order     integer     NOT NULL DEFAULT 0 CHECK (sort_order BETWEEN 0 AND 10000),
  -- Optimistic concurrency (PUT's expectedVersion), as incidents.version.
  version        integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  updated_by     text,
  -- A share is 0–100; no unit of the list is negative (layers' KPI_UNIT_RANGES).
  CHECK (target IS NULL OR (target >= 0 AND (unit <> '%' OR target <= 100)))
);
