-- Search by email, name and company as a substring ("ILIKE '%acme%'"): a
-- trigram index on the one expression the listing query filters on
-- (store.leadSearchExpr), so a million-lead workspace answers in milliseconds.
-- SQLite has no trigram index and scans; it is meant for smaller workspaces.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX leads_search ON leads
    USING gin ((lower(email || ' ' || first_name || ' ' || last_name || ' ' || company)) gin_trgm_ops);
