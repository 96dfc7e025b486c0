-- Whether an SMTP mailbox's copies to Sent fail (internal/provider/smtpimap):
-- the error of the last copy given up, empty again once a copy is stored.
-- The message went out either way; the copy is what lets a restarted engine
-- ask the server whether a send it could not record went out.
ALTER TABLE inbox_connections ADD COLUMN sent_copy_error TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox_connections ADD COLUMN sent_copy_failed_at TIMESTAMP;
