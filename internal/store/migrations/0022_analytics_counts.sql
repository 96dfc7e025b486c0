-- Analytics counters (internal/store/analytics_counts.go): sums the reports
-- read instead of counting every send job and campaign lead. Derived from
-- the engine's rows and written in the same transactions as them; the
-- dialect files beside this one backfill them from the rows already there.
-- slot is a 15-minute slot in UTC (unix seconds / 900): a day in any zone
-- is a whole number of slots.

-- Per campaign, step, variant and slot. sent…complained are credited to
-- the slot of the send they answer (the step × variant table);
-- replied_on…complained_on to the slot the outcome happened in (the daily
-- series). Step 0 and variant '' hold outcomes with no send to credit.
CREATE TABLE analytics_counts (
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    campaign_id     TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    slot            BIGINT NOT NULL,
    step_position   INTEGER NOT NULL,
    variant         TEXT NOT NULL,
    sent            BIGINT NOT NULL DEFAULT 0,
    replied         BIGINT NOT NULL DEFAULT 0,
    positive        BIGINT NOT NULL DEFAULT 0,
    bounced         BIGINT NOT NULL DEFAULT 0,
    unsubscribed    BIGINT NOT NULL DEFAULT 0,
    complained      BIGINT NOT NULL DEFAULT 0,
    replied_on      BIGINT NOT NULL DEFAULT 0,
    positive_on     BIGINT NOT NULL DEFAULT 0,
    bounced_on      BIGINT NOT NULL DEFAULT 0,
    unsubscribed_on BIGINT NOT NULL DEFAULT 0,
    complained_on   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, slot, step_position, variant)
);
CREATE INDEX analytics_counts_workspace ON analytics_counts (workspace_id, slot);

-- Per mailbox and slot (its health): sends, and the outcomes at the slot
-- they happened in, in the mailbox of the send they answer.
CREATE TABLE analytics_mailbox_counts (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    inbox_id     TEXT NOT NULL REFERENCES inbox_connections(id) ON DELETE CASCADE,
    slot         BIGINT NOT NULL,
    sent         BIGINT NOT NULL DEFAULT 0,
    replied      BIGINT NOT NULL DEFAULT 0,
    bounced      BIGINT NOT NULL DEFAULT 0,
    unsubscribed BIGINT NOT NULL DEFAULT 0,
    complained   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (inbox_id, slot)
);
CREATE INDEX analytics_mailbox_counts_workspace ON analytics_mailbox_counts (workspace_id, slot);

-- What each campaign lead with an outcome adds to the counters now, so a
-- later change (a recategorised reply, a reply turned unsubscribe) can take
-- it back out. outcome: '', bounced, unsubscribed or complained.
CREATE TABLE analytics_credits (
    campaign_lead_id TEXT PRIMARY KEY REFERENCES campaign_leads(id) ON DELETE CASCADE,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    campaign_id      TEXT NOT NULL,
    reply_step       INTEGER,
    reply_variant    TEXT,
    reply_send_slot  BIGINT,
    reply_inbox_id   TEXT,
    reply_slot       BIGINT,
    positive         INTEGER NOT NULL,
    outcome          TEXT NOT NULL,
    stop_step        INTEGER,
    stop_variant     TEXT,
    stop_send_slot   BIGINT,
    stop_inbox_id    TEXT,
    stop_slot        BIGINT NOT NULL
);
CREATE INDEX analytics_credits_workspace ON analytics_credits (workspace_id);
