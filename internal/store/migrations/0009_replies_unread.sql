-- The Replies badge counts a workspace's unread conversations on every
-- page; this partial index keeps that count to the unread rows alone.
CREATE INDEX conversations_unread ON conversations (workspace_id) WHERE unread;
