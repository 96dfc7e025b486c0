-- Safe edits of a running campaign's sequence (internal/campaign/edit.go).
--
-- sequences.version counts the versions of a launched campaign's sequence:
-- a save that changes a launched campaign's steps makes a new version (a
-- draft's saves do not). send_jobs.sequence_version is the version a job's
-- message was rendered with, 0 while it is the current one: a save stamps
-- the jobs already rendered (claimed, sending, sent) with the old version
-- before it raises the number, so a sent message keeps the version it went
-- out with while its job's row is written once per edit, not per send.
ALTER TABLE sequences ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE send_jobs ADD COLUMN sequence_version INTEGER NOT NULL DEFAULT 0;
