package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/mailbox"
	"github.com/leadbitz/leadbitz/internal/store"
)

// How long a page waits for DNS before it shows what it has. The lookups
// go on in the background and are cached, so a reload a few seconds later
// shows their answer; a dead resolver never holds a page for long.
const (
	mailboxDNSWait   = 4 * time.Second
	dashboardDNSWait = 2 * time.Second
)

// dnsSection is the mailbox page's DNS checks; nil for a sandbox mailbox.
type dnsSection struct {
	dnscheck.Report
	Rows []dnsRow
}

type dnsRow struct {
	dnscheck.Check
	Label string // MX, SPF, DKIM, DMARC
	What  string // what the record is for, in a few words
}

var dnsLabels = map[string][2]string{
	dnscheck.MX:    {"MX", "where replies and bounces are delivered"},
	dnscheck.SPF:   {"SPF", "which servers may send for the domain"},
	dnscheck.DKIM:  {"DKIM", "the key that signs your emails"},
	dnscheck.DMARC: {"DMARC", "what receivers do with mail that fails SPF and DKIM"},
}

// mailboxDNS checks a real mailbox's domain, waiting at most mailboxDNSWait.
func (w *Web) mailboxDNS(ctx context.Context, mb mailbox.View) *dnsSection {
	if mb.Provider == store.ProviderSandbox || w.DNS == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, mailboxDNSWait)
	defer cancel()
	rep := w.DNS.Check(ctx, dnscheck.DomainOf(mb.Email), mb.Provider)
	s := &dnsSection{Report: rep}
	for _, c := range rep.Checks {
		l := dnsLabels[c.Name]
		s.Rows = append(s.Rows, dnsRow{Check: c, Label: l[0], What: l[1]})
	}
	return s
}

// recheckMailboxDNS forgets the cached report so the page looks again
// (after the user published a record).
func (w *Web) recheckMailboxDNS(rw http.ResponseWriter, r *http.Request, v *view) error {
	mb, err := w.Mailboxes.Get(r.Context(), v.P.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if w.DNS != nil && mb.Provider != store.ProviderSandbox {
		w.DNS.Forget(dnscheck.DomainOf(mb.Email), mb.Provider)
	}
	return v.redirect(rw, "/mailboxes/"+mb.ID+"#dns", "Looked up the DNS records of "+dnscheck.DomainOf(mb.Email)+" again.")
}

// dnsChecked is the checklist's "Check DNS" step: done when the workspace
// has a mailbox and no real mailbox's domain fails a check. A domain that
// could not be checked (no answer in time) does not hold the step back;
// its mailbox page says so. link is the DNS section of the first mailbox
// whose domain fails.
func (w *Web) dnsChecked(ctx context.Context, s store.Scope) (done bool, link string, err error) {
	list, err := s.Mailboxes(ctx)
	if err != nil || len(list) == 0 || w.DNS == nil {
		return false, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, dashboardDNSWait)
	defer cancel()
	failed := make([]bool, len(list))
	var wg sync.WaitGroup
	for i, mb := range list {
		if mb.Provider == store.ProviderSandbox {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Mailboxes of one domain share one cached report.
			failed[i] = w.DNS.Check(ctx, dnscheck.DomainOf(mb.Email), mb.Provider).Failed()
		}()
	}
	wg.Wait()
	for i, f := range failed {
		if f {
			return false, "/mailboxes/" + list[i].ID + "#dns", nil
		}
	}
	return true, "", nil
}
