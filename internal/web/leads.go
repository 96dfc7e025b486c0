package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/leadbitz/leadbitz/internal/store"
)

// leadsPageSize is how many leads one page of the list shows.
const leadsPageSize = 50

// leadStatuses are the statuses the list filters by, in the filter's order.
var leadStatuses = []option{
	{"", "All statuses"},
	{store.LeadActive, "Active"},
	{store.LeadBounced, "Bounced"},
	{store.LeadUnsubscribed, "Unsubscribed"},
}

// leadVerifications are the address verdicts the list filters by.
var leadVerifications = []option{
	{"", "Any address check"},
	{store.VerifyDeliverable, "Deliverable"},
	{store.VerifyRisky, "Risky"},
	{store.VerifyUndeliverable, "Undeliverable"},
	{store.VerifyUnknown, "Unknown"},
	{store.VerifyUnchecked, "Not checked"},
}

type leadsData struct {
	Leads         []store.Lead
	Search        string
	Status        string
	Statuses      []option
	Verification  string
	Verifications []option
	Newest        string // URL of the first page with the same filters
	Next          string // URL of the next (older) page, "" on the last
	First         bool
	Filtered      bool              // a search or filter is on, so "no leads" means "none match"
	Campaign      *store.Campaign   // set when listing one campaign's leads
	Source        *store.LeadSource // set when listing the leads one import created
}

// leads lists the workspace's leads, newest first, with search and a status
// filter in the query string so a filtered list can be linked.
func (w *Web) leads(rw http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	data := leadsData{Search: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Statuses: leadStatuses, First: q.Get("cursor") == ""}
	if !validOption(leadStatuses, data.Status) {
		data.Status = ""
	}
	data.Verification, data.Verifications = q.Get("verification"), leadVerifications
	if !validOption(leadVerifications, data.Verification) {
		data.Verification = ""
	}
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	if id := q.Get("campaign"); id != "" {
		c, err := scope.Campaign(r.Context(), id)
		if err != nil {
			return err
		}
		data.Campaign = &c
	}
	if id := q.Get("source"); id != "" {
		src, err := scope.LeadSource(r.Context(), id)
		if err != nil {
			return err
		}
		data.Source = &src
	}
	data.Filtered = data.Search != "" || data.Status != "" || data.Verification != "" || data.Campaign != nil || data.Source != nil
	query := store.LeadQuery{Search: data.Search, Status: data.Status, Verification: data.Verification,
		Cursor: q.Get("cursor"), Limit: leadsPageSize}
	if data.Campaign != nil {
		query.CampaignID = data.Campaign.ID
	}
	if data.Source != nil {
		query.SourceID = data.Source.ID
	}
	list, err := scope.Leads(r.Context(), query)
	if err != nil {
		return err
	}
	filters := url.Values{}
	if data.Campaign != nil {
		filters.Set("campaign", data.Campaign.ID)
	}
	if data.Source != nil {
		filters.Set("source", data.Source.ID)
	}
	if data.Search != "" {
		filters.Set("q", data.Search)
	}
	if data.Status != "" {
		filters.Set("status", data.Status)
	}
	if data.Verification != "" {
		filters.Set("verification", data.Verification)
	}
	data.Newest = pageURL("/leads", filters, "")
	if len(list) > leadsPageSize {
		list = list[:leadsPageSize]
		data.Next = pageURL("/leads", filters, list[leadsPageSize-1].ID)
	}
	data.Leads = list
	v.Title, v.Nav, v.Tab, v.Data = "Leads", "leads", "leads", data
	return v.render(rw, http.StatusOK)
}

// pageURL is a list's URL with its filters and, past the first page, the
// cursor.
func pageURL(path string, filters url.Values, cursor string) string {
	q := url.Values{}
	for k, v := range filters {
		q[k] = v
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func validOption(opts []option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}
