-- Sessions a person can see and end, and signing in with Google or
-- Microsoft (OpenID Connect).
--
-- sessions.method is how the session was signed in: 'password', 'google'
-- or 'microsoft' (the Sessions page shows it beside the device). The rest
-- of what that page lists (created, last used, address, browser) was
-- already kept.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';

-- An account's link to an identity provider: the provider's stable
-- subject (the ID token's sub), never the address, which can change or be
-- reassigned. email is the address the provider gave at linking, kept for
-- the person's own settings page.
CREATE TABLE user_identities (
    provider      TEXT NOT NULL,
    subject       TEXT NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email         TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

-- Sign-ins in flight: state_hash is the SHA-256 of the state sent to the
-- provider (the browser also holds the state in a short-lived cookie, so a
-- callback is finished only by the browser that started it); verifier and
-- nonce are the PKCE verifier and the ID token nonce, encrypted with the
-- key ring; next is the local page to return to. Rows live ten minutes.
CREATE TABLE signin_states (
    state_hash TEXT PRIMARY KEY,
    provider   TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    next_path  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX signin_states_expires ON signin_states (expires_at);
