package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/leadbitz/leadbitz/internal/store"
)

const suppressionsPageSize = 50

var suppressionKinds = []option{
	{"", "Addresses and domains"},
	{store.SuppressEmail, "Addresses"},
	{store.SuppressDomain, "Domains"},
}

type suppressionsData struct {
	Entries  []store.Suppression
	Search   string
	Kind     string
	Kinds    []option
	Newest   string // URL of the first page with the same filters
	Next     string
	First    bool
	Filtered bool
}

// suppressions lists the addresses and domains the workspace never emails:
// unsubscribes, bounces, complaints, manual blocks and erased people.
func (w *Web) suppressions(rw http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	data := suppressionsData{Search: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Kinds: suppressionKinds, First: q.Get("cursor") == ""}
	if !validOption(suppressionKinds, data.Kind) {
		data.Kind = ""
	}
	data.Filtered = data.Search != "" || data.Kind != ""
	list, err := w.Store.InWorkspace(v.P.WorkspaceID).Suppressions(r.Context(), store.SuppressionQuery{
		Search: data.Search, Kind: data.Kind, Cursor: q.Get("cursor"), Limit: suppressionsPageSize})
	if err != nil {
		return err
	}
	filters := url.Values{}
	if data.Search != "" {
		filters.Set("q", data.Search)
	}
	if data.Kind != "" {
		filters.Set("kind", data.Kind)
	}
	data.Newest = pageURL("/leads/suppressions", filters, "")
	if len(list) > suppressionsPageSize {
		list = list[:suppressionsPageSize]
		data.Next = pageURL("/leads/suppressions", filters, list[suppressionsPageSize-1].ID)
	}
	data.Entries = list
	v.Title, v.Nav, v.Tab, v.Data = "Suppressions", "leads", "suppressions", data
	return v.render(rw, http.StatusOK)
}
