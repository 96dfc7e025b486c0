-- Certificates, the ACME account key and pending http-01 tokens of the
-- built-in HTTPS (LEADBITZ_TLS_DOMAINS), in the database so that every
-- replica serves the same certificates and can answer a challenge another
-- replica started. data is encrypted (internal/autotls).
CREATE TABLE acme_cache (
    name       TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The last run of each background task (send tick, inbox sync, bounce
-- guard, account upkeep), whether the scheduler or a cron call ran it:
-- the System page shows them.
CREATE TABLE task_runs (
    name        TEXT PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    runs        INTEGER NOT NULL DEFAULT 1
);
