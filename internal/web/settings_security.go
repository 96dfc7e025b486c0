package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/store"
)

// securityData is one page of the user's own security log.
type securityData struct {
	Events []store.SecurityEvent
	Next   string // cursor of the next (older) page, "" on the last page
	First  bool   // showing the newest events
}

// securityLog shows the user's own security log (logins, failed logins,
// logouts), newest first, a page at a time like the audit log. It is the
// person's, not the workspace's: every member sees only their own.
func (w *Web) securityLog(rw http.ResponseWriter, r *http.Request, v *view) error {
	cursor := r.URL.Query().Get("cursor")
	events, err := w.Accounts.SecurityEvents(r.Context(), v.P, cursor, auditPageSize)
	if err != nil {
		return err
	}
	data := securityData{Events: events, First: cursor == ""}
	if len(events) > auditPageSize {
		data.Events = events[:auditPageSize]
		data.Next = events[auditPageSize-1].ID
	}
	v.Title, v.Nav, v.Tab, v.Data = "Your security log", "settings", "security", data
	return v.render(rw, http.StatusOK)
}

// securityKinds are the security events in plain words.
var securityKinds = map[string]string{
	store.SecuritySignup:         "Signed up",
	store.SecurityLogin:          "Logged in",
	store.SecurityLoginFailed:    "Failed login (wrong password)",
	store.SecurityLogout:         "Logged out",
	store.SecurityPasswordRehash: "Password storage upgraded",
}

func describeSecurityKind(kind string) string {
	if t, ok := securityKinds[kind]; ok {
		return t
	}
	return kind
}
