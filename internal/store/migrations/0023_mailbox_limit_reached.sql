-- The mailbox's local day (YYYY-MM-DD) on which it last reached its sending
-- limit: mailbox.limit_reached is reported once per mailbox per day
-- (internal/sending/limit_events.go), even when a failed send gives a slot
-- back and the limit is reached again.
ALTER TABLE inbox_connections ADD COLUMN limit_reached_date TEXT NOT NULL DEFAULT '';
