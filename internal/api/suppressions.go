package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/lead"
	"github.com/leadbitz/leadbitz/internal/store"
)

func (a *API) listSuppressions(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	limit, err := listLimit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := a.Leads.Suppressions(r.Context(), p, lead.SuppressionQuery{Search: q.Get("q"), Kind: q.Get("kind")},
		q.Get("cursor"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, limit, func(s store.Suppression) string { return s.ID }))
	return nil
}

// addSuppression answers 201 with a new entry, 200 with the one that
// already suppressed the address or domain.
func (a *API) addSuppression(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in lead.SuppressionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sup, created, err := a.Leads.AddSuppression(r.Context(), p, meta(r), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, sup)
	return nil
}

func (a *API) removeSuppression(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Leads.RemoveSuppression(r.Context(), p, meta(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// importSuppressions adds the addresses and domains of a CSV file, read as
// it streams in; the optional fields reason and source must come before the
// file part to apply (they default to manual and "csv import").
func (a *API) importSuppressions(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var result lead.SuppressionImport
	fields := map[string]string{}
	err := a.readImportForm(r, fields, func(file io.Reader) error {
		var err error
		lr := &limitedReader{r: file, left: a.Config.ImportMaxBytes}
		result, err = a.Leads.ImportSuppressions(r.Context(), p, meta(r), lr, fields["reason"], fields["source"])
		if errors.Is(err, errFileTooLarge) {
			return tooLarge(a.Config.ImportMaxBytes)
		}
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, result)
	return nil
}
