-- The reply loop: inbox sync stores what arrived in conversations, and a
-- person can answer from a conversation.

-- The conversation's latest inbound message, which the Replies list shows
-- beside the lead (one lookup instead of a subquery per row).
ALTER TABLE conversations ADD COLUMN last_inbound_id TEXT NOT NULL DEFAULT '';
CREATE INDEX conversations_thread ON conversations (inbox_id, thread_id);

-- A page of inbound mail is matched to the workspace's stored messages by
-- the Message-IDs it names (In-Reply-To, References, a bounce's original),
-- and by provider thread id when it names none of ours.
CREATE INDEX messages_workspace_message_id ON messages (workspace_id, message_id);
CREATE INDEX messages_thread ON messages (inbox_id, thread_id);

-- A reply written in the Replies page is stored first (send_status queued,
-- with the built message in raw) and then handed to the provider, so a
-- provider outage delays it and never loses it:
--   queued → sending → sent, or back to queued with next_attempt_at on a
--   transient failure, or failed when the provider refuses it for good.
-- Messages that arrived, and those the send engine sent, keep send_status ''.
ALTER TABLE messages ADD COLUMN send_status TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN send_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN send_error TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE messages ADD COLUMN claimed_at TIMESTAMP;
ALTER TABLE messages ADD COLUMN raw TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN author_user_id TEXT;
CREATE INDEX messages_outbox ON messages (send_status, next_attempt_at) WHERE send_status IN ('queued', 'sending');
