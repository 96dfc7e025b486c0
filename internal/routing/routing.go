// Package routing holds the rules of reply routes and step conditions
// (issue 16) as plain functions: which route a categorised reply enters,
// whether a keyword appears in a reply, whether a step is skipped, and how
// a route's steps are numbered in the per-lead, per-step job ledger
// (send_jobs, internal/store/sendjob.go).
//
// A route's steps share the ledger with the main sequence: route r (1-based)
// step k has the position r*RouteBase + k, so the ledger's idempotency key
// (campaign lead id:position) makes a second job for any position, main or
// route, impossible. Main positions stay below RouteBase (campaign.MaxSteps
// is 20).
package routing

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/leadbitz/leadbitz/internal/sending/rules"
)

// Limits of routes.
const (
	MaxRoutes     = 5
	MaxRouteSteps = 10
	MaxKeywords   = 20
	RouteBase     = 100
)

// Route is one reply route of a campaign's sequence.
type Route struct {
	Name       string `json:"name"`
	When       When   `json:"when"`
	Steps      []Step `json:"steps"`
	SameThread bool   `json:"sameThread"`
}

// When is what a categorised reply must show to enter a route: its
// category is one of Categories, or one of Keywords appears in it (either
// list may be empty, not both).
type When struct {
	Categories []string `json:"categories"`
	Keywords   []string `json:"keywords"`
}

// Step is one message of a route, sent its delay after the previous one
// (the first: after the lead enters the route).
type Step struct {
	DelayDays    int    `json:"delayDays"`
	DelayMinutes int    `json:"delayMinutes"`
	Subject      string `json:"subject"`
	Body         string `json:"body"`
}

// Delay is the step's delay as the sending rules read it.
func (s Step) Delay() rules.Delay { return rules.Delay{Days: s.DelayDays, Minutes: s.DelayMinutes} }

// Position is the ledger position of route r's step k (both 1-based).
func Position(route, step int) int { return route*RouteBase + step }

// Split reads a ledger position: route 0 is the main sequence.
func Split(position int) (route, step int) {
	return position / RouteBase, position % RouteBase
}

// StepLabel names a position for people: "step 3" or "route 2 (Later) step 1".
func StepLabel(position int, routes []Route) string {
	r, k := Split(position)
	if r == 0 {
		return fmt.Sprintf("step %d", k)
	}
	name := ""
	if r <= len(routes) {
		name = " (" + routes[r-1].Name + ")"
	}
	return fmt.Sprintf("route %d%s step %d", r, name, k)
}

// Match is the first route (1-based, in list order) a reply enters, with
// why; 0 when none. Text is the reply's body: quoted lines and everything
// below an "On … wrote:" line are not read.
func Match(routes []Route, category, text string) (int, string) {
	words := Words(Unquoted(text))
	for i, r := range routes {
		if category != "" && slices.Contains(r.When.Categories, category) {
			return i + 1, "category " + category
		}
		for _, kw := range r.When.Keywords {
			if HasKeyword(words, kw) {
				return i + 1, fmt.Sprintf("keyword %q", kw)
			}
		}
	}
	return 0, ""
}

// MatchCategory is the first route whose categories hold category.
func MatchCategory(routes []Route, category string) (int, string) {
	for i, r := range routes {
		if category != "" && slices.Contains(r.When.Categories, category) {
			return i + 1, "category " + category
		}
	}
	return 0, ""
}

// Unquoted is a reply's own text: lines starting with ">" are dropped, and
// so is everything from the first "On … wrote:" line or a forwarded/
// original-message separator on.
func Unquoted(text string) string {
	var keep []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		low := strings.ToLower(t)
		if strings.HasPrefix(low, "on ") && strings.HasSuffix(low, "wrote:") ||
			strings.HasPrefix(low, "-----original message") || strings.HasPrefix(low, "---------- forwarded") ||
			strings.HasPrefix(low, "from:") && len(keep) > 0 {
			break
		}
		if strings.HasPrefix(t, ">") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

// Words splits text into lower-case words (letters and digits; an
// apostrophe inside a word is kept, so "don't" is one word).
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// negations are the words that turn a keyword after them into its
// opposite: "not interested" never matches "interested".
var negations = map[string]bool{"not": true, "no": true, "never": true, "don't": true, "dont": true, "isn't": true, "aren't": true}

// HasKeyword reports whether the keyword (one or more words) appears in
// words as whole words, and not right after a negation.
func HasKeyword(words []string, keyword string) bool {
	kw := Words(keyword)
	if len(kw) == 0 {
		return false
	}
	for i := 0; i+len(kw) <= len(words); i++ {
		if !slices.Equal(words[i:i+len(kw)], kw) {
			continue
		}
		if i > 0 && negations[words[i-1]] && !negations[kw[0]] {
			continue
		}
		return true
	}
	return false
}

// Entered is what is known of a lead's routes: the one it is in (0: the
// main sequence), those it has entered, and whether the current one's
// first step has gone.
type Entered struct {
	Current       int
	All           []int
	FirstStepSent bool
}

// Change is what a categorised reply does to a lead's route.
type Change struct {
	Enter  int    // route to enter (0: none)
	Leave  int    // route to leave before (its pending steps are canceled)
	Reason string // for the lead's status reason and the audit
}

// Decide decides what a categorised reply does. manual is a person's
// recategorisation: it may move a lead to another route, or out of one,
// only while the current route's first step has not gone, and the new
// category is matched first (a person's word beats the reply's keywords).
// A new reply may enter another route whatever the current one did. A lead
// enters each route at most once.
func Decide(routes []Route, e Entered, category, text string, manual bool) Change {
	match, why := 0, ""
	if manual {
		match, why = MatchCategory(routes, category)
	}
	if match == 0 {
		match, why = Match(routes, category, text)
	}
	if e.Current != 0 && match == e.Current {
		return Change{}
	}
	var ch Change
	if e.Current != 0 && manual {
		if e.FirstStepSent {
			return Change{}
		}
		ch.Leave, ch.Reason = e.Current, "the reply was recategorised"
	}
	if match != 0 && !slices.Contains(e.All, match) {
		ch.Enter, ch.Reason = match, fmt.Sprintf("route %q: %s", routes[match-1].Name, why)
	}
	return ch
}

// Blocking categories never enter a route: the unsubscribe, bounce and
// out-of-office rules act on them instead.
var Blocking = []string{"unsubscribe", "bounce", "out_of_office"}

// Stored is where a campaign's routes and step conditions are kept, as
// JSON (store.Scope.SequenceRoutes).
type Stored interface {
	SequenceRoutes(ctx context.Context, campaignID string) (routes, skipIfs string, err error)
}

// Load reads a campaign's routes and step conditions and parses them.
func Load(ctx context.Context, s Stored, campaignID string) ([]Route, map[int]*SkipIf, error) {
	routesJSON, skipJSON, err := s.SequenceRoutes(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	return Parse(routesJSON, skipJSON)
}

// Parse reads a campaign's stored routes and conditions (the JSON of
// store.Scope.SequenceRoutes).
func Parse(routesJSON, skipJSON string) ([]Route, map[int]*SkipIf, error) {
	var routes []Route
	skips := map[int]*SkipIf{}
	if routesJSON != "" {
		if err := json.Unmarshal([]byte(routesJSON), &routes); err != nil {
			return nil, nil, fmt.Errorf("reply routes: %w", err)
		}
	}
	if skipJSON != "" {
		if err := json.Unmarshal([]byte(skipJSON), &skips); err != nil {
			return nil, nil, fmt.Errorf("step conditions: %w", err)
		}
	}
	return routes, skips, nil
}
