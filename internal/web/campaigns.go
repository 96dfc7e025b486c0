package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/store"
)

const campaignsPageSize = 25

var campaignStatuses = []option{
	{"", "All campaigns"},
	{store.CampaignDraft, "Drafts"},
	{store.CampaignActive, "Active"},
	{store.CampaignPaused, "Paused"},
	{store.CampaignCompleted, "Completed"},
}

// campaignRow is a campaign as the list shows it.
type campaignRow struct {
	campaign.View
	Schedule  string   // "Mon–Fri, 09:00–17:00 Europe/Paris"
	Mailboxes []string // their addresses
}

type campaignsData struct {
	Campaigns    []campaignRow
	Status       string
	Statuses     []option
	Newest, Next string
	First        bool
	HasMailbox   bool // the empty state names the step that comes first
}

// campaigns lists the workspace's campaigns, newest first, with a status
// filter in the query string.
func (w *Web) campaigns(rw http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	q := r.URL.Query()
	data := campaignsData{Status: q.Get("status"), Statuses: campaignStatuses, First: q.Get("cursor") == ""}
	if !validOption(campaignStatuses, data.Status) {
		data.Status = ""
	}
	list, err := w.Campaigns.List(ctx, v.P.WorkspaceID, data.Status, q.Get("cursor"), campaignsPageSize)
	if err != nil {
		return err
	}
	filters := url.Values{}
	if data.Status != "" {
		filters.Set("status", data.Status)
	}
	data.Newest = pageURL("/campaigns", filters, "")
	if len(list) > campaignsPageSize {
		list = list[:campaignsPageSize]
		data.Next = pageURL("/campaigns", filters, list[campaignsPageSize-1].ID)
	}
	mailboxes, err := mailboxEmails(ctx, scope)
	if err != nil {
		return err
	}
	data.HasMailbox = len(mailboxes) > 0
	for _, c := range list {
		data.Campaigns = append(data.Campaigns, newCampaignRow(c, mailboxes))
	}
	v.Title, v.Nav, v.Data = "Campaigns", "campaigns", data
	return v.render(rw, http.StatusOK)
}

func newCampaignRow(c campaign.View, mailboxes map[string]string) campaignRow {
	row := campaignRow{View: c, Schedule: describeSchedule(c)}
	for _, id := range c.MailboxIDs {
		row.Mailboxes = append(row.Mailboxes, mailboxes[id])
	}
	sort.Strings(row.Mailboxes)
	return row
}

// Percent is n as a whole percentage of base, "—" when base is 0.
func percent(n, base int) string {
	if base <= 0 {
		return "—"
	}
	return strconv.Itoa(int(math.Round(float64(n)*100/float64(base)))) + "%"
}

// mailboxEmails maps the workspace's mailbox ids to their addresses.
func mailboxEmails(ctx context.Context, scope store.Scope) (map[string]string, error) {
	list, err := scope.Mailboxes(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(list))
	for _, in := range list {
		m[in.ID] = in.Email
	}
	return m, nil
}

var isoDayNames = [8]string{"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// describeSchedule writes a campaign's sending window in words:
// "Mon–Fri, 09:00–17:00 Europe/Paris".
func describeSchedule(c campaign.View) string {
	days := describeDays(c.SendDays)
	if days == "" {
		return "No sending days"
	}
	s := days + ", " + c.SendStart + "–" + c.SendEnd + " " + c.Timezone
	if c.UseLeadTimezone {
		s += " (or the lead's zone)"
	}
	return s
}

// describeDays writes ISO weekdays as ranges: [1 2 3 4 5] → "Mon–Fri",
// [1 3 5] → "Mon, Wed, Fri", all seven → "Every day".
func describeDays(days []int) string {
	var on [8]bool
	for _, d := range days {
		if d >= 1 && d <= 7 {
			on[d] = true
		}
	}
	var parts []string
	for d := 1; d <= 7; d++ {
		if !on[d] {
			continue
		}
		end := d
		for end < 7 && on[end+1] {
			end++
		}
		switch {
		case d == 1 && end == 7:
			return "Every day"
		case end-d >= 2:
			parts = append(parts, isoDayNames[d]+"–"+isoDayNames[end])
		case end == d+1:
			parts = append(parts, isoDayNames[d], isoDayNames[end])
		default:
			parts = append(parts, isoDayNames[d])
		}
		d = end
	}
	return strings.Join(parts, ", ")
}
