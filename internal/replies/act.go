package replies

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/enrollment"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/replies/classify"
	"github.com/leadbitz/leadbitz/internal/store"
)

// effects are what a page's messages do to leads and sequences, decided
// message by message and written together by flush, through
// enrollment.StopRepliedLeads for the stops. Stops carry the order of the message
// that caused them: the latest cause wins, as with enrollment.StopLead.
type effects struct {
	seq        int
	stops      map[string]stopEffect // campaign lead id → its latest stop
	leadStops  []leadStop            // stop a lead in every campaign
	stopped    map[string]bool       // leads stopped everywhere by the page
	leadStatus map[string]string     // lead id → new status (from active; the first cause wins)
	suppress   []store.Suppression
	replied    map[string]time.Time // campaign lead id → when it first replied
	pauses     map[string]time.Time // campaign lead id → until
	verified   map[string]verdict   // lead id → address verdict the page proves (the latest wins)
	// Replies whose campaign's reply routes are applied after the stops
	// (route.go).
	routeReplies []routeReply
}

// verdict is what a message proves about a lead's address: a hard bounce
// that it is undeliverable, a human reply that it is deliverable.
type verdict struct{ status, reason, source string }

type stopEffect struct {
	status, reason string
	seq            int
}

type leadStop struct {
	leadID, status, reason string
	seq                    int
}

func (e *effects) init() {
	if e.stops == nil {
		e.stops, e.stopped, e.leadStatus = map[string]stopEffect{}, map[string]bool{}, map[string]string{}
		e.replied, e.pauses = map[string]time.Time{}, map[string]time.Time{}
		e.verified = map[string]verdict{}
	}
}

func (e *effects) stop(clID, status, reason string) {
	e.seq++
	e.stops[clID] = stopEffect{status: status, reason: reason, seq: e.seq}
}

// status is a campaign lead's status once the page's earlier messages are
// taken into account.
func (e *effects) status(cl store.CampaignLead) string {
	if st, stopping := e.stops[cl.ID]; stopping {
		return st.status
	}
	if cl.Status == store.CampaignLeadActive && e.stopped[cl.LeadID] {
		return store.CampaignLeadStopped // by a stop everywhere, expanded at flush
	}
	return cl.Status
}

// active reports whether a campaign lead is still running once the page's
// earlier messages are taken into account.
func (e *effects) active(cl store.CampaignLead) bool {
	return e.status(cl) == store.CampaignLeadActive
}

// act decides what a message does and returns short sentences saying so
// (kept with the message, so the thread can show why a sequence stopped).
func (s *Service) act(ctx context.Context, p *pageState, it *item, mt match) ([]string, error) {
	p.init()
	v := it.verdict
	if suppresses(v) && !mt.found() {
		return []string{"not acted on: it is not about anyone this mailbox sent to"}, nil
	}
	switch v.Kind {
	case classify.KindReply:
		return s.actOnReply(ctx, p, it, mt)
	case classify.KindUnsubscribe:
		return p.suppressAndStop(mt, store.ReasonUnsubscribe, store.LeadUnsubscribed,
			store.CampaignLeadUnsubscribed, "asked to be removed in a reply"), nil
	case classify.KindComplaint:
		return p.suppressAndStop(mt, store.ReasonComplaint, store.LeadUnsubscribed,
			store.CampaignLeadSuppressed, store.ComplaintReason), nil
	case classify.KindBounce:
		if !v.Hard {
			return []string{"soft bounce recorded (" + v.Status + "); the sequence goes on"}, nil
		}
		why := "hard bounce"
		if v.Status != "" {
			why += " " + v.Status
		}
		if mt.cl != nil {
			p.verified[mt.cl.LeadID] = verdict{store.VerifyUndeliverable, "hard_bounce", store.VerifySourceBounce}
		} else if l, ok := p.leadsByAddr[mt.to]; ok {
			p.verified[l.ID] = verdict{store.VerifyUndeliverable, "hard_bounce", store.VerifySourceBounce}
		}
		return p.suppressAndStop(mt, store.ReasonBounce, store.LeadBounced, store.CampaignLeadBounced, why), nil
	case classify.KindAutoReply:
		return s.actOnAutoReply(p, it, mt), nil
	}
	return nil, nil
}

// actOnReply is enrollment.RecordReply for a page: the reply time is kept,
// and enrollment.ReplyStop decides from the campaign lead's status as the
// page's earlier messages left it.
func (s *Service) actOnReply(ctx context.Context, p *pageState, it *item, mt match) ([]string, error) {
	t := mt.cl
	if t == nil {
		return nil, nil
	}
	if at, ok := p.replied[t.ID]; !ok || it.occurredAt.Before(at) {
		p.replied[t.ID] = it.occurredAt
	}
	p.verified[t.LeadID] = verdict{store.VerifyDeliverable, "replied", store.VerifySourceReply}
	p.routeReplies = append(p.routeReplies, routeReply{t.CampaignID, t.ID, it.category.Category, it.msg.Text})
	did := []string{"reply recorded"}
	if status, reason, stopped := enrollment.ReplyStop(p.status(t.CampaignLead), t.Campaign.StopOnReply); status != "" {
		p.stop(t.ID, status, reason)
		if stopped {
			did = []string{"sequence stopped: " + reason}
		}
	}
	if !t.Campaign.StopOnCompanyReply {
		return did, nil
	}
	domain := strings.ToLower(mailmsg.Domain(t.LeadEmail))
	if domain == "" || freeMail[domain] {
		return did, nil
	}
	ids, err := p.q.ActiveCampaignLeadsAtDomain(ctx, t.CampaignID, domain)
	if err != nil {
		return did, err
	}
	n := 0
	for _, id := range ids {
		if _, stopping := p.stops[id]; id == t.ID || stopping {
			continue
		}
		p.stop(id, store.CampaignLeadStopped, "someone at "+domain+" replied")
		n++
	}
	if n > 0 {
		did = append(did, fmt.Sprintf("stopped %d other lead(s) at %s", n, domain))
	}
	return did, nil
}

// actOnAutoReply pauses the lead's next step until an out-of-office's
// return date, or stops the sequence when the campaign stops on
// auto-replies.
func (s *Service) actOnAutoReply(p *pageState, it *item, mt match) []string {
	t := mt.cl
	if t == nil || !p.active(t.CampaignLead) {
		return nil
	}
	if t.Campaign.StopOnAutoReply {
		p.stop(t.ID, store.CampaignLeadStopped, "an automatic reply came back (the campaign stops on auto-replies)")
		return []string{"sequence stopped: automatic reply"}
	}
	if it.verdict.AutoReplyKind != classify.AutoReplyOutOfOffice {
		return nil
	}
	until := it.occurredAt.Add(s.cfg.OutOfOfficePause)
	if rd := it.verdict.ReturnDate; rd != nil {
		until = *rd
	}
	if !until.After(p.now) {
		return []string{"out of office, already back: the sequence goes on"}
	}
	p.pauses[t.ID] = until
	return []string{"out of office: next step paused until " + until.UTC().Format(time.DateOnly)}
}

// leadRef is a lead a message is about.
type leadRef struct{ id, email, status string }

// suppressAndStop suppresses the recipient of the message of ours that a
// report or request answers (match.proven), marks their lead with leadStatus and
// stops it in every campaign with clStatus: what a hard bounce, an
// unsubscribe request or a complaint does. The other addresses a report
// lists are not acted on: the recipient's is the only one it proves.
func (p *pageState) suppressAndStop(mt match, reason, leadStatus, clStatus, why string) []string {
	var lead *leadRef
	addr := mt.to
	if mt.cl != nil {
		lead, addr = &leadRef{mt.cl.LeadID, mt.cl.LeadEmail, mt.cl.LeadStatus}, normalizeAddr(mt.cl.LeadEmail)
	} else if l, ok := p.leadsByAddr[mt.to]; ok {
		lead = &leadRef{l.ID, l.Email, l.Status}
	}
	if addr == "" || lead != nil && lead.status == store.LeadErased {
		return nil // an erased person is suppressed by hash already
	}
	p.suppress = append(p.suppress, store.Suppression{Kind: store.SuppressEmail, Value: addr, Reason: reason,
		Source: "inbox sync: " + why})
	did := []string{"suppressed " + addr + " (" + reason + ")"}
	if lead == nil {
		return did
	}
	if _, set := p.leadStatus[lead.id]; !set && lead.status == store.LeadActive {
		p.leadStatus[lead.id] = leadStatus
	}
	p.seq++
	p.leadStops = append(p.leadStops, leadStop{leadID: lead.id, status: clStatus, reason: why, seq: p.seq})
	p.stopped[lead.id] = true
	return append(did, "every sequence of "+lead.email+" stopped ("+clStatus+")")
}

// flushEffects writes the page's effects: suppressions, lead statuses,
// out-of-office pauses, stops with their reply times
// (enrollment.StopRepliedLeads, one call per status and reason: jobs canceled,
// campaigns that have no active lead left completed) and the reply times of
// campaign leads that go on.
func (p *pageState) flushEffects(ctx context.Context) error {
	p.init()
	q := p.q
	if len(p.suppress) > 0 {
		added, err := q.AddNewSuppressions(ctx, p.suppress)
		if err != nil {
			return err
		}
		p.events = append(p.events, event.SuppressionsAdded(added)...)
	}
	byStatus := map[string][]string{}
	for id, st := range p.leadStatus {
		byStatus[st] = append(byStatus[st], id)
	}
	for st, ids := range byStatus {
		if err := q.SetLeadsStatus(ctx, ids, st); err != nil {
			return err
		}
	}
	if err := p.flushVerified(ctx); err != nil {
		return err
	}
	if len(p.leadStops) > 0 {
		if err := p.expandLeadStops(ctx); err != nil {
			return err
		}
	}
	for id := range p.stops {
		delete(p.pauses, id)
	}
	if len(p.pauses) > 0 {
		if err := q.PauseCampaignLeads(ctx, p.pauses); err != nil {
			return err
		}
	}
	// A stopped campaign lead's reply time (the message's, not the page's)
	// is written by the statement that stops it; the others' alone.
	groups := map[[2]string][]string{}
	for id, st := range p.stops {
		k := [2]string{st.status, st.reason}
		groups[k] = append(groups[k], id)
	}
	for _, k := range slices.SortedFunc(maps.Keys(groups), compareKeys) {
		ids := groups[k]
		slices.Sort(ids)
		if _, err := enrollment.StopRepliedLeads(ctx, p.tx, p.t.WorkspaceID, ids, p.replied, k[0], k[1], p.now); err != nil {
			return err
		}
	}
	going := map[string]time.Time{}
	for id, at := range p.replied {
		if _, stopped := p.stops[id]; !stopped {
			going[id] = at
		}
	}
	return q.MarkCampaignLeadsReplied(ctx, going)
}

// flushVerified writes the address verdicts the page's bounces and replies
// prove (internal/verify keeps them over a later DNS check).
func (p *pageState) flushVerified(ctx context.Context) error {
	byVerdict := map[verdict][]string{}
	for id, v := range p.verified {
		byVerdict[v] = append(byVerdict[v], id)
	}
	for v, ids := range byVerdict {
		slices.Sort(ids)
		if err := p.q.SetLeadsVerification(ctx, ids, v.status, v.reason, v.source, p.now); err != nil {
			return err
		}
	}
	return nil
}

func compareKeys(a, b [2]string) int {
	if c := strings.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return strings.Compare(a[1], b[1])
}

// expandLeadStops turns "stop this lead everywhere" into stops of its
// active campaign leads, unless a later message of the page stopped one
// otherwise.
func (p *pageState) expandLeadStops(ctx context.Context) error {
	var ids []string
	for _, ls := range p.leadStops {
		ids = append(ids, ls.leadID)
	}
	cls, err := p.q.ActiveCampaignLeadsOfLeads(ctx, unique(ids))
	if err != nil {
		return err
	}
	byLead := map[string][]store.CampaignLead{}
	for _, cl := range cls {
		byLead[cl.LeadID] = append(byLead[cl.LeadID], cl)
	}
	for _, ls := range p.leadStops {
		for _, cl := range byLead[ls.leadID] {
			if cur, ok := p.stops[cl.ID]; ok && cur.seq > ls.seq {
				continue
			}
			p.stops[cl.ID] = stopEffect{status: ls.status, reason: ls.reason, seq: ls.seq}
		}
	}
	return nil
}

// normalizeAddr is an address as leads and suppressions store it.
func normalizeAddr(a string) string { return strings.ToLower(strings.TrimSpace(a)) }

// freeMail are mailbox providers whose domain is no company: a reply from
// one person at gmail.com says nothing about the other leads there.
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "outlook.com": true, "hotmail.com": true, "live.com": true,
	"msn.com": true, "yahoo.com": true, "ymail.com": true, "icloud.com": true, "me.com": true, "mac.com": true,
	"aol.com": true, "proton.me": true, "protonmail.com": true, "gmx.com": true, "gmx.de": true, "gmx.net": true,
	"web.de": true, "mail.ru": true, "yandex.ru": true, "yandex.com": true, "qq.com": true, "163.com": true,
	"zoho.com": true, "fastmail.com": true, "hey.com": true, "orange.fr": true, "free.fr": true, "laposte.net": true,
}
