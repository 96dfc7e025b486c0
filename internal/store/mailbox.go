package store

import (
	"context"
	"database/sql"
	"time"
)

// Inbox statuses: only active mailboxes send; the others hold their leads'
// work.
const (
	MailboxActive       = "active"
	MailboxPaused       = "paused"
	MailboxDisconnected = "disconnected"
	MailboxError        = "error"
)

// Inbox providers.
const (
	ProviderGmail     = "gmail"
	ProviderMicrosoft = "microsoft"
	ProviderSMTP      = "smtp"
	ProviderSandbox   = "sandbox"
)

// Inbox is a mailbox the workspace sends from ("Mailbox" in the UI). Its
// encrypted credentials are not read here: only the providers that need them
// do.
type Mailbox struct {
	ID            string
	Provider      string
	Email         string
	DisplayName   string
	Status        string
	StatusReason  string
	DailyCap      int
	RampStart     int
	RampIncrement int
	MinGapSeconds int
	Signature     string
	Timezone      string
	Config        string // non-secret provider settings, JSON
	// Usage, kept by the send engine: sends reserved in the local day
	// SentTodayDate, the latest send and when the drawn gap after it ends.
	SentToday     int
	SentTodayDate string
	LastSentAt    *time.Time
	NextSendAt    *time.Time
	RampStartedAt time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// SentCopyError is why the last copy to Sent an SMTP mailbox gave up
	// failed ("" while copies are stored), since SentCopyFailedAt.
	SentCopyError    string
	SentCopyFailedAt *time.Time
}

const mailboxColumns = `id, provider, email, display_name, status, status_reason, daily_cap, ramp_start, ramp_increment,
	min_gap_seconds, signature, timezone, config, sent_today, sent_today_date, last_sent_at, next_send_at,
	ramp_started_at, created_at, updated_at, sent_copy_error, sent_copy_failed_at`

func scanMailbox(row interface{ Scan(...any) error }) (Mailbox, error) {
	var i Mailbox
	var last, next, copyFailed sql.NullTime
	err := row.Scan(&i.ID, &i.Provider, &i.Email, &i.DisplayName, &i.Status, &i.StatusReason, &i.DailyCap, &i.RampStart,
		&i.RampIncrement, &i.MinGapSeconds, &i.Signature, &i.Timezone, &i.Config, &i.SentToday, &i.SentTodayDate,
		&last, &next, &i.RampStartedAt, &i.CreatedAt, &i.UpdatedAt, &i.SentCopyError, &copyFailed)
	i.LastSentAt, i.NextSendAt, i.SentCopyFailedAt = timePtr(last), timePtr(next), timePtr(copyFailed)
	return i, notFound(err)
}

// SetSentCopyError records that a mailbox's copies to Sent fail (msg, at),
// or that they are stored again (msg ""; the time of the last failure is
// kept).
func (s Scope) SetSentCopyError(ctx context.Context, mailboxID, msg string, at time.Time) error {
	if msg == "" {
		_, err := s.exec(ctx, `UPDATE inbox_connections SET sent_copy_error = '' WHERE id = ? AND workspace_id = ?`,
			mailboxID, s.ws)
		return err
	}
	_, err := s.exec(ctx, `UPDATE inbox_connections SET sent_copy_error = ?, sent_copy_failed_at = ?
		WHERE id = ? AND workspace_id = ?`, msg, at, mailboxID, s.ws)
	return err
}

// CreateMailbox inserts a mailbox; ErrDuplicate when the workspace already has
// this provider and address.
func (s Scope) CreateMailbox(ctx context.Context, i *Mailbox) error {
	if i.ID == "" {
		i.ID = NewID()
	}
	if i.Status == "" {
		i.Status = MailboxActive
	}
	if i.Timezone == "" {
		i.Timezone = "UTC"
	}
	if i.Config == "" {
		i.Config = "{}"
	}
	i.CreatedAt, i.UpdatedAt = s.now(), s.now()
	if i.RampStartedAt.IsZero() {
		i.RampStartedAt = i.CreatedAt
	}
	_, err := s.exec(ctx, `INSERT INTO inbox_connections (id, workspace_id, provider, email, display_name, status,
		status_reason, daily_cap, ramp_start, ramp_increment, min_gap_seconds, signature, timezone, config,
		ramp_started_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		i.ID, s.ws, i.Provider, i.Email, i.DisplayName, i.Status, i.StatusReason, i.DailyCap, i.RampStart,
		i.RampIncrement, i.MinGapSeconds, i.Signature, i.Timezone, i.Config, i.RampStartedAt, i.CreatedAt, i.UpdatedAt)
	return s.d.translate(err)
}

// Inbox returns one mailbox of the workspace.
func (s Scope) Mailbox(ctx context.Context, id string) (Mailbox, error) {
	return scanMailbox(s.queryRow(ctx, `SELECT `+mailboxColumns+` FROM inbox_connections WHERE id = ? AND workspace_id = ?`,
		id, s.ws))
}

// MailboxForUpdate is Inbox with the row locked until the transaction ends
// (Postgres): a tick that wants the mailbox waits, so a delete sees every
// job the tick claimed.
func (s Scope) MailboxForUpdate(ctx context.Context, id string) (Mailbox, error) {
	return scanMailbox(s.queryRow(ctx, `SELECT `+mailboxColumns+` FROM inbox_connections WHERE id = ? AND workspace_id = ?`+
		s.d.lockRows(), id, s.ws))
}

// Inboxes lists the workspace's mailboxes, oldest first.
func (s Scope) Mailboxes(ctx context.Context) ([]Mailbox, error) {
	return s.mailboxes(ctx, `SELECT `+mailboxColumns+` FROM inbox_connections WHERE workspace_id = ? ORDER BY id`, s.ws)
}

// MailboxesByID returns the workspace's mailboxes among ids, in id order.
func (s Scope) MailboxesByID(ctx context.Context, ids []string) ([]Mailbox, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{s.ws}
	args = append(args, anys(ids)...)
	return s.mailboxes(ctx, `SELECT `+mailboxColumns+` FROM inbox_connections WHERE workspace_id = ? AND id IN (`+
		marks(len(ids))+`) ORDER BY id`, args...)
}

func (q Queries) mailboxes(ctx context.Context, query string, args ...any) ([]Mailbox, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Mailbox{}
	for rows.Next() {
		i, err := scanMailbox(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, i)
	}
	return list, rows.Err()
}

// UpdateMailboxSettings writes the user-editable fields of a mailbox.
func (s Scope) UpdateMailboxSettings(ctx context.Context, i *Mailbox) error {
	i.UpdatedAt = s.now()
	return s.execOne(ctx, `UPDATE inbox_connections SET display_name = ?, daily_cap = ?, ramp_start = ?,
		ramp_increment = ?, min_gap_seconds = ?, signature = ?, timezone = ?, status = ?, status_reason = ?,
		updated_at = ? WHERE id = ? AND workspace_id = ?`,
		i.DisplayName, i.DailyCap, i.RampStart, i.RampIncrement, i.MinGapSeconds, i.Signature, i.Timezone,
		i.Status, i.StatusReason, i.UpdatedAt, i.ID, s.ws)
}

// SetMailboxStatus changes a mailbox's status with a reason ("invalid_grant:
// Token has been revoked."), as the engine does on an authentication error.
func (s Scope) SetMailboxStatus(ctx context.Context, id, status, reason string) error {
	return s.execOne(ctx, `UPDATE inbox_connections SET status = ?, status_reason = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ?`, status, reason, s.now(), id, s.ws)
}

// DeleteMailbox removes a mailbox. Its campaign links and sandbox messages go
// with it; campaign leads, jobs and messages keep their rows (the caller
// re-assigns pending work first).
func (s Scope) DeleteMailbox(ctx context.Context, id string) error {
	return s.execOne(ctx, `DELETE FROM inbox_connections WHERE id = ? AND workspace_id = ?`, id, s.ws)
}

// MailboxLoad is how many active campaign leads each mailbox carries across
// all campaigns: AssignMailbox balances new leads by it.
func (s Scope) MailboxLoad(ctx context.Context, mailboxIDs []string) (map[string]int, error) {
	load := make(map[string]int, len(mailboxIDs))
	if len(mailboxIDs) == 0 {
		return load, nil
	}
	args := []any{s.ws}
	args = append(args, anys(mailboxIDs)...)
	rows, err := s.query(ctx, `SELECT inbox_id, COUNT(*) FROM campaign_leads WHERE workspace_id = ? AND status = 'active'
		AND inbox_id IN (`+marks(len(mailboxIDs))+`) GROUP BY inbox_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		load[id] = n
	}
	return load, rows.Err()
}

// MailboxBusy reports whether a mailbox has a job between claim and record: a
// delete waits until it has none, so no send loses its mailbox mid-flight.
func (s Scope) MailboxBusy(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM send_jobs WHERE inbox_id = ? AND workspace_id = ?
		AND status IN ('claimed', 'sending')`, id, s.ws).Scan(&n)
	return n > 0, err
}
