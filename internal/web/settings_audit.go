package web

import (
	"net/http"
	"strings"

	"github.com/leadbitz/leadbitz/internal/store"
)

// auditPageSize is how many events one page of the audit log shows.
const auditPageSize = 25

// auditRow is one line of the audit log, with the actor resolved to a name.
type auditRow struct {
	store.AuditEvent
	Actor actor
}

// actor is who did something: a name, and the email or key prefix that
// tells two of the same name apart.
type actor struct {
	Name   string
	Detail string
}

type auditData struct {
	Rows  []auditRow
	Next  string // cursor of the next (older) page, "" on the last page
	First bool   // showing the newest events
}

// auditLog shows the workspace's audit log, newest first, 25 a page; the
// cursor is in the URL so a page can be linked.
func (w *Web) auditLog(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	cursor := r.URL.Query().Get("cursor")
	events, err := scope.AuditEvents(ctx, cursor, auditPageSize)
	if err != nil {
		return err
	}
	data := auditData{First: cursor == ""}
	if len(events) > auditPageSize {
		events = events[:auditPageSize]
		data.Next = events[auditPageSize-1].ID
	}
	actors, err := w.actorNames(v, scope)
	if err != nil {
		return err
	}
	for _, e := range events {
		data.Rows = append(data.Rows, auditRow{AuditEvent: e, Actor: actorName(e, actors)})
	}
	v.Title, v.Nav, v.Tab, v.Data = "Audit log", "settings", "audit", data
	return v.render(rw, http.StatusOK)
}

// actorNames maps user ids and API key ids to what the log shows for them.
func (w *Web) actorNames(v *view, scope store.Scope) (map[string]actor, error) {
	names := map[string]actor{}
	members, err := scope.Members(v.r.Context())
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		names[m.UserID] = actor{Name: m.Email}
		if m.Name != "" {
			names[m.UserID] = actor{Name: m.Name, Detail: m.Email}
		}
	}
	keys, err := scope.APIKeys(v.r.Context())
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		names["key:"+k.ID] = actor{Name: "API key “" + k.Name + "”", Detail: k.TokenPrefix + "…"}
	}
	return names, nil
}

func actorName(e store.AuditEvent, names map[string]actor) actor {
	if e.ActorAPIKey != "" {
		if n, ok := names["key:"+e.ActorAPIKey]; ok {
			return n
		}
		return actor{Name: "A deleted API key"}
	}
	if e.ActorUserID == "" {
		return actor{Name: "Leadbitz"}
	}
	if n, ok := names[e.ActorUserID]; ok {
		return n
	}
	return actor{Name: "A former member"}
}

// actionTexts are the audit actions in plain words; others are shown from
// their name ("campaign.launched" → "Campaign launched").
var actionTexts = map[string]string{
	"user.signup":             "Signed up",
	"user.login":              "Logged in",
	"user.login_failed":       "Failed to log in (wrong password)",
	"workspace.created":       "Created the workspace",
	"workspace.updated":       "Changed the workspace settings",
	"workspace.member_added":  "Added a member",
	"workspace.member_joined": "Joined the workspace",
	"api_key.created":         "Created an API key",
	"api_key.revoked":         "Revoked an API key",
}

func describeAction(action string) string {
	if t, ok := actionTexts[action]; ok {
		return t
	}
	s := strings.NewReplacer(".", " ", "_", " ").Replace(action)
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
