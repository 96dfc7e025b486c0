package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/campaign"
)

// checkOption is one checkbox of a group (days, mailboxes).
type checkOption struct {
	Value   string
	Label   string
	Detail  string
	Checked bool
}

type newCampaignData struct {
	Days      []checkOption
	Mailboxes []checkOption
}

var weekdays = []option{{"1", "Mon"}, {"2", "Tue"}, {"3", "Wed"}, {"4", "Thu"}, {"5", "Fri"}, {"6", "Sat"}, {"7", "Sun"}}

// newCampaignForm starts a draft with the defaults the campaign service
// would pick (Mon–Fri 09:00–17:00, stop on reply), shown in the form.
func (w *Web) newCampaignForm(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(map[string]string{"timezone": "UTC", "sendStart": "09:00", "sendEnd": "17:00", "stopOnReply": "on"})
	if err := w.loadNewCampaign(v, []string{"1", "2", "3", "4", "5"}, nil); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadNewCampaign(v *view, days, mailboxIDs []string) error {
	list, err := w.Inboxes.List(v.r.Context(), v.P.WorkspaceID)
	if err != nil {
		return err
	}
	data := newCampaignData{}
	for _, d := range weekdays {
		data.Days = append(data.Days, checkOption{Value: d.Value, Label: d.Label, Checked: slices.Contains(days, d.Value)})
	}
	for _, in := range list {
		o := checkOption{Value: in.ID, Label: in.Email, Checked: slices.Contains(mailboxIDs, in.ID) || len(list) == 1}
		if mailboxBroken(in.Status) {
			o.Detail = "cannot send until reconnected"
		}
		data.Mailboxes = append(data.Mailboxes, o)
	}
	v.Title, v.Nav, v.Data = "New campaign", "campaigns", data
	return nil
}

// createCampaign creates a draft through the campaign service, which
// validates every field, and opens its page.
func (w *Web) createCampaign(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	f := v.Form
	days := r.PostForm["sendDays"]
	mailboxIDs := r.PostForm["inboxIds"]
	in := campaign.Input{Name: ptr(f.Get("name")), Timezone: ptr(f.Get("timezone")),
		SendStart: ptr(f.Get("sendStart")), SendEnd: ptr(f.Get("sendEnd")), StopOnReply: ptr(f.Get("stopOnReply") == "on"),
		InboxIDs: &mailboxIDs}
	isoDays := []int{}
	for _, d := range days {
		if n, err := strconv.Atoi(d); err == nil {
			isoDays = append(isoDays, n)
		}
	}
	in.SendDays = &isoDays
	if s := f.Get("dailyLimit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			n = -1 // the service names the rule
		}
		in.DailyLimit = &n
	}
	c, err := w.Campaigns.Create(r.Context(), v.P, in, meta(r))
	if err != nil {
		if lerr := w.loadNewCampaign(v, days, mailboxIDs); lerr != nil {
			return lerr
		}
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/campaigns/"+c.ID, "Created the draft “"+c.Name+"”. Nothing is sent until you launch it.")
}

func ptr[T any](v T) *T { return &v }
