package api

import (
	"context"
	"net/http"
	"time"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// checkCron guards /api/cron/*: they do not exist until CRON_SECRET is set,
// and answer 401 to any other bearer.
func (a *API) checkCron(r *http.Request) error {
	if a.Config.CronSecret == "" {
		return problem.New(problem.NotFound, "not_found", "Cron endpoints are off: set CRON_SECRET to enable them.")
	}
	if !httpserver.BearerMatches(r, a.Config.CronSecret) {
		return problem.New(problem.Unauthorized, "invalid_cron_secret", "Send Authorization: Bearer $CRON_SECRET.")
	}
	return nil
}

const noEngineYet = "nothing to do: this build has no send engine or inbox sync yet"

func (a *API) cronTick(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	if err := a.checkCron(r); err != nil {
		return err
	}
	res := TickResult{Note: noEngineYet}
	if a.Cron != nil {
		var err error
		if res, err = a.Cron.Tick(r.Context()); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) cronSync(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	if err := a.checkCron(r); err != nil {
		return err
	}
	res := SyncResult{Note: noEngineYet}
	if a.Cron != nil {
		var err error
		if res, err = a.Cron.SyncMailboxes(r.Context()); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) healthz(w http.ResponseWriter, _ *http.Request, _ account.Principal) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (a *API) readyz(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.Store.Ping(ctx); err != nil {
		a.Env.Log().WarnContext(ctx, "readiness check failed", "err", err)
		return problem.New(problem.Unavailable, "database_unavailable", "The database does not answer.")
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": a.Store.Dialect().String()})
	return nil
}

func (a *API) metrics(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	if a.Metrics == nil {
		return problem.New(problem.NotFound, "not_found",
			"Metrics are not served here: set LEADBITZ_METRICS_TOKEN to serve them here to that bearer, or LEADBITZ_METRICS_ADDR to serve them on a private address.")
	}
	a.Metrics.ServeHTTP(w, r)
	return nil
}
