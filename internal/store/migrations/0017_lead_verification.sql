-- Address verification (internal/verify): each lead's verdict, its reasons
-- and where it came from. An empty status means "not checked yet", which
-- the send gate treats like unknown (it sends).
--   verify_status   deliverable | risky | undeliverable | unknown | ''
--   verify_reasons  comma-separated reasons (no_mx, role, …)
--   verify_provider the recipient's mail provider read from its MX:
--                   google | microsoft | other | ''
--   verify_source   what decided: dns (the basic checks), bounce (a hard
--                   bounce), reply (a human reply), smtp (the probe)
ALTER TABLE leads ADD COLUMN verify_status TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN verify_reasons TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN verify_provider TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN verify_source TEXT NOT NULL DEFAULT '';
ALTER TABLE leads ADD COLUMN verified_at TIMESTAMP;

-- The list filter by verification status; deliverable and unknown leads,
-- the common case, are served by leads_workspace_id, so only the few that
-- need a look are indexed (and an import writes no entry for the rest).
CREATE INDEX leads_verify_status ON leads (workspace_id, verify_status, id)
    WHERE verify_status IN ('risky', 'undeliverable');

-- The send gate's campaign options: send to risky addresses, and assign
-- each lead a mailbox of its own provider when the campaign has one.
ALTER TABLE campaigns ADD COLUMN allow_risky BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE campaigns ADD COLUMN esp_matching BOOLEAN NOT NULL DEFAULT FALSE;
