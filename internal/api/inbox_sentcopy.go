package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// detectSentCopy is POST /api/inboxes/{id}/sent-copy/detect {apply}: a test
// send tells whether the SMTP server files submitted mail in Sent itself;
// with apply, a server that does has the mailbox skip its own copy.
func (a *API) detectSentCopy(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in struct {
		Apply bool `json:"apply"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	res, err := a.Connect.DetectSentCopy(r.Context(), p, r.PathValue("id"), in.Apply, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// setSentCopy is PUT /api/inboxes/{id}/sent-copy {skipSentCopy}.
func (a *API) setSentCopy(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in struct {
		SkipSentCopy *bool `json:"skipSentCopy"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.SkipSentCopy == nil {
		return problem.InvalidField("skipSentCopy", "is required: true skips the copy to Sent, false makes it")
	}
	res, err := a.Connect.SetSkipSentCopy(r.Context(), p, r.PathValue("id"), *in.SkipSentCopy, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
