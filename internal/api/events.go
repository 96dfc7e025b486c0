package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// maxFeedLimit bounds one page of GET /api/events.
const maxFeedLimit = 500

// eventFeed is the page GET /api/events answers: envelopes in id order and
// the id to pass as ?after= for the next page ("" when the page was empty).
type eventFeed struct {
	Items []event.Envelope `json:"items"`
	Next  string           `json:"next"`
}

// listEvents is the event feed: the workspace's events after ?after= (an
// event id), of ?types= (comma-separated; none: all), at most ?limit=
// (default 100, at most 500), oldest first.
func (a *API) listEvents(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxFeedLimit {
			return problem.InvalidField("limit", "must be a whole number from 1 to 500")
		}
		limit = n
	}
	var types []string
	for _, t := range strings.Split(q.Get("types"), ",") {
		if t = strings.TrimSpace(t); t == "" {
			continue
		}
		if !event.Known(t) {
			return problem.InvalidField("types", "unknown event type "+strconv.Quote(t))
		}
		types = append(types, t)
	}
	after := q.Get("after")
	if len(after) > 64 {
		return problem.InvalidField("after", "must be an event id")
	}
	rows, err := a.Store.InWorkspace(p.WorkspaceID).EventsAfter(r.Context(), after, types, limit)
	if err != nil {
		return err
	}
	feed := eventFeed{Items: make([]event.Envelope, len(rows)), Next: after}
	for i, e := range rows {
		feed.Items[i] = event.Wrap(e, a.Config.BaseURL)
		feed.Next = e.ID
	}
	writeJSON(w, http.StatusOK, feed)
	return nil
}
