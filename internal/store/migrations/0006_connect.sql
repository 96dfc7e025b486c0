-- Mailbox connections: OAuth flows in flight and the bounce guard.

-- oauth_states (0001) rows live ten minutes; the sweep deletes by expiry.
-- Their state column holds the SHA-256 of the state sent to the provider,
-- and verifier the PKCE verifier encrypted with the key ring.
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);

-- The bounce guard pauses a campaign or a mailbox whose hard-bounce rate
-- passes its threshold. It remembers how many hard bounces it had counted
-- when it did, so a person who resumes it is not overruled until a new
-- hard bounce arrives.
ALTER TABLE campaigns ADD COLUMN bounce_guard_bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbox_connections ADD COLUMN bounce_guard_bounces INTEGER NOT NULL DEFAULT 0;
