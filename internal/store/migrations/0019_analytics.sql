-- Analytics (internal/analytics) reads the tables the send engine and the
-- reply loop already write; these indexes keep its reads fast at a million
-- campaign leads, and one workspace setting says which reply categories
-- count as positive.

-- Comma-separated conversation categories that count as a positive reply.
ALTER TABLE workspaces ADD COLUMN positive_categories TEXT NOT NULL DEFAULT 'interested,meeting_request';

-- Sends of a campaign by time, step and variant: the step × variant table
-- and the daily series are read from this index alone.
CREATE INDEX send_jobs_campaign_sent ON send_jobs (campaign_id, sent_at, step_position, variant, workspace_id) WHERE status = 'sent';
-- The same for a mailbox (its health chart) and a workspace (the dashboard).
CREATE INDEX send_jobs_inbox_sent ON send_jobs (inbox_id, sent_at, workspace_id) WHERE status = 'sent';
CREATE INDEX send_jobs_workspace_sent ON send_jobs (workspace_id, sent_at, campaign_id, step_position, variant) WHERE status = 'sent';

-- The campaign leads with an outcome (a reply, a bounce, an unsubscribe):
-- a few percent of a campaign, found without reading the others.
CREATE INDEX campaign_leads_outcomes ON campaign_leads (workspace_id, campaign_id, last_step_sent)
    WHERE replied_at IS NOT NULL OR status IN ('bounced', 'unsubscribed');
CREATE INDEX campaign_leads_inbox_outcomes ON campaign_leads (inbox_id)
    WHERE replied_at IS NOT NULL OR status IN ('bounced', 'unsubscribed');
