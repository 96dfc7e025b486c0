package store

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"time"
)

// SequenceRoutes returns a campaign's reply routes and step conditions as
// the JSON the campaign service stored ("[]" and "{}" when it has none).
func (s Scope) SequenceRoutes(ctx context.Context, campaignID string) (routes, skipIfs string, err error) {
	err = s.queryRow(ctx, `SELECT routes, skip_ifs FROM sequence_routes WHERE campaign_id = ? AND workspace_id = ?`,
		campaignID, s.ws).Scan(&routes, &skipIfs)
	if err == sql.ErrNoRows {
		return "[]", "{}", nil
	}
	return routes, skipIfs, err
}

// SaveSequenceRoutes stores a campaign's reply routes and step conditions.
func (s Scope) SaveSequenceRoutes(ctx context.Context, campaignID, routes, skipIfs string) error {
	_, err := s.exec(ctx, `INSERT INTO sequence_routes (campaign_id, workspace_id, routes, skip_ifs, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET routes = excluded.routes,
		skip_ifs = excluded.skip_ifs, updated_at = excluded.updated_at`, campaignID, s.ws, routes, skipIfs, s.now())
	return s.d.translate(err)
}

// LeadRoute is a campaign lead's place among its campaign's routes.
type LeadRoute struct {
	Current       int   // 0: the main sequence
	Entered       []int // every route it entered
	FirstStepSent bool  // the current route's first step has gone (or is going)
}

// LeadRouteOf reads a campaign lead's routes; routeBase is the position
// factor of internal/routing (route r step 1 is r*routeBase + 1).
func (s Scope) LeadRouteOf(ctx context.Context, campaignLeadID string, routeBase int) (LeadRoute, error) {
	var lr LeadRoute
	if err := s.queryRow(ctx, `SELECT route FROM campaign_leads WHERE id = ? AND workspace_id = ?`,
		campaignLeadID, s.ws).Scan(&lr.Current); err != nil {
		return lr, notFound(err)
	}
	err := s.addRouteHistory(ctx, map[string]*LeadRoute{campaignLeadID: &lr}, routeBase)
	return lr, err
}

// addRouteHistory fills Entered and FirstStepSent of campaign leads whose
// Current route is set, in two queries per chunk whatever their number.
func (s Scope) addRouteHistory(ctx context.Context, routes map[string]*LeadRoute, routeBase int) error {
	ids := slices.Sorted(maps.Keys(routes))
	return paddedChunks(ids, func(part []string) error {
		rows, err := s.query(ctx, `SELECT DISTINCT campaign_lead_id, route FROM campaign_lead_routes
			WHERE workspace_id = ? AND campaign_lead_id IN (`+marks(len(part))+`) ORDER BY campaign_lead_id, route`,
			append([]any{s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		if err := eachRow(rows, func(r rowScanner) error {
			var id string
			var route int
			err := r.Scan(&id, &route)
			routes[id].Entered = append(routes[id].Entered, route)
			return err
		}); err != nil {
			return err
		}
		if !slices.ContainsFunc(part, func(id string) bool { return routes[id].Current != 0 }) {
			return nil // none is in a route: no first step to look for
		}
		// A route's first step has gone (or is going): the recategorisation
		// that could move the lead elsewhere comes too late.
		rows, err = s.query(ctx, `SELECT DISTINCT campaign_lead_id, step_position FROM send_jobs
			WHERE workspace_id = ? AND campaign_lead_id IN (`+marks(len(part))+`) AND step_position > ?
			AND status IN ('sending', 'sent')`, append(append([]any{s.ws}, anys(part)...), routeBase)...)
		if err != nil {
			return err
		}
		return eachRow(rows, func(r rowScanner) error {
			var id string
			var position int
			err := r.Scan(&id, &position)
			if lr := routes[id]; lr.Current != 0 && position == lr.Current*routeBase+1 {
				lr.FirstStepSent = true
			}
			return err
		})
	})
}

// LeaveRoute takes a campaign lead out of its route before the route's
// first step went: its pending jobs are canceled and it gets status and
// reason (the main sequence does not resume).
func (s Scope) LeaveRoute(ctx context.Context, campaignLeadID string, route int, status, reason string, at time.Time) error {
	if err := s.execOne(ctx, `UPDATE campaign_leads SET status = ?, status_reason = ?, route = 0, updated_at = ?
		WHERE id = ? AND workspace_id = ?`, status, reason, at, campaignLeadID, s.ws); err != nil {
		return err
	}
	if _, err := s.CancelPendingJobsOf(ctx, []string{campaignLeadID}, "route_left", at); err != nil {
		return err
	}
	_, err := s.exec(ctx, `UPDATE campaign_lead_routes SET left_at = ? WHERE campaign_lead_id = ? AND workspace_id = ?
		AND route = ?`, at, campaignLeadID, s.ws, route)
	return err
}

// LeadsRepliedElsewhere returns which of the leads replied in a campaign
// other than campaignID (the skipIf "replied in another campaign").
func (s Scope) LeadsRepliedElsewhere(ctx context.Context, campaignID string, leadIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	err := paddedChunks(leadIDs, func(part []string) error {
		ids, err := s.queryStrings(ctx, `SELECT DISTINCT lead_id FROM campaign_leads WHERE workspace_id = ?
			AND campaign_id <> ? AND replied_at IS NOT NULL AND lead_id IN (`+marks(len(part))+`)`,
			append([]any{s.ws, campaignID}, anys(part)...)...)
		for _, id := range ids {
			out[id] = true
		}
		return err
	})
	return out, err
}

// SkipJob records a step skipped by its condition; detail says why.
func (q Queries) SkipJob(ctx context.Context, id, detail string, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE send_jobs SET status = 'skipped', defer_reason = 'skip_if', defer_detail = ?,
		updated_at = ? WHERE id = ?`, detail, at, id)
	return err
}

// RouteStat is one route's figures: leads that entered it (and left it on
// a recategorisation), and sends by route step.
type RouteStat struct {
	Route   int
	Entered int
	Left    int
	Sent    map[int]int // route step → sends
}

// RouteStats counts a campaign's route entries and route sends;
// routeBase is internal/routing's position factor.
func (s Scope) RouteStats(ctx context.Context, campaignID string, routeBase int) (map[int]*RouteStat, error) {
	out := map[int]*RouteStat{}
	get := func(r int) *RouteStat {
		if out[r] == nil {
			out[r] = &RouteStat{Route: r, Sent: map[int]int{}}
		}
		return out[r]
	}
	rows, err := s.query(ctx, `SELECT route, COUNT(*), COUNT(left_at) FROM campaign_lead_routes
		WHERE campaign_id = ? AND workspace_id = ? GROUP BY route`, campaignID, s.ws)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r, n, left int
		if err := rows.Scan(&r, &n, &left); err != nil {
			rows.Close()
			return nil, err
		}
		st := get(r)
		st.Entered, st.Left = n, left
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.query(ctx, `SELECT step_position, COUNT(*) FROM send_jobs WHERE campaign_id = ? AND workspace_id = ?
		AND status = 'sent' AND step_position > ? GROUP BY step_position`, campaignID, s.ws, routeBase)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pos, n int
		if err := rows.Scan(&pos, &n); err != nil {
			return nil, err
		}
		get(pos / routeBase).Sent[pos%routeBase] = n
	}
	return out, rows.Err()
}

// SkippedStepsOf lists why a campaign lead's steps were skipped by their
// conditions, in step order ("step 3 skipped: company is empty").
func (s Scope) SkippedStepsOf(ctx context.Context, campaignLeadID string) ([]string, error) {
	return s.queryStrings(ctx, `SELECT defer_detail FROM send_jobs WHERE campaign_lead_id = ? AND workspace_id = ?
		AND status = 'skipped' AND defer_reason = 'skip_if' ORDER BY step_position`, campaignLeadID, s.ws)
}

// RouteState is what deciding a reply's route needs of one campaign lead:
// the campaign lead, its lead and its place among the routes.
type RouteState struct {
	CampaignLead CampaignLead
	Lead         Lead
	LeadRoute
}

// RouteStates reads the route states of campaign leads, in a constant
// number of queries whatever their number (a sync page routes its replies
// together); routeBase is the position base of route steps. Ids not in the
// workspace are left out.
func (s Scope) RouteStates(ctx context.Context, campaignLeadIDs []string, routeBase int) (map[string]*RouteState, error) {
	out := map[string]*RouteState{}
	var leadIDs []string
	err := paddedChunks(campaignLeadIDs, func(part []string) error {
		rows, err := s.query(ctx, `SELECT `+campaignLeadColumns+`, cl.route FROM campaign_leads cl
			WHERE cl.workspace_id = ? AND cl.id IN (`+marks(len(part))+`)`, append([]any{s.ws}, anys(part)...)...)
		if err != nil {
			return err
		}
		return eachRow(rows, func(r rowScanner) error {
			st := &RouteState{}
			cl, err := scanCampaignLead(scanSuffix{r, []any{&st.Current}})
			st.CampaignLead = cl
			if err == nil && out[cl.ID] == nil {
				out[cl.ID] = st
				leadIDs = append(leadIDs, cl.LeadID)
			}
			return err
		})
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	leads, err := s.LeadsByIDs(ctx, leadIDs)
	if err != nil {
		return nil, err
	}
	history := make(map[string]*LeadRoute, len(out))
	for id, st := range out {
		st.Lead = leads[st.CampaignLead.LeadID]
		history[id] = &st.LeadRoute
	}
	return out, s.addRouteHistory(ctx, history, routeBase)
}

// scanSuffix scans trailing columns into extra after the columns a scan
// function expects.
type scanSuffix struct {
	r     rowScanner
	extra []any
}

func (p scanSuffix) Scan(dest ...any) error { return p.r.Scan(append(dest, p.extra...)...) }

// RouteEntry is a campaign lead entering a route, with the route's first job.
type RouteEntry struct {
	CampaignLead CampaignLead
	Route        int
	Reason       string
	First        SendJob
}

// EnterRoutes moves campaign leads (active, or just stopped by their reply)
// into routes, in a constant number of statements whatever their number:
// each is active again in its route, its other pending jobs are canceled,
// the entry is recorded, the route's first job is scheduled, and a
// campaign completed for want of an active lead runs again. In
// internal/enrollment's lock order: the campaign leads (in id order),
// their jobs, then the campaigns. A campaign lead appears at most once.
func (s Scope) EnterRoutes(ctx context.Context, entries []RouteEntry, at time.Time) error {
	if len(entries) == 0 {
		return nil
	}
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b RouteEntry) int { return strings.Compare(a.CampaignLead.ID, b.CampaignLead.ID) })
	ids := make([]string, len(entries))
	jobs := make([]SendJob, len(entries))
	var campaigns []string
	for i, e := range entries {
		ids[i], jobs[i] = e.CampaignLead.ID, e.First
		campaigns = append(campaigns, e.CampaignLead.CampaignID)
	}
	err := eachChunk(len(entries), func(lo, hi int) error {
		if s.d == Postgres {
			part := ids[lo:hi]
			if _, err := s.exec(ctx, `SELECT id FROM campaign_leads WHERE id IN (`+marks(len(part))+`) ORDER BY id`+
				s.d.lockRows(), anys(part)...); err != nil {
				return err
			}
		}
		args := []any{at}
		for _, e := range entries[lo:hi] {
			args = append(args, e.CampaignLead.ID, e.Reason, e.Route)
		}
		_, err := s.exec(ctx, `UPDATE campaign_leads AS cl SET status = 'active', status_reason = v.column2,
			route = v.column3, updated_at = ? FROM (VALUES `+rowsOf("(?, ?, CAST(? AS INTEGER))", hi-lo)+`) AS v
			WHERE cl.id = v.column1 AND cl.workspace_id = ?`, append(args, s.ws)...)
		if err != nil {
			return err
		}
		args = args[:0]
		for _, e := range entries[lo:hi] {
			args = append(args, e.CampaignLead.ID, s.ws, e.CampaignLead.CampaignID, e.Route, e.Reason, at)
		}
		_, err = s.exec(ctx, `INSERT INTO campaign_lead_routes (campaign_lead_id, workspace_id, campaign_id, route,
			reason, entered_at) VALUES `+rowsOf("(?, ?, ?, ?, ?, ?)", hi-lo), args...)
		return s.d.translate(err)
	})
	if err != nil {
		return err
	}
	if _, err := s.CancelPendingJobsOf(ctx, ids, "route_entered", at); err != nil {
		return err
	}
	if _, err := s.InsertSendJobs(ctx, jobs); err != nil {
		return err
	}
	slices.Sort(campaigns)
	return paddedChunks(slices.Compact(campaigns), func(part []string) error {
		_, err := s.exec(ctx, `UPDATE campaigns SET status = 'active', status_reason = '', completed_at = NULL, updated_at = ?
			WHERE workspace_id = ? AND id IN (`+marks(len(part))+`) AND status = 'completed'
			AND status_reason = 'every lead is done'`, append([]any{at, s.ws}, anys(part)...)...)
		return err
	})
}
