-- The web app's campaign wizard: the step a campaign's setup is at, so a
-- user who leaves and comes back resumes there, and the lead import the
-- wizard started with the staged copy of its file (read again when the
-- import ends, to add every lead of the file to the campaign, the ones that
-- were already leads included). One row per campaign; it goes with it.
CREATE TABLE campaign_wizards (
    campaign_id  TEXT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    step         TEXT NOT NULL,
    import_id    TEXT NOT NULL DEFAULT '',
    upload       TEXT NOT NULL DEFAULT '',
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX campaign_wizards_workspace ON campaign_wizards (workspace_id, updated_at);
