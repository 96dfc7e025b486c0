-- Members added by address become invitations. Their token is unknown to
-- anyone (the hash of nothing a link carries), so they are accepted after
-- an owner or admin invites the address again, which mails a new link.
-- Times are fixed-width UTC text on SQLite: the date part moves 7 days and
-- the fraction and zone are kept as they were.
INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
SELECT lower(hex(randomblob(16))), workspace_id, email, role, 'migrated:' || workspace_id || ':' || email,
       (SELECT id FROM users WHERE id = added_by),
       created_at, strftime('%Y-%m-%d %H:%M:%S', substr(created_at, 1, 19), '+7 days') || substr(created_at, 20)
FROM pending_members;
DROP TABLE pending_members;
