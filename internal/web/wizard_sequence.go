package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/assist"
	"github.com/leadbitz/leadbitz/internal/campaign"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/sending/input"
	"github.com/leadbitz/leadbitz/internal/sending/rules"
	"github.com/leadbitz/leadbitz/internal/store"
	msgtemplate "github.com/leadbitz/leadbitz/internal/template"
)

// The sequence editor (docs/ui.md §3): step cards stacked down the page, each
// with its delay, subject (empty replies in the thread), body and A/B
// variants; an "Insert variable" menu of the leads' real fields with their
// fill rate; a spintax counter; template errors shown where they are; an AI
// draft per step; and a preview for a real lead. Every button is a submit
// of the one form, so the editor works without JavaScript; app.js only
// inserts tags at the cursor and refreshes the counters as the user types.

// seqStep is one step card.
type seqStep struct {
	Index        int
	DelayDays    string
	DelayMinutes string // kept as it was: the editor sets whole days
	Variants     []seqVariant
	Open         int // the variant app.js shows first (the one just added)
	// From is the stored step the card shows (its position), 0 for a new
	// card: a launched campaign's save tells edits from moves by it.
	From int
	// Skip is the step's condition (steps after the first): Op "" is none.
	Skip routing.SkipIf
	// SkipFields are the fields the condition's select offers: the lead
	// fields the editor knows, and the stored one if it is not among them.
	SkipFields []string
}

// skipOps are the condition's operators as the select offers them.
var skipOps = []struct{ Op, Label string }{
	{"", "never skip"}, {routing.OpEmpty, "is empty"}, {routing.OpEquals, "equals"},
	{routing.OpContains, "contains"}, {routing.OpRepliedElsewhere, "the lead replied in another campaign"},
}

// SkipOps are the operators the step's condition select offers.
func (s seqStep) SkipOps() []struct{ Op, Label string } { return skipOps }

// Number is the step's 1-based position.
func (s seqStep) Number() int { return s.Index + 1 }

// seqVariant is one variant of a step card.
type seqVariant struct {
	Index   int    // 0 for A
	Letter  string // A, B…
	Key     string // prefix of its form fields, as the campaign service names them
	Subject string
	Body    string
	Spintax int             // wordings the body can take; 0 when it does not parse
	Errors  []templateError // syntax errors of its subject and body, where they are
}

// templateError is a template's syntax error shown at its place: the line
// with a caret under the column.
type templateError struct {
	Field   string `json:"field"` // subject or body
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	Excerpt string `json:"excerpt"` // the line
	Caret   string `json:"caret"`   // spaces and ^ under the column
	At      int    `json:"at"`      // offset in UTF-16 units, where app.js puts the cursor
}

// mergeTag is an item of the "Insert variable" menu.
type mergeTag struct {
	Name    string
	Snippet string // what is inserted, with a fallback where one reads well
	Fill    string // "98% filled", "" without leads to count
}

type wizardSequenceData struct {
	wizardPage
	Steps   []seqStep
	Tags    []mergeTag
	Running bool // variants are locked while it sends
	// Launched: steps may be added and removed (the save shows the dry run
	// first), but step 1 stays (internal/campaign/edit.go).
	Launched    bool
	AI          bool
	Notice      string // the result of the last button (not yet saved)
	Leads       []store.Lead
	PreviewLead *store.Lead
	Preview     []previewMessage
	TestSend    *testSendForm
	// Confirm is the dry run of a launched campaign's save, shown for the
	// user to confirm (wizard_sequence_edit.go).
	Confirm *sequenceConfirm
}

// fallbacks are the tag defaults the menu proposes.
var fallbacks = map[string]string{"firstName": "there", "company": "your team"}

func (w *Web) wizardSequence(rw http.ResponseWriter, r *http.Request, v *view) error {
	p, err := w.loadWizard(v, r.PathValue("id"), "sequence")
	if err != nil {
		return err
	}
	seq, err := w.Campaigns.Sequence(r.Context(), v.P.WorkspaceID, p.Campaign.ID)
	if err != nil {
		return err
	}
	steps := stepsOfView(seq)
	if len(steps) == 0 {
		steps = []seqStep{newStep(0)}
	}
	v.Form = emptyForm(map[string]string{"previewLead": r.URL.Query().Get("lead")})
	if err := w.loadWizardSequence(v, p, steps, ""); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadWizardSequence(v *view, p wizardPage, steps []seqStep, notice string) error {
	ctx := v.r.Context()
	for i := range steps {
		steps[i].Index = i
		for j := range steps[i].Variants {
			vr := &steps[i].Variants[j]
			vr.Index, vr.Letter, vr.Key = j, rules.VariantLetter(j), variantKey(i, j)
			vr.Spintax = 0
			if t, err := msgtemplate.Parse(vr.Body); err == nil {
				vr.Spintax = t.VariantCount()
			}
		}
	}
	data := wizardSequenceData{wizardPage: p, Steps: steps, Running: p.Campaign.Status == store.CampaignActive,
		Launched: launched(p.Campaign.Status),
		AI:       w.Assist != nil, Notice: notice}
	scope := w.Store.InWorkspace(v.P.WorkspaceID)
	leads, err := scope.Leads(ctx, store.LeadQuery{CampaignID: p.Campaign.ID, Limit: previewLeads})
	if err != nil {
		return err
	}
	data.Leads = leads[:min(len(leads), previewLeads)]
	if data.Tags, err = w.mergeTags(ctx, scope, p.Campaign.ID); err != nil {
		return err
	}
	for i := range data.Steps {
		data.Steps[i].SkipFields = skipFields(data.Tags, data.Steps[i].Skip.Field)
	}
	if l, err := pickPreviewLead(ctx, scope, data.Leads, v.Form.Get("previewLead")); err != nil {
		return err
	} else if l != nil {
		data.PreviewLead = l
		data.Preview = previewSequence(previewInput(steps), *l)
	}
	if data.TestSend, err = w.testSendFormFor(ctx, v.P.WorkspaceID, p.Campaign.ID, data.PreviewLead, "sequence"); err != nil {
		return err
	}
	v.Data = data
	return nil
}

// previewLeads is how many of the campaign's leads the preview picker lists.
const previewLeads = 25

// pickPreviewLead is the lead asked for (one of the workspace's), else the
// campaign's newest; nil when it has none.
func pickPreviewLead(ctx context.Context, scope store.Scope, leads []store.Lead, id string) (*store.Lead, error) {
	if id != "" {
		l, err := scope.Lead(ctx, id)
		if err == nil && l.Status != store.LeadErased {
			return &l, nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	if len(leads) == 0 {
		return nil, nil
	}
	return &leads[0], nil
}

func previewInput(steps []seqStep) [][]previewVariant {
	out := make([][]previewVariant, len(steps))
	for i, s := range steps {
		for j, vr := range s.Variants {
			out[i] = append(out[i], previewVariant{Letter: rules.VariantLetter(j), Subject: vr.Subject, Body: vr.Body})
		}
	}
	return out
}

// fillCountLimit bounds the leads read to work out fill rates.
const fillCountLimit = 5000

var errEnough = errors.New("enough leads counted")

// mergeTags lists the fields a template can use, with how many of the
// campaign's leads have each (the menu's "company 98% filled").
func (w *Web) mergeTags(ctx context.Context, scope store.Scope, campaignID string) ([]mergeTag, error) {
	names := []string{"firstName", "lastName", "company", "title", "website", "email", "phone", "linkedinUrl"}
	custom, err := scope.LeadCustomKeys(ctx, store.LeadQuery{CampaignID: campaignID})
	if err != nil {
		return nil, err
	}
	for _, k := range custom {
		names = append(names, "custom."+k)
	}
	filled := map[string]int{}
	total := 0
	err = scope.EachLead(ctx, store.LeadQuery{CampaignID: campaignID}, func(l store.Lead) error {
		d := input.LeadData(l)
		values := map[string]string{"firstName": d.FirstName, "lastName": d.LastName, "company": d.Company, "title": d.Title,
			"website": d.Website, "email": d.Email, "phone": d.Phone, "linkedinUrl": d.LinkedInURL}
		for k, v := range d.Custom {
			values["custom."+k] = v
		}
		for k, v := range values {
			if strings.TrimSpace(v) != "" {
				filled[k]++
			}
		}
		if total++; total >= fillCountLimit {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	tags := make([]mergeTag, 0, len(names))
	for _, n := range names {
		t := mergeTag{Name: n, Snippet: "{{" + n + "}}"}
		if fb, ok := fallbacks[n]; ok {
			t.Snippet = "{{" + n + ` | "` + fb + `"}}`
		}
		if total > 0 {
			t.Fill = percent(filled[n], total) + " filled"
		}
		tags = append(tags, t)
	}
	return tags, nil
}

// skipFields are the fields a step's condition may read: the menu's tags,
// then the stored field if the campaign's leads no longer have it.
func skipFields(tags []mergeTag, stored string) []string {
	out := make([]string, 0, len(tags)+1)
	found := stored == ""
	for _, t := range tags {
		out = append(out, t.Name)
		found = found || t.Name == stored
	}
	if !found {
		out = append(out, stored)
	}
	return out
}

func variantKey(step, variant int) string {
	if variant == 0 {
		return fmt.Sprintf("steps[%d]", step)
	}
	return fmt.Sprintf("steps[%d].variants[%d]", step, variant-1)
}

// newStep is an empty step card with the delay docs/ui.md §3 suggests: 3 days
// after step 1 for step 2, then 4 days after the previous step.
func newStep(index int) seqStep {
	delay := 0
	switch {
	case index == 1:
		delay = 3
	case index > 1:
		delay = 4
	}
	return seqStep{Index: index, DelayDays: strconv.Itoa(delay), DelayMinutes: "0", Variants: []seqVariant{{}}}
}

func stepsOfView(seq campaign.SequenceView) []seqStep {
	var steps []seqStep
	for i, st := range seq.Steps {
		s := seqStep{Index: i, DelayDays: strconv.Itoa(st.DelayDays), DelayMinutes: strconv.Itoa(st.DelayMinutes),
			Variants: []seqVariant{{Subject: st.Subject, Body: st.Body}}, From: st.Position}
		if st.SkipIf != nil {
			s.Skip = *st.SkipIf
		}
		for _, vr := range st.Variants {
			s.Variants = append(s.Variants, seqVariant{Subject: vr.Subject, Body: vr.Body})
		}
		steps = append(steps, s)
	}
	return steps
}

// stepsOfForm reads the step cards back from the submitted form.
func stepsOfForm(r *http.Request) []seqStep {
	var steps []seqStep
	for i := 0; ; i++ {
		key := variantKey(i, 0)
		if _, ok := r.PostForm[key+".body"]; !ok {
			break
		}
		s := seqStep{Index: i, DelayDays: strings.TrimSpace(r.PostForm.Get(key + ".delayDays")),
			DelayMinutes: strings.TrimSpace(r.PostForm.Get(key + ".delayMinutes"))}
		s.From, _ = strconv.Atoi(r.PostForm.Get(key + ".position"))
		s.Skip = routing.SkipIf{Field: strings.TrimSpace(r.PostForm.Get(key + ".skipIf.field")),
			Op: r.PostForm.Get(key + ".skipIf.op"), Value: r.PostForm.Get(key + ".skipIf.value")}
		for j := 0; ; j++ {
			vk := variantKey(i, j)
			if _, ok := r.PostForm[vk+".body"]; !ok {
				break
			}
			s.Variants = append(s.Variants, seqVariant{Subject: r.PostForm.Get(vk + ".subject"), Body: r.PostForm.Get(vk + ".body")})
		}
		steps = append(steps, s)
	}
	return steps
}

// sequenceInput is the cards as the campaign service takes them. A delay
// that is not a number is sent as -1, so the service names the rule.
func sequenceInput(steps []seqStep) campaign.SequenceInput {
	in := campaign.SequenceInput{Steps: []campaign.StepInput{}}
	num := func(s string) int {
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return -1
		}
		return n
	}
	for _, s := range steps {
		st := campaign.StepInput{DelayDays: num(s.DelayDays), DelayMinutes: num(s.DelayMinutes), Position: s.From,
			SkipIf: stepSkip(s)}
		for j, vr := range s.Variants {
			if j == 0 {
				st.Subject, st.Body = vr.Subject, vr.Body
				continue
			}
			st.Variants = append(st.Variants, campaign.VariantInput{Subject: vr.Subject, Body: vr.Body})
		}
		in.Steps = append(in.Steps, st)
	}
	return in
}

// stepSkip is a card's condition as the service takes it: nil for none.
// replied_elsewhere reads no field, so a field left in the select is dropped.
func stepSkip(s seqStep) *routing.SkipIf {
	if s.Skip.Op == "" {
		return nil
	}
	c := s.Skip
	switch c.Op {
	case routing.OpRepliedElsewhere:
		c.Field, c.Value = "", ""
	case routing.OpEmpty:
		c.Value = ""
	}
	return &c
}

// saveWizardSequence handles every button of the editor: save (the
// default), add or remove a step or variant, and write an AI draft of a
// step. Only save stores anything; the others show the cards again.
func (w *Web) saveWizardSequence(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	p, err := w.loadWizard(v, r.PathValue("id"), "sequence")
	if err != nil {
		return err
	}
	steps := stepsOfForm(r)
	action, arg, _ := strings.Cut(v.Form.Get("action"), ":")
	var at []int
	for _, s := range strings.Split(arg, ":") {
		if n, err := strconv.Atoi(s); err == nil {
			at = append(at, n)
		}
	}
	valid := func(n int) bool { return len(at) >= n && at[0] >= 0 && at[0] < len(steps) }
	notice := ""
	switch {
	case action == "add-step":
		steps = append(steps, newStep(len(steps)))
		notice = "Added step " + strconv.Itoa(len(steps)) + ". Write it, then save."
	case action == "remove-step" && valid(1) && len(steps) > 1:
		steps = append(steps[:at[0]], steps[at[0]+1:]...)
		notice = "Removed step " + strconv.Itoa(at[0]+1) + ". Save to keep the change."
	case action == "add-variant" && valid(1) && len(steps[at[0]].Variants) < campaign.MaxVariants:
		steps[at[0]].Variants = append(steps[at[0]].Variants, seqVariant{Subject: steps[at[0]].Variants[0].Subject})
		steps[at[0]].Open = len(steps[at[0]].Variants) - 1
		notice = "Added variant " + rules.VariantLetter(len(steps[at[0]].Variants)-1) + " to step " + strconv.Itoa(at[0]+1) +
			". Leads are split evenly between a step's variants."
	case action == "remove-variant" && valid(2) && at[1] > 0 && at[1] < len(steps[at[0]].Variants):
		vs := steps[at[0]].Variants
		steps[at[0]].Variants = append(vs[:at[1]], vs[at[1]+1:]...)
		notice = "Removed a variant of step " + strconv.Itoa(at[0]+1) + ". Save to keep the change."
	case action == "draft" && valid(1):
		if w.Assist == nil {
			return store.ErrNotFound
		}
		d, err := w.Assist.Draft(r.Context(), v.P, assist.DraftInput{CampaignID: p.Campaign.ID, StepNumber: at[0] + 1})
		if pr, ok := problem.As(err); ok && pr.Code == "icp_required" {
			err = problem.New(problem.Invalid, pr.Code, "An AI draft is written for your ideal customer: describe your product in the “Product & ICP” step first.")
		}
		if err != nil {
			if lerr := w.loadWizardSequence(v, p, steps, ""); lerr != nil {
				return lerr
			}
			return v.formFailed(rw, err)
		}
		steps[at[0]].Variants[0].Subject, steps[at[0]].Variants[0].Body = d.Subject, d.Body
		if at[0] > 0 && d.Subject == "" {
			steps[at[0]].Variants[0].Subject = ""
		}
		notice = "Step " + strconv.Itoa(at[0]+1) + ": a draft by the " + generatorName(d.Generator) + ". Edit it, then save."
	default:
		return w.storeSequence(rw, v, p, steps)
	}
	if err := w.loadWizardSequence(v, p, steps, notice); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

// storeSequence saves the cards through the campaign service; its errors
// go next to their fields, template errors with their place.
func (w *Web) storeSequence(rw http.ResponseWriter, v *view, p wizardPage, steps []seqStep) error {
	in := sequenceInput(steps)
	// The cards do not show reply routes (their own page does): keep them.
	if err := w.Campaigns.KeepStoredRoutes(v.r.Context(), v.P.WorkspaceID, p.Campaign.ID, &in); err != nil {
		return err
	}
	// The cards do show step conditions: theirs are the whole truth, so a
	// condition cleared in the editor is cleared, not kept from storage.
	for i := range in.Steps {
		in.Steps[i].SkipIf = stepSkip(steps[i])
	}
	if ok, err := w.confirmSequenceEdit(rw, v, p, steps, in); !ok {
		return err
	}
	saved, err := w.Campaigns.PutSequence(v.r.Context(), v.P, p.Campaign.ID, in, meta(v.r))
	if err == nil {
		n := len(steps)
		msg := "Saved the sequence: " + plural(n, "step", "steps") + "."
		if saved.Edit != nil {
			msg = "Saved version " + strconv.Itoa(saved.Version) + " of the sequence: " + plural(n, "step", "steps") +
				". Emails already sent keep the version they went with."
		}
		return w.advance(rw, v, p, msg)
	}
	return w.sequenceFailed(rw, v, p, steps, err)
}

// sequenceFailed shows a save's errors next to their fields, template
// errors with their place.
func (w *Web) sequenceFailed(rw http.ResponseWriter, v *view, p wizardPage, steps []seqStep, err error) error {
	if pr, ok := problem.As(err); ok {
		if list, ok := pr.Details["templateErrors"].([]campaign.TemplateError); ok {
			placeTemplateErrors(steps, list)
		}
	}
	if lerr := w.loadWizardSequence(v, p, steps, ""); lerr != nil {
		return lerr
	}
	return v.formFailed(rw, err)
}

// placeTemplateErrors attaches each syntax error to its variant with the
// line it is on and a caret under its column.
func placeTemplateErrors(steps []seqStep, list []campaign.TemplateError) {
	for _, te := range list {
		if te.Step < 1 || te.Step > len(steps) {
			continue
		}
		for j := range steps[te.Step-1].Variants {
			vr := &steps[te.Step-1].Variants[j]
			if rules.VariantLetter(j) != te.Variant {
				continue
			}
			src := vr.Body
			if te.Field == "subject" {
				src = vr.Subject
			}
			vr.Errors = append(vr.Errors, locateError(src, te.Field, te.Line, te.Column, te.Offset, te.Message))
		}
	}
}

func locateError(src, field string, line, column, offset int, msg string) templateError {
	te := templateError{Field: field, Line: line, Column: column, Message: msg}
	all := strings.Split(src, "\n")
	if line >= 1 && line <= len(all) {
		te.Excerpt = strings.TrimRight(all[line-1], "\r")
		te.Caret = strings.Repeat(" ", max(column-1, 0)) + "^"
	}
	if offset >= 0 && offset <= len(src) {
		te.At = len(utf16.Encode([]rune(src[:offset])))
		if !utf8.ValidString(src[:offset]) {
			te.At = 0
		}
	}
	return te
}

// templateCheck is what the editor's script gets for the text being typed:
// the spintax counter and the first syntax error, where it is.
type templateCheck struct {
	Variants int            `json:"variants"`
	Error    *templateError `json:"error,omitempty"`
}

// checkTemplate parses a template for the editor's live counter. It reads
// the posted text and changes nothing.
func (w *Web) checkTemplate(rw http.ResponseWriter, r *http.Request, v *view) error {
	src := r.PostFormValue("text")
	var out templateCheck
	t, err := msgtemplate.Parse(src)
	var syn *msgtemplate.SyntaxError
	switch {
	case errors.As(err, &syn):
		te := locateError(src, r.PostFormValue("field"), syn.Line, syn.Column, syn.Offset, syn.Message)
		out.Error = &te
	case err != nil:
		return err
	default:
		out.Variants = t.VariantCount()
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(rw).Encode(out)
}
