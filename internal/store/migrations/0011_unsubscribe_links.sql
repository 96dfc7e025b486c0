-- Unsubscribe links that outlive what they were sent for. A link's token
-- (internal/sending/unsubscribe.go) signs the id of the campaign lead the
-- message was sent to, and that id is also the id of this row, so a token
-- names its workspace and address here whatever happened since: the
-- campaign or the lead deleted, the mailbox gone. No foreign key to
-- campaign_leads or leads on purpose: deleting them must not touch the link.
--   email       the address the message went to; blanked when the lead is
--               erased (store/lead_erase.go), which keeps only
--   email_hash  sha256("leadbitz-suppression:" + email) in hex, the same
--               one-way hash the erasure's suppression holds.
CREATE TABLE unsubscribe_links (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email        TEXT NOT NULL DEFAULT '',
    email_hash   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX unsubscribe_links_email ON unsubscribe_links (workspace_id, email);

-- Links already in people's mail: one per existing campaign lead, so they keep
-- working after a delete too. An erased lead's link gets neither address nor
-- hash (SQL cannot compute it here): the erasure's own suppression, which
-- nothing can remove, already keeps that person out.
INSERT INTO unsubscribe_links (id, workspace_id, email, email_hash, created_at)
SELECT cl.id, cl.workspace_id, CASE WHEN l.status = 'erased' THEN '' ELSE l.email END, '', cl.created_at
FROM campaign_leads cl JOIN leads l ON l.id = cl.lead_id AND l.workspace_id = cl.workspace_id;
