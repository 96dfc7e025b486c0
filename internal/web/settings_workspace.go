package web

import (
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// Limits of the workspace settings form.
const (
	maxWorkspaceName  = 200
	maxFooterAddress  = 300
	maxFooterText     = 1000
	settingsForbidden = "Only owners and admins can change workspace settings."
)

func (w *Web) workspaceSettings(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav, v.Tab = "Settings", "settings", "workspace"
	v.Form = emptyForm(map[string]string{"name": v.Workspace.Name,
		"footerAddress": v.Workspace.FooterAddress, "footerText": v.Workspace.FooterText})
	return v.render(rw, http.StatusOK)
}

func (w *Web) saveWorkspaceSettings(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav, v.Tab = "Settings", "settings", "workspace"
	v.Form = newForm(r)
	in := store.Workspace{ID: v.P.WorkspaceID, Name: v.Form.Get("name"),
		FooterAddress: cleanMultiline(v.Form.Values["footerAddress"]), FooterText: cleanMultiline(v.Form.Values["footerText"])}
	if err := w.updateWorkspace(r.Context(), v.P, in, meta(r)); err != nil {
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/settings", "Workspace settings saved.")
}

// updateWorkspace validates and saves a workspace's name and CAN-SPAM
// footer, with its audit event in the same transaction. The JSON API has no
// route for this yet; when it gets one, this belongs in internal/account
// beside CreateWorkspace and both surfaces call it.
func (w *Web) updateWorkspace(ctx context.Context, p account.Principal, ws store.Workspace, m account.Meta) error {
	if !p.CanManage() {
		return problem.New(problem.Forbidden, "forbidden", settingsForbidden)
	}
	var fields problem.Fields = map[string]string{}
	if n := utf8.RuneCountInString(ws.Name); n == 0 || n > maxWorkspaceName {
		fields.Add("name", "must be between 1 and %d characters", maxWorkspaceName)
	}
	if utf8.RuneCountInString(ws.FooterAddress) > maxFooterAddress {
		fields.Add("footerAddress", "must be at most %d characters", maxFooterAddress)
	}
	if utf8.RuneCountInString(ws.FooterText) > maxFooterText {
		fields.Add("footerText", "must be at most %d characters", maxFooterText)
	}
	if err := fields.Err(); err != nil {
		return err
	}
	return w.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InWorkspace(ws.ID).UpdateWorkspace(ctx, ws); err != nil {
			return err
		}
		return tx.InsertAudit(ctx, store.AuditEvent{WorkspaceID: ws.ID, ActorUserID: p.User.ID, Action: "workspace.updated",
			TargetType: "workspace", TargetID: ws.ID, IP: m.IP, RequestID: m.RequestID})
	})
}

// cleanMultiline trims a textarea's value and normalises its line endings.
func cleanMultiline(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "\n")
}
