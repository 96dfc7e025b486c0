package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/routing"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/template"
)

// RouteInput is one reply route of PUT /api/campaigns/{id}/sequence: when
// a categorised reply matches When, the lead's main sequence stops and
// Steps go in the same thread (routing.Route).
type RouteInput struct {
	Name       string         `json:"name"`
	When       routing.When   `json:"when"`
	Steps      []routing.Step `json:"steps"`
	SameThread *bool          `json:"sameThread,omitempty"`
}

// sequenceExtras are the parts of a sequence stored beside its steps
// (store.SaveSequenceRoutes): reply routes and step conditions.
type sequenceExtras struct {
	routes []routing.Route
	skips  map[int]*routing.SkipIf // step position → condition
}

// validateExtras checks a sequence's routes and step conditions; every
// error names its field (routes[1].when, steps[2].skipIf.field).
func validateExtras(in SequenceInput) (sequenceExtras, error) {
	fields := problem.Fields{}
	x := sequenceExtras{routes: []routing.Route{}, skips: map[int]*routing.SkipIf{}}
	for i, st := range in.Steps {
		if st.SkipIf == nil {
			continue
		}
		key := fmt.Sprintf("steps[%d].skipIf", i)
		if i == 0 && st.SkipIf.Op != "" {
			fields.Add(key, "the first step cannot be skipped")
			continue
		}
		if f, msg := st.SkipIf.Check(); msg != "" {
			if f != "" {
				key += "." + f
			}
			fields.Add(key, "%s", msg)
			continue
		}
		c := *st.SkipIf
		c.Field, c.Value = strings.TrimSpace(c.Field), strings.TrimSpace(c.Value)
		x.skips[i+1] = &c
	}
	if len(in.Routes) > routing.MaxRoutes {
		fields.Add("routes", "may have at most %d routes", routing.MaxRoutes)
	}
	for i, r := range in.Routes {
		key := fmt.Sprintf("routes[%d]", i)
		name := strings.TrimSpace(r.Name)
		if name == "" || len(name) > 100 {
			fields.Add(key+".name", "is required (at most 100 characters)")
		}
		if len(r.When.Categories) == 0 && len(r.When.Keywords) == 0 {
			fields.Add(key+".when", "needs at least one category or keyword")
		}
		for j, c := range r.When.Categories {
			if !ai.ValidCategory(c) || slices.Contains(routing.Blocking, c) {
				fields.Add(fmt.Sprintf("%s.when.categories[%d]", key, j),
					"must be one of interested, meeting_request, not_interested, wrong_person, other (unsubscribes, bounces and out-of-office replies have their own rules)")
			}
		}
		if len(r.When.Keywords) > routing.MaxKeywords {
			fields.Add(key+".when.keywords", "may have at most %d keywords", routing.MaxKeywords)
		}
		var keywords []string
		for j, k := range r.When.Keywords {
			if len(routing.Words(k)) == 0 || len(k) > 100 {
				fields.Add(fmt.Sprintf("%s.when.keywords[%d]", key, j), "must be a word or phrase of at most 100 characters")
			}
			keywords = append(keywords, strings.TrimSpace(k))
		}
		if r.SameThread != nil && !*r.SameThread {
			fields.Add(key+".sameThread", "must be true: a route answers in the lead's thread")
		}
		if len(r.Steps) == 0 || len(r.Steps) > routing.MaxRouteSteps {
			fields.Add(key+".steps", "must have 1 to %d steps", routing.MaxRouteSteps)
		}
		for j, st := range r.Steps {
			skey := fmt.Sprintf("%s.steps[%d]", key, j)
			if st.DelayDays < 0 || st.DelayDays > MaxDelayDays {
				fields.Add(skey+".delayDays", "must be 0 to %d", MaxDelayDays)
			}
			if st.DelayMinutes < 0 || st.DelayMinutes > MaxDelayMinutes {
				fields.Add(skey+".delayMinutes", "must be 0 to %d", MaxDelayMinutes)
			}
			if strings.TrimSpace(st.Body) == "" {
				fields.Add(skey+".body", "is required")
			}
			if len(st.Subject) > MaxSubjectLen {
				fields.Add(skey+".subject", "must be at most %d characters", MaxSubjectLen)
			}
			if len(st.Body) > MaxBodyLen {
				fields.Add(skey+".body", "must be at most %d characters", MaxBodyLen)
			}
			for _, f := range []struct{ name, src string }{{"subject", st.Subject}, {"body", st.Body}} {
				if _, err := template.Parse(f.src); err != nil {
					var syn *template.SyntaxError
					if !errors.As(err, &syn) {
						return x, err
					}
					fields.Add(skey+"."+f.name, "line %d, column %d: %s", syn.Line, syn.Column, syn.Message)
				}
			}
		}
		x.routes = append(x.routes, routing.Route{Name: name, When: routing.When{Categories: r.When.Categories,
			Keywords: keywords}, Steps: r.Steps, SameThread: true})
	}
	return x, fields.Err()
}

// saveExtras stores a sequence's routes and conditions in the caller's
// transaction.
func saveExtras(ctx context.Context, q store.Scope, campaignID string, x sequenceExtras) error {
	routes, err := json.Marshal(x.routes)
	if err != nil {
		return err
	}
	skips := map[string]*routing.SkipIf{}
	for pos, c := range x.skips {
		skips[strconv.Itoa(pos)] = c
	}
	skipJSON, err := json.Marshal(skips)
	if err != nil {
		return err
	}
	return q.SaveSequenceRoutes(ctx, campaignID, string(routes), string(skipJSON))
}

// addExtras puts a campaign's routes and step conditions into its view.
func addExtras(ctx context.Context, q store.Scope, v *SequenceView) error {
	routes, skips, err := routing.Load(ctx, q, v.CampaignID)
	if err != nil {
		return err
	}
	v.Routes = []routing.Route{}
	if routes != nil {
		v.Routes = routes
	}
	for i := range v.Steps {
		v.Steps[i].SkipIf = skips[v.Steps[i].Position]
	}
	return nil
}

// RouteStats are one reply route's numbers in a campaign's detail view:
// leads that entered it, those a recategorisation took out before its
// first step went, and its sends (in all and by route step).
type RouteStats struct {
	Route   int    `json:"route"` // 1-based, in the sequence's order
	Name    string `json:"name"`
	Entered int    `json:"entered"`
	Left    int    `json:"left"`
	Sent    int    `json:"sent"`
	Steps   []int  `json:"steps"` // sends of step 1, 2…
}

// routeStats counts each route of the campaign's sequence.
func routeStats(ctx context.Context, q store.Scope, id string) ([]RouteStats, error) {
	routes, _, err := routing.Load(ctx, q, id)
	if err != nil || len(routes) == 0 {
		return nil, err
	}
	counts, err := q.RouteStats(ctx, id, routing.RouteBase)
	if err != nil {
		return nil, err
	}
	out := make([]RouteStats, len(routes))
	for i, r := range routes {
		rs := RouteStats{Route: i + 1, Name: r.Name, Steps: make([]int, len(r.Steps))}
		if c := counts[i+1]; c != nil {
			rs.Entered, rs.Left = c.Entered, c.Left
			for k, n := range c.Sent {
				rs.Sent += n
				if k >= 1 && k <= len(rs.Steps) {
					rs.Steps[k-1] = n
				}
			}
		}
		out[i] = rs
	}
	return out, nil
}

// KeepStoredRoutes gives in the stored reply routes when it has none: the
// web sequence editor's cards do not show routes (their own page does),
// and saving the cards must not drop them. Step conditions are on the
// cards, so the editor's are the whole truth and none is kept from storage.
func (s *Service) KeepStoredRoutes(ctx context.Context, ws, id string, in *SequenceInput) error {
	if in.Routes != nil {
		return nil
	}
	routes, _, err := routing.Load(ctx, s.st.InWorkspace(ws), id)
	if err != nil {
		return err
	}
	for _, r := range routes {
		in.Routes = append(in.Routes, RouteInput{Name: r.Name, When: r.When, Steps: r.Steps})
	}
	return nil
}
