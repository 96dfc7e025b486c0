package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/dnscheck"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// mailboxDNS reports the MX, SPF, DKIM and DMARC checks of a mailbox's
// domain. Reports are cached a few minutes; ?fresh=true looks again (after
// fixing a record).
func (a *API) mailboxDNS(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	mb, err := a.Mailboxes.Get(r.Context(), p.WorkspaceID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if mb.Provider == store.ProviderSandbox {
		return problem.New(problem.Conflict, "sandbox_mailbox",
			"A sandbox mailbox sends no real email, so there is no DNS to check; connect a Gmail, Microsoft 365 or SMTP mailbox.")
	}
	if a.DNS == nil {
		return problem.New(problem.Unavailable, "dns_unavailable", "DNS checks are not available on this server.")
	}
	domain := dnscheck.DomainOf(mb.Email)
	if r.URL.Query().Get("fresh") == "true" {
		a.DNS.Forget(domain, mb.Provider)
	}
	writeJSON(w, http.StatusOK, a.DNS.Check(r.Context(), domain, mb.Provider))
	return nil
}
