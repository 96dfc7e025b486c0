-- A person's own security log: logins, failed logins, logouts, password
-- hash upgrades, with the address and browser they came from. Readable by
-- that person only (GET /api/me/security-events); workspace audit logs no
-- longer carry logins. A failed login for an address with no account is
-- kept with no user (user_id NULL), so it lands in nobody's log, and is
-- purged after a day.
CREATE TABLE security_events (
    id         TEXT PRIMARY KEY,
    user_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX security_events_user ON security_events (user_id, id);
CREATE INDEX security_events_created ON security_events (created_at);

-- Failed logins per (account, client network) pair, for growing delays
-- instead of locking the account: pair_hash is SHA-256 of the normalised
-- address and the client's IPv4 address or IPv6 /64, so neither is stored.
-- A successful login from the pair deletes its row; upkeep deletes old rows.
CREATE TABLE login_failures (
    pair_hash      TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    last_failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_failed_at);

-- Members added by address before they show up: the same row whether or not
-- the address has an account, so adding a member reveals nothing about who
-- has one. The person joins the workspace when they next log in, sign up or
-- open the app with that address.
CREATE TABLE pending_members (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    added_by     TEXT,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (workspace_id, email)
);
CREATE INDEX pending_members_email ON pending_members (email);
