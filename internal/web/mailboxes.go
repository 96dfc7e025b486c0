package web

import (
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
)

// mailboxRow is a mailbox as the list shows it: its connection, today's
// sends against today's limit, and where it is in its ramp-up.
type mailboxRow struct {
	store.Inbox
	SentToday  int
	TodayLimit int
	RampDay    int // 0 when ramp-up is off
	RampDays   int
	Location   string // the zone caps reset in
}

// Broken reports whether the mailbox cannot send until someone acts.
func (m mailboxRow) Broken() bool { return mailboxBroken(m.Inbox) }

func mailboxBroken(i store.Inbox) bool {
	return i.Status == store.InboxDisconnected || i.Status == store.InboxError
}

type mailboxesData struct {
	Mailboxes []mailboxRow
}

// mailboxes lists the accounts campaigns send from, or the empty state that
// names the kinds Leadbitz connects.
func (w *Web) mailboxes(rw http.ResponseWriter, r *http.Request, v *view) error {
	list, err := w.Store.InWorkspace(v.P.WorkspaceID).Inboxes(r.Context())
	if err != nil {
		return err
	}
	now := time.Now()
	data := mailboxesData{}
	for _, in := range list {
		data.Mailboxes = append(data.Mailboxes, newMailboxRow(in, now))
	}
	v.Title, v.Nav, v.Data = "Mailboxes", "mailboxes", data
	return v.render(rw, http.StatusOK)
}

// newMailboxRow works out today's figures with the send engine's own rules,
// so the page shows the limit the engine enforces.
func newMailboxRow(in store.Inbox, now time.Time) mailboxRow {
	loc, err := time.LoadLocation(in.Timezone)
	if err != nil {
		loc = time.UTC
	}
	limits := rules.InboxLimits{DailyCap: in.DailyCap, RampStart: in.RampStart, RampIncrement: in.RampIncrement,
		MinGap: time.Duration(in.MinGapSeconds) * time.Second, Timezone: loc, ActiveSince: in.RampStartedAt}
	row := mailboxRow{Inbox: in, TodayLimit: rules.TodayLimit(limits, now), Location: loc.String()}
	if in.SentTodayDate == now.In(loc).Format(time.DateOnly) {
		row.SentToday = in.SentToday
	}
	row.RampDay, row.RampDays = rules.RampProgress(limits, now)
	return row
}
