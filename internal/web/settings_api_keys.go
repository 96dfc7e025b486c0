package web

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

// apiKeysData is the API keys page.
type apiKeysData struct {
	Keys    []store.APIKey
	Created *account.NewAPIKey // set once, on the page that answers the create form
}

func (w *Web) apiKeys(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = emptyForm(nil)
	if err := w.loadAPIKeys(v); err != nil {
		return err
	}
	return v.render(rw, http.StatusOK)
}

func (w *Web) loadAPIKeys(v *view) error {
	v.Title, v.Nav, v.Tab = "API keys", "settings", "api-keys"
	keys, err := w.Accounts.APIKeys(v.r.Context(), v.P)
	v.Data = apiKeysData{Keys: keys}
	return err
}

// createAPIKey answers with the new token on the page itself instead of a
// redirect: the token exists only in this response (the database keeps a
// hash), and the page is no-store so it is not cached anywhere.
func (w *Web) createAPIKey(rw http.ResponseWriter, r *http.Request, v *view) error {
	v.Form = newForm(r)
	key, err := w.Accounts.CreateAPIKey(r.Context(), v.P, v.Form.Get("name"), meta(r))
	if err != nil {
		if lerr := w.loadAPIKeys(v); lerr != nil {
			return lerr
		}
		v.page = "settings_api_keys"
		return v.formFailed(rw, err)
	}
	v.Title, v.Nav, v.Tab = "API key created", "settings", "api-keys"
	v.Data = apiKeysData{Created: &key}
	return v.render(rw, http.StatusCreated)
}

// apiKeyOf finds a live key the user may manage; ErrNotFound for another
// workspace's key, exactly as for a missing one, and 403 for another
// member's key when the user is a member (account.Service.APIKey).
func (w *Web) apiKeyOf(v *view, id string) (store.APIKey, error) {
	k, err := w.Accounts.APIKey(v.r.Context(), v.P, id)
	if err == nil && k.RevokedAt != nil {
		err = store.ErrNotFound
	}
	return k, err
}

// confirmRevokeAPIKey names the consequence before a revoke.
func (w *Web) confirmRevokeAPIKey(rw http.ResponseWriter, r *http.Request, v *view) error {
	key, err := w.apiKeyOf(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Tab, v.Data = "Revoke API key", "settings", "api-keys", key
	return v.render(rw, http.StatusOK)
}

func (w *Web) revokeAPIKey(rw http.ResponseWriter, r *http.Request, v *view) error {
	key, err := w.apiKeyOf(v, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := w.Accounts.RevokeAPIKey(r.Context(), v.P, key.ID, meta(r)); err != nil {
		return err
	}
	return v.redirect(rw, "/settings/api-keys", "Revoked “"+key.Name+"”. Scripts using it now get 401 Unauthorized.")
}
