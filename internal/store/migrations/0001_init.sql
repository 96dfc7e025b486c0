-- The whole data model of the design, shared by SQLite and Postgres.
-- Types are written once: TIMESTAMP becomes TIMESTAMPTZ on Postgres (see
-- migrate.go). Times are UTC. IDs are UUIDv7 text generated in Go.
-- Every workspace-owned table carries workspace_id.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE workspaces (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    -- CAN-SPAM footer appended to every message when set.
    footer_address  TEXT NOT NULL DEFAULT '',
    footer_text     TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    workspace_id TEXT REFERENCES workspaces(id) ON DELETE SET NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    token_prefix TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at);

CREATE TABLE audit_events (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
    actor_user_id TEXT,
    actor_api_key TEXT,
    action        TEXT NOT NULL,
    target_type   TEXT NOT NULL DEFAULT '',
    target_id     TEXT NOT NULL DEFAULT '',
    data          TEXT NOT NULL DEFAULT '{}',
    ip            TEXT NOT NULL DEFAULT '',
    request_id    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_workspace ON audit_events (workspace_id, id);

-- Sending mailboxes ("Mailboxes" in the UI). Credentials are encrypted with
-- the secrets package and bound to the row id; config holds non-secret
-- connection settings as JSON.
CREATE TABLE inbox_connections (
    id                   TEXT PRIMARY KEY,
    workspace_id         TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    provider             TEXT NOT NULL CHECK (provider IN ('gmail', 'microsoft', 'smtp', 'sandbox')),
    email                TEXT NOT NULL,
    display_name         TEXT NOT NULL DEFAULT '',
    status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disconnected', 'error')),
    status_reason        TEXT NOT NULL DEFAULT '',
    daily_cap            INTEGER NOT NULL,
    ramp_start           INTEGER NOT NULL,
    ramp_increment       INTEGER NOT NULL,
    min_gap_seconds      INTEGER NOT NULL,
    signature            TEXT NOT NULL DEFAULT '',
    timezone             TEXT NOT NULL DEFAULT 'UTC',
    config               TEXT NOT NULL DEFAULT '{}',
    credentials          TEXT NOT NULL DEFAULT '',
    sync_cursor          TEXT NOT NULL DEFAULT '',
    last_sync_at         TIMESTAMP,
    last_error           TEXT NOT NULL DEFAULT '',
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_sent_at         TIMESTAMP,
    next_send_at         TIMESTAMP,
    ramp_started_at      TIMESTAMP NOT NULL,
    deleted_at           TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX inbox_connections_email ON inbox_connections (workspace_id, provider, email);

CREATE TABLE icp_profiles (
    id                  TEXT PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name                TEXT NOT NULL DEFAULT '',
    product_description TEXT NOT NULL DEFAULT '',
    website             TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    icp                 TEXT NOT NULL DEFAULT '{}',
    generator           TEXT NOT NULL DEFAULT 'manual',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX icp_profiles_workspace ON icp_profiles (workspace_id, id);

CREATE TABLE leads (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    first_name   TEXT NOT NULL DEFAULT '',
    last_name    TEXT NOT NULL DEFAULT '',
    company      TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    website      TEXT NOT NULL DEFAULT '',
    linkedin_url TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    timezone     TEXT NOT NULL DEFAULT '',
    country      TEXT NOT NULL DEFAULT '',
    custom       TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'active',
    source_id    TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX leads_email ON leads (workspace_id, email);
CREATE INDEX leads_workspace_id ON leads (workspace_id, id);

-- One row per way leads arrived: each CSV import, the API, manual entry.
CREATE TABLE lead_sources (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    file_name    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'done',
    options      TEXT NOT NULL DEFAULT '{}',
    rows_total   INTEGER NOT NULL DEFAULT 0,
    rows_done    INTEGER NOT NULL DEFAULT 0,
    created      INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    created_by   TEXT,
    created_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP
);
CREATE INDEX lead_sources_workspace ON lead_sources (workspace_id, id);

CREATE TABLE lead_source_errors (
    source_id    TEXT NOT NULL REFERENCES lead_sources(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    row_number   INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    PRIMARY KEY (source_id, row_number)
);

-- Where each value came from: one row per lead per event (import row, manual
-- edit, API call, enrichment, AI) with the fields that event set, as JSON.
CREATE TABLE lead_field_provenance (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    lead_id      TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    source_kind  TEXT NOT NULL,
    source_id    TEXT,
    source_row   INTEGER,
    fields       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX lead_field_provenance_lead ON lead_field_provenance (lead_id, created_at);

-- kind: email (normalised address), domain, or email_hash (sha256 of an
-- erased person's address, so they are never emailed again).
CREATE TABLE suppressions (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('email', 'domain', 'email_hash')),
    value        TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (reason IN ('unsubscribe', 'bounce', 'complaint', 'manual', 'erasure')),
    source       TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX suppressions_value ON suppressions (workspace_id, kind, value);

CREATE TABLE campaigns (
    id                     TEXT PRIMARY KEY,
    workspace_id           TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name                   TEXT NOT NULL,
    icp_profile_id         TEXT REFERENCES icp_profiles(id) ON DELETE SET NULL,
    status                 TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'completed')),
    status_reason          TEXT NOT NULL DEFAULT '',
    timezone               TEXT NOT NULL,
    send_days              TEXT NOT NULL,
    send_start_minute      INTEGER NOT NULL,
    send_end_minute        INTEGER NOT NULL,
    use_lead_timezone      BOOLEAN NOT NULL DEFAULT FALSE,
    stop_on_reply          BOOLEAN NOT NULL DEFAULT TRUE,
    stop_on_auto_reply     BOOLEAN NOT NULL DEFAULT FALSE,
    stop_on_company_reply  BOOLEAN NOT NULL DEFAULT FALSE,
    daily_limit            INTEGER NOT NULL DEFAULT 0,
    settings               TEXT NOT NULL DEFAULT '{}',
    launched_at            TIMESTAMP,
    completed_at           TIMESTAMP,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE INDEX campaigns_workspace ON campaigns (workspace_id, id);
CREATE INDEX campaigns_status ON campaigns (status);

CREATE TABLE campaign_inboxes (
    campaign_id  TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    inbox_id     TEXT NOT NULL REFERENCES inbox_connections(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    PRIMARY KEY (campaign_id, inbox_id)
);
CREATE INDEX campaign_inboxes_inbox ON campaign_inboxes (inbox_id);

CREATE TABLE sequences (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    campaign_id  TEXT NOT NULL UNIQUE REFERENCES campaigns(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE sequence_steps (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    sequence_id   TEXT NOT NULL REFERENCES sequences(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    delay_days    INTEGER NOT NULL DEFAULT 0,
    delay_minutes INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (sequence_id, position)
);

-- A step's A/B variants; variant 'A' always exists.
CREATE TABLE message_templates (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    step_id      TEXT NOT NULL REFERENCES sequence_steps(id) ON DELETE CASCADE,
    variant      TEXT NOT NULL,
    subject      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (step_id, variant)
);

CREATE TABLE campaign_leads (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    campaign_id      TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    lead_id          TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    inbox_id         TEXT REFERENCES inbox_connections(id) ON DELETE SET NULL,
    status           TEXT NOT NULL DEFAULT 'active',
    status_reason    TEXT NOT NULL DEFAULT '',
    last_step_sent   INTEGER NOT NULL DEFAULT 0,
    thread_id        TEXT NOT NULL DEFAULT '',
    first_message_id TEXT NOT NULL DEFAULT '',
    last_message_id  TEXT NOT NULL DEFAULT '',
    references_ids   TEXT NOT NULL DEFAULT '',
    paused_until     TIMESTAMP,
    last_sent_at     TIMESTAMP,
    replied_at       TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, lead_id)
);
CREATE INDEX campaign_leads_lead ON campaign_leads (lead_id);
CREATE INDEX campaign_leads_inbox ON campaign_leads (inbox_id);

-- One row per (campaign lead, step): the idempotency key makes a second job
-- for the same step impossible. status: scheduled → sending →
-- sent | failed | skipped | canceled.
CREATE TABLE send_jobs (
    id                  TEXT PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    campaign_id         TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    campaign_lead_id    TEXT NOT NULL REFERENCES campaign_leads(id) ON DELETE CASCADE,
    lead_id             TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    inbox_id            TEXT REFERENCES inbox_connections(id) ON DELETE SET NULL,
    step_position       INTEGER NOT NULL,
    variant             TEXT NOT NULL DEFAULT 'A',
    idempotency_key     TEXT NOT NULL UNIQUE,
    status              TEXT NOT NULL DEFAULT 'scheduled',
    due_at              TIMESTAMP NOT NULL,
    run_at              TIMESTAMP NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    defer_reason        TEXT NOT NULL DEFAULT '',
    defer_detail        TEXT NOT NULL DEFAULT '',
    last_error          TEXT NOT NULL DEFAULT '',
    message_id          TEXT NOT NULL DEFAULT '',
    provider_message_id TEXT NOT NULL DEFAULT '',
    thread_id           TEXT NOT NULL DEFAULT '',
    claimed_at          TIMESTAMP,
    sent_at             TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX send_jobs_due ON send_jobs (status, run_at);
CREATE INDEX send_jobs_campaign_lead ON send_jobs (campaign_lead_id);
CREATE INDEX send_jobs_inbox ON send_jobs (inbox_id, status);

CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    inbox_id         TEXT REFERENCES inbox_connections(id) ON DELETE SET NULL,
    lead_id          TEXT REFERENCES leads(id) ON DELETE SET NULL,
    campaign_id      TEXT REFERENCES campaigns(id) ON DELETE SET NULL,
    campaign_lead_id TEXT REFERENCES campaign_leads(id) ON DELETE SET NULL,
    thread_id        TEXT NOT NULL DEFAULT '',
    subject          TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT '',
    category_source  TEXT NOT NULL DEFAULT '',
    unread           BOOLEAN NOT NULL DEFAULT TRUE,
    last_message_at  TIMESTAMP NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX conversations_workspace ON conversations (workspace_id, last_message_at);
CREATE INDEX conversations_campaign_lead ON conversations (campaign_lead_id);

-- Every message we sent and every inbound one we stored; a message seen twice
-- is stored once (unique per inbox and Message-ID).
CREATE TABLE messages (
    id                  TEXT PRIMARY KEY,
    workspace_id        TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    conversation_id     TEXT REFERENCES conversations(id) ON DELETE CASCADE,
    inbox_id            TEXT REFERENCES inbox_connections(id) ON DELETE SET NULL,
    send_job_id         TEXT REFERENCES send_jobs(id) ON DELETE SET NULL,
    direction           TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    message_id          TEXT NOT NULL,
    in_reply_to         TEXT NOT NULL DEFAULT '',
    references_ids      TEXT NOT NULL DEFAULT '',
    provider_message_id TEXT NOT NULL DEFAULT '',
    thread_id           TEXT NOT NULL DEFAULT '',
    from_addr           TEXT NOT NULL DEFAULT '',
    to_addr             TEXT NOT NULL DEFAULT '',
    subject             TEXT NOT NULL DEFAULT '',
    text_body           TEXT NOT NULL DEFAULT '',
    html_body           TEXT NOT NULL DEFAULT '',
    classification      TEXT NOT NULL DEFAULT '{}',
    occurred_at         TIMESTAMP NOT NULL,
    created_at          TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX messages_message_id ON messages (workspace_id, inbox_id, message_id);
CREATE INDEX messages_by_message_id ON messages (message_id);
CREATE INDEX messages_conversation ON messages (conversation_id, occurred_at);

-- OAuth authorisation requests in flight (state + PKCE verifier), short-lived.
CREATE TABLE oauth_states (
    state        TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider     TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    inbox_id     TEXT,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);

-- Token usage of the AI model per workspace, for cost visibility.
CREATE TABLE ai_usage (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id           TEXT,
    task              TEXT NOT NULL,
    generator         TEXT NOT NULL,
    model             TEXT NOT NULL DEFAULT '',
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL
);
CREATE INDEX ai_usage_workspace ON ai_usage (workspace_id, created_at);
