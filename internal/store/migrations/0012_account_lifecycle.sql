-- The account lifecycle: instance administrators, verified addresses,
-- single-use links (verification, password reset, address change) and
-- invitations, which replace pending_members.

-- is_admin marks the instance's administrators: the first account of an
-- instance, and whoever `leadbitz user make-admin` names.
ALTER TABLE users ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;
-- When the person proved the address is theirs (a mailed link); NULL until
-- then. Only enforced while system mail is configured.
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;

UPDATE users SET is_admin = TRUE WHERE id = (SELECT id FROM users ORDER BY created_at, id LIMIT 1);

-- Mailed links of an account: only the SHA-256 of the random token is
-- stored. A link works once (used_at) and until expires_at. email is the
-- address the link was sent to (the new address for change_email).
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify', 'reset', 'change_email')),
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires ON account_tokens (expires_at);

-- An invitation to a workspace for one address, accepted once through its
-- link (only the token's SHA-256 is stored) within 7 days. At most one
-- invitation per address and workspace waits at a time: inviting again
-- replaces it (a new link; the old one stops working).
CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    token_hash   TEXT NOT NULL UNIQUE,
    invited_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    accepted_at  TIMESTAMP,
    accepted_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    revoked_at   TIMESTAMP
);
CREATE INDEX invitations_workspace ON invitations (workspace_id, id);
CREATE UNIQUE INDEX invitations_waiting ON invitations (workspace_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
