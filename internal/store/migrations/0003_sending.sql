-- The send engine: per-day counters, outbound message links, the sandbox
-- mailbox and the server secret that signs unsubscribe links.
--
-- send_jobs.status gains two states beside 0001's list:
--   held    cannot go until a person acts (campaign paused, mailbox paused or
--           disconnected, no mailbox, a merge field the lead lacks); run_at is
--           meaningless until it is released back to scheduled;
--   claimed reserved by a tick (its mailbox slot counted) but not yet handed
--           to the provider; a stop cancels it. Only `sending` may have left.
-- campaign_leads.status: active, completed, replied, bounced, unsubscribed,
-- suppressed, failed, stopped.

-- Sends reserved in the mailbox's local day sent_today_date (YYYY-MM-DD),
-- across campaigns: the daily cap and ramp read it without counting jobs.
ALTER TABLE inbox_connections ADD COLUMN sent_today INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_connections ADD COLUMN sent_today_date TEXT NOT NULL DEFAULT '';

-- The same for the campaign's optional daily limit, in the campaign's zone.
ALTER TABLE campaigns ADD COLUMN sent_today INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN sent_today_date TEXT NOT NULL DEFAULT '';

-- The rendered subject of step 1: a follow-up with an empty subject is
-- "Re: " + this.
ALTER TABLE campaign_leads ADD COLUMN first_subject TEXT NOT NULL DEFAULT '';

-- Which campaign lead an outbound message belongs to, so a reply matched by
-- In-Reply-To/References finds the lead to stop in one lookup.
ALTER TABLE messages ADD COLUMN campaign_lead_id TEXT REFERENCES campaign_leads(id) ON DELETE SET NULL;
CREATE INDEX messages_campaign_lead ON messages (campaign_lead_id);

CREATE INDEX campaign_leads_campaign_status ON campaign_leads (campaign_id, status);
CREATE INDEX send_jobs_campaign_status ON send_jobs (campaign_id, status, run_at);

-- The sandbox provider's mailbox: what it "sent" and what /sandbox/receive
-- delivered. seq orders a mailbox's messages for Fetch cursors; it comes from
-- sandbox_mailboxes.last_seq, incremented under the row's lock, so seq order
-- is commit order and a cursor never skips a message.
CREATE TABLE sandbox_mailboxes (
    inbox_id     TEXT PRIMARY KEY REFERENCES inbox_connections(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    last_seq     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sandbox_messages (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    inbox_id     TEXT NOT NULL REFERENCES inbox_connections(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    folder       TEXT NOT NULL CHECK (folder IN ('sent', 'inbox')),
    message_id   TEXT NOT NULL,
    thread_id    TEXT NOT NULL,
    raw          TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (inbox_id, seq)
);
CREATE INDEX sandbox_messages_message_id ON sandbox_messages (inbox_id, message_id);

-- Secrets the server generates once and every replica shares (the key that
-- signs unsubscribe links). Not user data: no workspace.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
