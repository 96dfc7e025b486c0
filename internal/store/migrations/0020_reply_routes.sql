-- Reply routes and step conditions (issue 16; rules in internal/routing).
-- A campaign's routes and its steps' skipIf conditions, as JSON the campaign
-- service validated (skip_ifs: step position → condition). Route steps share
-- send_jobs with the main sequence, at positions route*100 + step.
CREATE TABLE sequence_routes (
    campaign_id  TEXT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    routes       TEXT NOT NULL DEFAULT '[]',
    skip_ifs     TEXT NOT NULL DEFAULT '{}',
    updated_at   TIMESTAMP NOT NULL
);

-- The route a campaign lead is in (0: the main sequence).
ALTER TABLE campaign_leads ADD COLUMN route INTEGER NOT NULL DEFAULT 0;

-- Every route a campaign lead entered, at most once each; left_at is set
-- when a recategorisation took it out before the route's first step went.
CREATE TABLE campaign_lead_routes (
    campaign_lead_id TEXT NOT NULL REFERENCES campaign_leads(id) ON DELETE CASCADE,
    workspace_id     TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    campaign_id      TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    route            INTEGER NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    entered_at       TIMESTAMP NOT NULL,
    left_at          TIMESTAMP,
    PRIMARY KEY (campaign_lead_id, route)
);
CREATE INDEX campaign_lead_routes_campaign ON campaign_lead_routes (campaign_id, route);
