-- Webhooks and the event feed (docs/webhooks.md).
--
-- events is the outbox: a row is written in the same transaction as the
-- change it reports, so an event exists if and only if the change
-- committed. id is a UUIDv7 (time-ordered: the feed's cursor). data is the
-- JSON of the event's data object; campaign_id is copied out of it so a
-- subscription can filter on campaigns. fanned_out_at is set once the
-- delivery workers have made the event's deliveries (NULL: not yet).
CREATE TABLE events (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    type          TEXT NOT NULL,
    campaign_id   TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    fanned_out_at TIMESTAMP
);
CREATE INDEX events_workspace ON events (workspace_id, id);
CREATE INDEX events_created ON events (created_at);
CREATE INDEX events_pending ON events (id) WHERE fanned_out_at IS NULL;

-- A workspace's webhook endpoints. secret is the signing secret encrypted
-- with the key ring; old_secret keeps verifying until old_secret_until
-- after a rotation. events and campaign_ids are JSON arrays (empty: all).
-- failing_since is when the current run of failed deliveries began;
-- disabled_reason says why the endpoint was turned off by the system.
CREATE TABLE webhooks (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    url              TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    events           TEXT NOT NULL DEFAULT '[]',
    campaign_ids     TEXT NOT NULL DEFAULT '[]',
    enabled          BOOLEAN NOT NULL DEFAULT TRUE,
    secret           TEXT NOT NULL,
    old_secret       TEXT NOT NULL DEFAULT '',
    old_secret_until TIMESTAMP,
    failing_since    TIMESTAMP,
    disabled_reason  TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id, id);

-- One event to one endpoint. status: pending (next_at is when the next
-- attempt may start; a claimed delivery's next_at is pushed past the
-- attempt's timeout, so a crash mid-attempt makes it due again),
-- delivered, failed (gave up or the endpoint was disabled). The last
-- attempt's answer is kept: code, the first KB of the body, duration.
CREATE TABLE webhook_deliveries (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    webhook_id     TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id       TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending',
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        TIMESTAMP NOT NULL,
    last_code      INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    last_body      TEXT NOT NULL DEFAULT '',
    last_ms        INTEGER NOT NULL DEFAULT 0,
    last_at        TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);

-- In-app notices to a workspace's admins (a webhook disabled after days of
-- failures), shown until dismissed.
CREATE TABLE workspace_notices (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    dismissed_at TIMESTAMP
);
CREATE INDEX workspace_notices_workspace ON workspace_notices (workspace_id, id);
