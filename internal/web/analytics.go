package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/leadbitz/leadbitz/internal/analytics"
)

// Analytics pages: a campaign's Analytics tab, the workspace's last 30
// days, and a mailbox's health. Each chart is the server-drawn SVG of
// chart.go with its numbers as a table; every table downloads as CSV.

// rateText shows a rate with its 95 % interval: "12.5 % (8.1–18.7 %)".
func rateText(r analytics.Rate) string {
	return pct(r.Value) + " (" + pct1(r.Low) + "–" + pct(r.High) + ")"
}

func pct(f float64) string  { return strconv.FormatFloat(100*f, 'f', 1, 64) + " %" }
func pct1(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) }

// rowView is one line of a counts table, formatted.
type rowView struct {
	Label        string
	Sent         int
	Delivered    int
	Replied      int
	Positive     int
	Bounced      int
	Unsubscribed int
	Complained   int
	ReplyRate    string
	PositiveRate string
	Winner       bool
}

func countsRow(label string, c analytics.Counts) rowView {
	return rowView{Label: label, Sent: c.Sent, Delivered: c.Delivered, Replied: c.Replied, Positive: c.Positive,
		Bounced: c.Bounced, Unsubscribed: c.Unsubscribed, Complained: c.Complained, ReplyRate: rateText(c.ReplyRate), PositiveRate: rateText(c.PositiveRate)}
}

// stepView is a step's variants and the winner call in words.
type stepView struct {
	Label    string // "Step 2", "Route 1 (Later) step 1"
	Rows     []rowView
	Call     string
	CallKind string // winner, early, none
}

func winnerText(w *analytics.Winner) (string, string) {
	switch {
	case w == nil:
		return "One variant: nothing to compare.", "none"
	case w.Variant != "":
		return fmt.Sprintf("Variant %s wins on positive rate (%s, p = %.4f).", w.Variant, w.Test, *w.PValue), "winner"
	case w.SendsNeeded != nil:
		return fmt.Sprintf("Too early: about %s more sends needed (%s).", formatInt(*w.SendsNeeded), w.Reason), "early"
	}
	return "Too early: " + w.Reason + ".", "early"
}

type campaignAnalyticsData struct {
	ID, Name, Status string
	Report           analytics.CampaignReport
	Totals           rowView
	Steps            []stepView
	Chart            chart
	Query            string // ?from=&to= for the CSV links
}

func dailyChart(title string, days []analytics.Day) chart {
	spec := chartSpec{Title: title, Series: []chartSeries{{"bar-sent", "sent"}, {"bar-replied", "replies"},
		{"bar-positive", "positive replies"}, {"bar-bounced", "bounces"}}, Values: [][]int{{}, {}, {}, {}},
		LabelEvery: max(1, len(days)/6)}
	for _, d := range days {
		spec.Labels = append(spec.Labels, dayLabel(d.Date))
		spec.Values[0] = append(spec.Values[0], d.Sent)
		spec.Values[1] = append(spec.Values[1], d.Replied)
		spec.Values[2] = append(spec.Values[2], d.Positive)
		spec.Values[3] = append(spec.Values[3], d.Bounced)
	}
	return newChart(spec)
}

func dayLabel(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.Format("2 Jan")
}

func windowQuery(r *http.Request) (analytics.Query, string) {
	q := analytics.Query{From: r.URL.Query().Get("from"), To: r.URL.Query().Get("to")}
	v := url.Values{}
	if q.From != "" {
		v.Set("from", q.From)
	}
	if q.To != "" {
		v.Set("to", q.To)
	}
	if len(v) == 0 {
		return q, ""
	}
	return q, "?" + v.Encode()
}

func (w *Web) campaignAnalyticsData(r *http.Request, v *view) (campaignAnalyticsData, error) {
	q, qs := windowQuery(r)
	rep, err := w.analytics().Campaign(r.Context(), v.P.WorkspaceID, r.PathValue("id"), q)
	if err != nil {
		return campaignAnalyticsData{}, err
	}
	c, err := w.Store.InWorkspace(v.P.WorkspaceID).Campaign(r.Context(), rep.CampaignID)
	if err != nil {
		return campaignAnalyticsData{}, err
	}
	d := campaignAnalyticsData{ID: rep.CampaignID, Name: rep.Name, Status: c.Status, Report: rep, Query: qs,
		Totals: countsRow("All steps", rep.Totals),
		Chart:  dailyChart("Sent, replies, positive replies and bounces per day, "+rep.From+" to "+rep.To+", "+rep.Timezone, rep.Daily)}
	for _, st := range rep.Steps {
		sv := stepView{Label: capitalize(st.Label)}
		sv.Call, sv.CallKind = winnerText(st.Winner)
		for _, vr := range st.Variants {
			row := countsRow(sv.Label+" · variant "+vr.Variant, vr.Counts)
			row.Winner = st.Winner != nil && st.Winner.Variant == vr.Variant
			sv.Rows = append(sv.Rows, row)
		}
		d.Steps = append(d.Steps, sv)
	}
	return d, nil
}

func (w *Web) campaignAnalytics(rw http.ResponseWriter, r *http.Request, v *view) error {
	d, err := w.campaignAnalyticsData(r, v)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = d.Name+" · Analytics", "campaigns", d
	return v.render(rw, http.StatusOK)
}

// campaignAnalyticsCSV downloads ?table=variants (the step × variant
// table) or ?table=daily.
func (w *Web) campaignAnalyticsCSV(rw http.ResponseWriter, r *http.Request, v *view) error {
	q, _ := windowQuery(r)
	rep, err := w.analytics().Campaign(r.Context(), v.P.WorkspaceID, r.PathValue("id"), q)
	if err != nil {
		return err
	}
	var rows [][]string
	table := r.URL.Query().Get("table")
	switch table {
	case "daily":
		rows = dailyCSV(rep.Daily)
	default:
		table = "variants"
		// The label is last, after the columns older exports had.
		rows = [][]string{append(append([]string{"step", "variant"}, countsHeader...), "label")}
		for _, st := range rep.Steps {
			for _, vr := range st.Variants {
				rows = append(rows, append(append([]string{strconv.Itoa(st.Step), vr.Variant}, countsCSV(vr.Counts)...), st.Label))
			}
		}
		rows = append(rows, append(append([]string{"all", ""}, countsCSV(rep.Totals)...), "all steps"))
	}
	return writeCSV(rw, "campaign-"+rep.CampaignID+"-"+table+".csv", rows)
}

var countsHeader = []string{"sent", "delivered", "replied", "positive", "bounced", "unsubscribed", "complained",
	"reply_rate", "reply_rate_low", "reply_rate_high", "positive_rate", "positive_rate_low", "positive_rate_high"}

func countsCSV(c analytics.Counts) []string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', 4, 64) }
	return []string{strconv.Itoa(c.Sent), strconv.Itoa(c.Delivered), strconv.Itoa(c.Replied), strconv.Itoa(c.Positive),
		strconv.Itoa(c.Bounced), strconv.Itoa(c.Unsubscribed), strconv.Itoa(c.Complained), f(c.ReplyRate.Value), f(c.ReplyRate.Low), f(c.ReplyRate.High),
		f(c.PositiveRate.Value), f(c.PositiveRate.Low), f(c.PositiveRate.High)}
}

func dailyCSV(days []analytics.Day) [][]string {
	rows := [][]string{{"date", "sent", "replied", "positive", "bounced", "unsubscribed", "complained"}}
	for _, d := range days {
		rows = append(rows, []string{d.Date, strconv.Itoa(d.Sent), strconv.Itoa(d.Replied), strconv.Itoa(d.Positive),
			strconv.Itoa(d.Bounced), strconv.Itoa(d.Unsubscribed), strconv.Itoa(d.Complained)})
	}
	return rows
}

// writeCSV sends rows as a download. Cells are numbers, dates and the
// names the user typed; a name starting with a formula character is
// prefixed with ' so a spreadsheet shows it as text.
func writeCSV(rw http.ResponseWriter, name string, rows [][]string) error {
	rw.Header().Set("Content-Type", "text/csv; charset=utf-8")
	rw.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	rw.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(rw)
	for _, row := range rows {
		for i, cell := range row {
			if cell != "" && (cell[0] == '=' || cell[0] == '+' || cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r' ||
				cell[0] == '-' && len(cell) > 1 && (cell[1] < '0' || cell[1] > '9')) {
				row[i] = "'" + cell
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

type dashboardAnalyticsData struct {
	Report    analytics.WorkspaceReport
	Totals    rowView
	Campaigns []campaignLine
	Domains   []domainLine
	Chart     chart
}

type campaignLine struct {
	ID, Status string
	Row        rowView
}

type domainLine struct {
	Domain, Band, Rule string
	Mailboxes          int
	Sent, Bounced      int
	Unsubscribed       int
	Complained         int
	Replied            int
	BounceRate         string
}

func (w *Web) workspaceAnalyticsData(r *http.Request, v *view) (dashboardAnalyticsData, error) {
	q, _ := windowQuery(r)
	rep, err := w.analytics().Workspace(r.Context(), v.P.WorkspaceID, q)
	if err != nil {
		return dashboardAnalyticsData{}, err
	}
	dom, err := w.analytics().Domains(r.Context(), v.P.WorkspaceID, q)
	if err != nil {
		return dashboardAnalyticsData{}, err
	}
	d := dashboardAnalyticsData{Report: rep, Totals: countsRow("All campaigns", rep.Totals),
		Chart: dailyChart("Sent, replies, positive replies and bounces per day across the workspace, "+rep.From+" to "+rep.To+", UTC", rep.Daily)}
	for _, c := range rep.Campaigns {
		d.Campaigns = append(d.Campaigns, campaignLine{ID: c.CampaignID, Status: c.Status, Row: countsRow(c.Name, c.Counts)})
	}
	for _, x := range dom.Domains {
		d.Domains = append(d.Domains, domainLine{Domain: x.Domain, Band: x.Health.Band, Rule: x.Health.Rule,
			Mailboxes: len(x.Mailboxes), Sent: x.Last7.Sent, Bounced: x.Last7.Bounced, Unsubscribed: x.Last7.Unsubscribed,
			Complained: x.Last7.Complained, Replied: x.Last7.Replied, BounceRate: pct(x.Last7.BounceRate)})
	}
	return d, nil
}

func (w *Web) analyticsPage(rw http.ResponseWriter, r *http.Request, v *view) error {
	d, err := w.workspaceAnalyticsData(r, v)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "Analytics", "dashboard", d
	return v.render(rw, http.StatusOK)
}

// analyticsCSV downloads ?table=campaigns, daily or domains.
func (w *Web) analyticsCSV(rw http.ResponseWriter, r *http.Request, v *view) error {
	d, err := w.workspaceAnalyticsData(r, v)
	if err != nil {
		return err
	}
	var rows [][]string
	table := r.URL.Query().Get("table")
	switch table {
	case "daily":
		rows = dailyCSV(d.Report.Daily)
	case "domains":
		rows = [][]string{{"domain", "mailboxes", "band", "rule", "sent_7d", "replied_7d", "bounced_7d", "unsubscribed_7d", "complained_7d"}}
		for _, x := range d.Domains {
			rows = append(rows, []string{x.Domain, strconv.Itoa(x.Mailboxes), x.Band, x.Rule, strconv.Itoa(x.Sent),
				strconv.Itoa(x.Replied), strconv.Itoa(x.Bounced), strconv.Itoa(x.Unsubscribed), strconv.Itoa(x.Complained)})
		}
	default:
		table = "campaigns"
		rows = [][]string{append([]string{"campaign_id", "name", "status"}, countsHeader...)}
		for _, c := range d.Report.Campaigns {
			rows = append(rows, append([]string{c.CampaignID, c.Name, c.Status}, countsCSV(c.Counts)...))
		}
		rows = append(rows, append([]string{"", "all campaigns", ""}, countsCSV(d.Report.Totals)...))
	}
	return writeCSV(rw, "analytics-"+table+".csv", rows)
}

type mailboxHealthData struct {
	Health     analytics.MailboxHealth
	GuardLimit string
	Chart      chart
	Days       []healthDayView
}

type healthDayView struct {
	analytics.HealthDay
	BounceRateText, UnsubscribeRateText, ComplaintRateText string
}

func (w *Web) mailboxHealthData(r *http.Request, v *view) (mailboxHealthData, error) {
	q, _ := windowQuery(r)
	h, err := w.analytics().Mailbox(r.Context(), v.P.WorkspaceID, r.PathValue("id"), q)
	if err != nil {
		return mailboxHealthData{}, err
	}
	spec := chartSpec{Title: "Sent, replies, bounces and unsubscribes per day of " + h.Email + ", " + h.From + " to " + h.To + ", " + h.Timezone,
		Series: []chartSeries{{"bar-sent", "sent"}, {"bar-replied", "replies"}, {"bar-bounced", "bounces"},
			{"bar-unsubscribed", "unsubscribes"}}, Values: [][]int{{}, {}, {}, {}}, LabelEvery: max(1, len(h.Daily)/6)}
	d := mailboxHealthData{Health: h, GuardLimit: pct(h.Guard.Threshold)}
	for _, day := range h.Daily {
		spec.Labels = append(spec.Labels, dayLabel(day.Date))
		spec.Values[0] = append(spec.Values[0], day.Sent)
		spec.Values[1] = append(spec.Values[1], day.Replied)
		spec.Values[2] = append(spec.Values[2], day.Bounced)
		spec.Values[3] = append(spec.Values[3], day.Unsubscribed)
		d.Days = append(d.Days, healthDayView{HealthDay: day, BounceRateText: pct(day.BounceRate),
			UnsubscribeRateText: pct(day.UnsubscribeRate), ComplaintRateText: pct(day.ComplaintRate)})
	}
	d.Chart = newChart(spec)
	return d, nil
}

func (w *Web) mailboxHealth(rw http.ResponseWriter, r *http.Request, v *view) error {
	d, err := w.mailboxHealthData(r, v)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = d.Health.Email+" · Health", "mailboxes", d
	return v.render(rw, http.StatusOK)
}

// mailboxHealthCSV downloads the daily table (?table=daily) or the bounce
// guard's history (?table=guard).
func (w *Web) mailboxHealthCSV(rw http.ResponseWriter, r *http.Request, v *view) error {
	d, err := w.mailboxHealthData(r, v)
	if err != nil {
		return err
	}
	table := r.URL.Query().Get("table")
	var rows [][]string
	if table == "guard" {
		rows = [][]string{{"at", "action", "by", "detail"}}
		for _, e := range d.Health.Guard.History {
			rows = append(rows, []string{e.At.UTC().Format(time.RFC3339), e.Action, e.By, e.Detail})
		}
	} else {
		table = "daily"
		rows = [][]string{{"date", "sent", "replied", "bounced", "unsubscribed", "bounce_rate", "unsubscribe_rate",
			"complained", "complaint_rate"}}
		for _, x := range d.Health.Daily {
			rows = append(rows, []string{x.Date, strconv.Itoa(x.Sent), strconv.Itoa(x.Replied), strconv.Itoa(x.Bounced),
				strconv.Itoa(x.Unsubscribed), strconv.FormatFloat(x.BounceRate, 'f', 4, 64),
				strconv.FormatFloat(x.UnsubscribeRate, 'f', 4, 64), strconv.Itoa(x.Complained),
				strconv.FormatFloat(x.ComplaintRate, 'f', 4, 64)})
		}
	}
	return writeCSV(rw, "mailbox-"+d.Health.MailboxID+"-"+table+".csv", rows)
}

// analytics is the analytics service (the web's own over the same store
// when the app did not give one).
func (w *Web) analytics() *analytics.Service {
	if w.Analytics != nil {
		return w.Analytics
	}
	return analytics.New(w.Store, w.Env)
}
