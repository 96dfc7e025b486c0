-- Members added by address become invitations; see the SQLite twin.
INSERT INTO invitations (id, workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
SELECT md5(random()::text || workspace_id || email), workspace_id, email, role, 'migrated:' || workspace_id || ':' || email,
       (SELECT id FROM users WHERE id = added_by),
       created_at, created_at + interval '7 days'
FROM pending_members;
DROP TABLE pending_members;
