package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/routing"
)

// The reply routes editor (issue 16): one tab per route beside the main
// sequence's editor, each a plain form. Saving sends the whole sequence,
// its steps as stored and the routes with this tab's changes, through the
// campaign service, whose field errors (routes[1].when…) land beside the
// inputs named the same way.

// routeStepSlots is how many steps the form offers for a route.
const routeStepSlots = 3

// routesPage is the editor's data.
type routesPage struct {
	Campaign   campaign.View
	Routes     []routing.Route
	Current    int // 0-based tab; len(Routes) is the new route's
	Key        string
	Categories []routeCategory
	Steps      []routeStepSlot
	MaxRoutes  int
}

type routeCategory struct {
	Name    string
	Checked bool
}

type routeStepSlot struct {
	Index, Number                               int
	DelayDays, DelayMinutes, Subject, Body, Key string
}

func (w *Web) campaignRoutes(rw http.ResponseWriter, r *http.Request, v *view) error {
	seq, c, err := w.loadRoutes(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	cur, _ := strconv.Atoi(r.URL.Query().Get("route"))
	cur = min(max(cur, 0), len(seq.Routes))
	v.Form = emptyForm(routeFormValues(cur, seq.Routes))
	v.Data = routesPageData(c, seq.Routes, cur, v.Form)
	return v.render(rw, http.StatusOK)
}

func (w *Web) saveCampaignRoutes(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	seq, c, err := w.loadRoutes(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	cur, _ := strconv.Atoi(v.Form.Get("route"))
	cur = min(max(cur, 0), len(seq.Routes))
	in := sequenceOfView(seq)
	msg, next := "", cur
	if v.Form.Get("action") == "delete" && cur < len(in.Routes) {
		msg = "Removed the route " + in.Routes[cur].Name + "."
		in.Routes = slices.Delete(in.Routes, cur, cur+1)
		next = 0
	} else {
		route := routeOfForm(v.Form, cur)
		if cur == len(in.Routes) {
			in.Routes = append(in.Routes, route)
		} else {
			in.Routes[cur] = route
		}
		msg = "Saved the route " + route.Name + "."
	}
	if _, err := w.Campaigns.PutSequence(r.Context(), v.P, c.ID, in, meta(r)); err != nil {
		routes := seq.Routes
		v.Data = routesPageData(c, routes, cur, v.Form)
		return v.formFailed(rw, err)
	}
	return v.redirect(rw, "/campaigns/"+c.ID+"/routes?route="+strconv.Itoa(next), msg)
}

func (w *Web) loadRoutes(v *view, id string) (campaign.SequenceView, campaign.View, error) {
	ctx := v.r.Context()
	c, err := w.Campaigns.Get(ctx, v.P.WorkspaceID, id)
	if err != nil {
		return campaign.SequenceView{}, c, err
	}
	seq, err := w.Campaigns.Sequence(ctx, v.P.WorkspaceID, id)
	v.Title, v.Nav = "Reply routes · "+c.Name, "campaigns"
	return seq, c, err
}

// sequenceOfView is a stored sequence as the service takes it back.
func sequenceOfView(seq campaign.SequenceView) campaign.SequenceInput {
	in := campaign.SequenceInput{Steps: []campaign.StepInput{}, Routes: []campaign.RouteInput{}}
	for _, st := range seq.Steps {
		s := campaign.StepInput{DelayDays: st.DelayDays, DelayMinutes: st.DelayMinutes, Subject: st.Subject, Body: st.Body,
			SkipIf: st.SkipIf}
		for _, vr := range st.Variants {
			s.Variants = append(s.Variants, campaign.VariantInput{Subject: vr.Subject, Body: vr.Body})
		}
		in.Steps = append(in.Steps, s)
	}
	for _, r := range seq.Routes {
		in.Routes = append(in.Routes, campaign.RouteInput{Name: r.Name, When: r.When, Steps: r.Steps})
	}
	return in
}

func routeKey(i int) string { return "routes[" + strconv.Itoa(i) + "]" }

// routeFormValues are a stored route's fields under the form's names.
func routeFormValues(i int, routes []routing.Route) map[string]string {
	vals := map[string]string{}
	if i >= len(routes) {
		return vals
	}
	r, k := routes[i], routeKey(i)
	vals[k+".name"] = r.Name
	vals[k+".when.keywords"] = strings.Join(r.When.Keywords, ", ")
	for _, c := range r.When.Categories {
		vals[k+".when.categories."+c] = "on"
	}
	for j, st := range r.Steps {
		sk := k + ".steps[" + strconv.Itoa(j) + "]"
		vals[sk+".delayDays"], vals[sk+".subject"], vals[sk+".body"] = strconv.Itoa(st.DelayDays), st.Subject, st.Body
		vals[sk+".delayMinutes"] = strconv.Itoa(st.DelayMinutes)
	}
	return vals
}

// routeOfForm reads the tab's route from the form. A step slot left
// without a body is not a step; a delay that is not a number is sent as
// -1, so the service names the rule.
func routeOfForm(f *form, i int) campaign.RouteInput {
	k := routeKey(i)
	r := campaign.RouteInput{Name: f.Get(k + ".name")}
	for _, c := range routeCategories() {
		if f.Get(k+".when.categories."+c) != "" {
			r.When.Categories = append(r.When.Categories, c)
		}
	}
	for _, kw := range strings.Split(f.Get(k+".when.keywords"), ",") {
		if kw = strings.TrimSpace(kw); kw != "" {
			r.When.Keywords = append(r.When.Keywords, kw)
		}
	}
	for j := range routeStepSlots {
		sk := k + ".steps[" + strconv.Itoa(j) + "]"
		if f.Get(sk+".body") == "" && f.Get(sk+".subject") == "" {
			continue
		}
		r.Steps = append(r.Steps, routing.Step{DelayDays: formNumber(f.Get(sk + ".delayDays")),
			DelayMinutes: formNumber(f.Get(sk + ".delayMinutes")), Subject: f.Values[sk+".subject"], Body: f.Values[sk+".body"]})
	}
	return r
}

// formNumber is a delay field's number: 0 when empty, -1 when it is not a
// number (the service then names the rule).
func formNumber(s string) int {
	if s = strings.TrimSpace(s); s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// routeCategories are the categories a route may name.
func routeCategories() []string {
	var out []string
	for _, c := range ai.Categories() {
		if !slices.Contains(routing.Blocking, c) {
			out = append(out, c)
		}
	}
	return out
}

func routesPageData(c campaign.View, routes []routing.Route, cur int, f *form) routesPage {
	k := routeKey(cur)
	p := routesPage{Campaign: c, Routes: routes, Current: cur, Key: k, MaxRoutes: routing.MaxRoutes}
	for _, name := range routeCategories() {
		p.Categories = append(p.Categories, routeCategory{Name: name, Checked: f.Get(k+".when.categories."+name) != ""})
	}
	for j := range routeStepSlots {
		sk := k + ".steps[" + strconv.Itoa(j) + "]"
		p.Steps = append(p.Steps, routeStepSlot{Index: j, Number: j + 1, Key: sk, DelayDays: f.Get(sk + ".delayDays"),
			DelayMinutes: f.Get(sk + ".delayMinutes"),
			Subject:      f.Values[sk+".subject"], Body: f.Values[sk+".body"]})
	}
	return p
}
