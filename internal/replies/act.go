package replies

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leadbitz/leadbitz/internal/inbound"
	"github.com/leadbitz/leadbitz/internal/mailmsg"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
)

// act applies what a message means to the lead and its sequences, in the
// page's transaction, and returns short sentences saying what it did (kept
// with the message, so the thread can show why a sequence stopped).
func (s *Service) act(ctx context.Context, p *pageState, it *item, mt match) ([]string, error) {
	v := it.verdict
	switch v.Kind {
	case inbound.KindReply:
		return s.actOnReply(ctx, p, it, mt)
	case inbound.KindUnsubscribe:
		return p.suppressAndStop(ctx, mt, v.Recipients, store.ReasonUnsubscribe, store.LeadUnsubscribed,
			store.CampaignLeadUnsubscribed, "asked to be removed in a reply")
	case inbound.KindComplaint:
		return p.suppressAndStop(ctx, mt, v.Recipients, store.ReasonComplaint, store.LeadUnsubscribed,
			store.CampaignLeadSuppressed, "marked our message as spam")
	case inbound.KindBounce:
		if !v.Hard {
			return []string{"soft bounce recorded (" + v.Status + "); the sequence goes on"}, nil
		}
		why := "hard bounce"
		if v.Status != "" {
			why += " " + v.Status
		}
		return p.suppressAndStop(ctx, mt, v.Recipients, store.ReasonBounce, store.LeadBounced,
			store.CampaignLeadBounced, why)
	case inbound.KindAutoReply:
		return s.actOnAutoReply(ctx, p, it, mt)
	}
	return nil, nil
}

func (s *Service) actOnReply(ctx context.Context, p *pageState, it *item, mt match) ([]string, error) {
	if mt.cl == nil {
		return nil, nil
	}
	var did []string
	stopped, err := sending.RecordReply(ctx, p.tx, p.t.WorkspaceID, mt.cl.ID, it.occurredAt)
	if err != nil {
		return nil, err
	}
	if stopped {
		did = append(did, "sequence stopped: the lead replied")
	} else {
		did = append(did, "reply recorded")
	}
	set, err := p.replySettings(ctx, mt.cl.CampaignID)
	if err != nil || !set.StopOnCompanyReply {
		return did, err
	}
	lead, err := p.lead(ctx, mt.cl.LeadID)
	if err != nil {
		return did, err
	}
	domain := strings.ToLower(mailmsg.Domain(lead.Email))
	if domain == "" || freeMail[domain] {
		return did, nil
	}
	ids, err := p.q.ActiveCampaignLeadsAtDomain(ctx, mt.cl.CampaignID, domain)
	if err != nil {
		return did, err
	}
	n := 0
	for _, id := range ids {
		if id == mt.cl.ID {
			continue
		}
		if err := sending.StopLead(ctx, p.tx, p.t.WorkspaceID, id, store.CampaignLeadStopped,
			"someone at "+domain+" replied"); err != nil {
			return did, err
		}
		n++
	}
	if n > 0 {
		did = append(did, fmt.Sprintf("stopped %d other lead(s) at %s", n, domain))
	}
	return did, nil
}

func (s *Service) actOnAutoReply(ctx context.Context, p *pageState, it *item, mt match) ([]string, error) {
	if mt.cl == nil || mt.cl.Status != store.CampaignLeadActive {
		return nil, nil
	}
	set, err := p.replySettings(ctx, mt.cl.CampaignID)
	if err != nil {
		return nil, err
	}
	ooo := it.verdict.AutoReplyKind == inbound.AutoReplyOutOfOffice
	if set.StopOnAutoReply {
		if err := sending.StopLead(ctx, p.tx, p.t.WorkspaceID, mt.cl.ID, store.CampaignLeadStopped,
			"an automatic reply came back (the campaign stops on auto-replies)"); err != nil {
			return nil, err
		}
		return []string{"sequence stopped: automatic reply"}, nil
	}
	if !ooo {
		return nil, nil
	}
	until := it.occurredAt.Add(s.cfg.OutOfOfficePause)
	if rd := it.verdict.ReturnDate; rd != nil {
		until = *rd
	}
	if !until.After(p.now) {
		return []string{"out of office, already back: the sequence goes on"}, nil
	}
	if _, err := p.q.PauseCampaignLeadUntil(ctx, mt.cl.ID, until, p.now); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		return nil, err
	}
	return []string{"out of office: next step paused until " + until.UTC().Format(time.DateOnly)}, nil
}

// suppressAndStop writes suppressions for the addresses (and the matched
// lead's), marks their leads with leadStatus and stops them in every
// campaign with clStatus.
func (p *pageState) suppressAndStop(ctx context.Context, mt match, addrs []string, reason, leadStatus, clStatus, why string) ([]string, error) {
	var leads []store.Lead
	seen := map[string]bool{}
	if mt.leadID != "" {
		l, err := p.lead(ctx, mt.leadID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil && l.Status != store.LeadErased {
			leads = append(leads, l)
			addrs = append(addrs, l.Email)
			seen[l.ID] = true
		}
	}
	var did []string
	done := map[string]bool{}
	for _, a := range addrs {
		a = normalizeAddr(a)
		if a == "" || done[a] {
			continue
		}
		done[a] = true
		sup := store.Suppression{Kind: store.SuppressEmail, Value: a, Reason: reason, Source: "inbox sync: " + why}
		created, err := p.q.AddSuppression(ctx, &sup)
		if err != nil {
			return did, err
		}
		if created {
			did = append(did, "suppressed "+a+" ("+reason+")")
		}
		l, err := p.leadByEmail(ctx, a)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return did, err
		}
		if !seen[l.ID] && l.Status != store.LeadErased {
			seen[l.ID] = true
			leads = append(leads, l)
		}
	}
	for _, l := range leads {
		if l.Status == store.LeadActive {
			if err := p.q.SetLeadStatus(ctx, l.ID, leadStatus); err != nil {
				return did, err
			}
			l.Status = leadStatus
			p.leads[l.ID] = l
		}
		n, err := sending.StopLeadEverywhere(ctx, p.tx, p.t.WorkspaceID, l.ID, clStatus, why)
		if err != nil {
			return did, err
		}
		if n > 0 {
			did = append(did, fmt.Sprintf("stopped %d sequence(s) of %s", n, l.Email))
		}
	}
	return did, nil
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
