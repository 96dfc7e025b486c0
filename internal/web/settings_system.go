package web

import (
	"fmt"
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ops"
)

type systemData struct {
	Report    ops.Report
	Available bool
}

// systemPage is the System page (administrators of the instance): the build, the database, the
// background work and the workspace's failing mailboxes, as GET /api/system.
func (w *Web) systemPage(rw http.ResponseWriter, r *http.Request, v *view) error {
	if err := account.RequireInstanceAdmin(v.P); err != nil {
		return err
	}
	data := systemData{}
	if w.Ops != nil {
		rep, err := w.Ops.Report(r.Context(), v.P.WorkspaceID)
		if err != nil {
			return err
		}
		data = systemData{Report: rep, Available: true}
	}
	v.Title, v.Nav, v.Tab, v.Data = "System", "settings", "system", data
	return v.render(rw, http.StatusOK)
}

// formatBytes writes a size for people: 1.5 MB, 320 kB (powers of 1000).
func formatBytes(n int64) string {
	if n < 0 {
		return "unknown"
	}
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
