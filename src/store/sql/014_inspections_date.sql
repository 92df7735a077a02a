-- 014_inspections_date: the inspections page lists every inspection of the
-- caller's scope newest first (GET /api/v1/inspections). Walking these
-- indexes backwards stops at the page's end instead of reading and sorting
-- the whole table (a city of 250,000 inspections: 2.8 s → milliseconds),
-- also for a filter on a rare value (facilities, unannounced inspections,
-- compliant ones), which would otherwise walk the whole date index.
-- Portable SQL.
CREATE INDEX inspections_date ON inspections (date, id);
CREATE INDEX inspections_target_kind_date ON inspections (target_kind, date, id);
CREATE INDEX inspections_kind_date ON inspections (kind, date, id);
CREATE INDEX inspections_compliance_date ON inspections (compliance, date, id);
