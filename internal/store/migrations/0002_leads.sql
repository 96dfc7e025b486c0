-- Leads: import bookkeeping and the indexes listing and erasure need.

-- The import report's counts beyond created/updated/skipped, and a heartbeat:
-- a running import whose heartbeat is old was interrupted (a restart, a
-- crash) and is resumed or marked failed by the importer (see
-- internal/leadimport).
ALTER TABLE lead_sources ADD COLUMN invalid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE lead_sources ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE lead_sources ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE lead_sources ADD COLUMN heartbeat_at TIMESTAMP;
CREATE INDEX lead_sources_running ON lead_sources (status, heartbeat_at);

-- Why a row was not imported: invalid (rejected), duplicate (earlier in the
-- same file), suppressed, or existing (already a lead, left as it was).
ALTER TABLE lead_source_errors ADD COLUMN code TEXT NOT NULL DEFAULT 'invalid';

-- Listing filters walk these newest first.
CREATE INDEX leads_source ON leads (workspace_id, source_id, id);
CREATE INDEX leads_status ON leads (workspace_id, status, id);

CREATE INDEX suppressions_workspace ON suppressions (workspace_id, id);
