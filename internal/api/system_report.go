package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// systemReport is GET /api/system: the System page as JSON.
func (a *API) systemReport(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if a.Ops == nil {
		return problem.New(problem.Unavailable, "system_report_unavailable", "The system report is not available in this build.")
	}
	rep, err := a.Ops.Report(r.Context(), p.WorkspaceID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// cronUpkeep is POST /api/cron/{task} for the hourly upkeep tasks, for
// deployments whose built-in scheduler is off (LEADBITZ_SCHEDULER=off).
func (a *API) cronUpkeep(task string) func(http.ResponseWriter, *http.Request, account.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
		if err := a.checkCron(r); err != nil {
			return err
		}
		if a.Cron == nil {
			writeJSON(w, http.StatusOK, map[string]string{"task": task, "note": noEngineYet})
			return nil
		}
		if err := a.Cron.Upkeep(r.Context(), task); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]string{"task": task, "status": "done"})
		return nil
	}
}
