package web

import (
	"encoding/json"
	"net/http"
)

// flashCookie carries a one-time message from a POST to the page it
// redirects to. It is sealed with a key derived from the app's key ring for
// this purpose alone (flashPurpose), so the text a user sees is always text
// this server wrote, on any replica, and a cookie is never sealed or opened
// with the keys of stored credentials.
const flashCookie = "leadbitz_flash"

const flashPurpose = "web flash cookie"

var flashAD = []byte("leadbitz web flash v1")

// flash is the result of the last action: "success" or "error".
type flash struct {
	Kind    string `json:"k"`
	Message string `json:"m"`
}

func (w *Web) setFlash(rw http.ResponseWriter, f flash) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	sealed, err := w.flashKeys.Encrypt(data, flashAD)
	if err != nil {
		return err
	}
	http.SetCookie(rw, &http.Cookie{Name: flashCookie, Value: sealed, Path: "/", HttpOnly: true,
		Secure: w.Config.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: 60})
	return nil
}

// redirectWithError finishes a POST that could not do its work: the
// browser goes to path and shows message there as an error (the success
// counterpart is view.redirect).
func (w *Web) redirectWithError(rw http.ResponseWriter, r *http.Request, path, message string) error {
	if err := w.setFlash(rw, flash{Kind: "error", Message: message}); err != nil {
		return err
	}
	http.Redirect(rw, r, path, http.StatusSeeOther)
	return nil
}

// takeFlash reads and clears the flash message; a missing, expired or
// forged cookie is simply no message.
func (w *Web) takeFlash(rw http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(rw, &http.Cookie{Name: flashCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: w.Config.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	data, err := w.flashKeys.Decrypt(c.Value, flashAD)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(data, &f) != nil || f.Message == "" {
		return nil
	}
	return &f
}
