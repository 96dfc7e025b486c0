package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// The account lifecycle: verification, invitations, members, recovery.

type tokenBody struct {
	Token string `json:"token"`
}

func (a *API) verifyEmail(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	var in tokenBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	user, err := a.Accounts.VerifyEmail(r.Context(), in.Token, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": user})
	return nil
}

func (a *API) resendVerification(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Accounts.ResendVerification(r.Context(), p, meta(r)); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"sent": true})
	return nil
}

// forgotPassword sends the answer, complete, before the account service
// looks the address up and mails it: the answer and its time are the same
// for every address.
func (a *API) forgotPassword(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	after, err := a.Accounts.ForgotPassword(r.Context(), in.Email, meta(r))
	if err != nil {
		return err
	}
	defer after()
	body := map[string]any{"message": "If an account has this address, a link to choose a new password is on its way; it works for an hour."}
	if !a.Accounts.MailConfigured() {
		body["message"] = "We cannot mail the link: " + systemmail.NotConfiguredSentence + "."
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	writeJSONBytes(w, http.StatusAccepted, data)
	httpserver.Flush(w)
	return nil
}

func (a *API) resetPassword(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	var in account.ResetInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := a.Accounts.ResetPassword(r.Context(), in, meta(r)); err != nil {
		return err
	}
	httpserver.ClearSessionCookie(w, a.Config.SecureCookies())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) requestEmailChange(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in account.ChangeEmailInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := a.Accounts.RequestEmailChange(r.Context(), p, in, meta(r)); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"sent": true})
	return nil
}

func (a *API) confirmEmailChange(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	var in tokenBody
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	user, err := a.Accounts.ConfirmEmailChange(r.Context(), in.Token, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": user})
	return nil
}

func (a *API) deleteMe(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Accounts.DeleteAccount(r.Context(), p, meta(r)); err != nil {
		return err
	}
	httpserver.ClearSessionCookie(w, a.Config.SecureCookies())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) createInvitation(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in account.InvitationInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	inv, err := a.Accounts.Invite(r.Context(), p, r.PathValue("id"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inv)
	return nil
}

func (a *API) listInvitations(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	list, err := a.Accounts.Invitations(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pageOf(list, len(list), func(store.Invitation) string { return "" }))
	return nil
}

func (a *API) revokeInvitation(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Accounts.RevokeInvitation(r.Context(), p, r.PathValue("id"), r.PathValue("invitationId"), meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// acceptInvitation joins with the browser's session when it has one, else
// creates the invited account and signs it in. An API key cannot accept.
func (a *API) acceptInvitation(w http.ResponseWriter, r *http.Request, _ account.Principal) error {
	var in account.AcceptInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var signedIn *account.Principal
	if p, err := httpserver.AuthenticateSession(r, a.Accounts); err == nil {
		signedIn = &p
	}
	out, err := a.Accounts.AcceptInvitation(r.Context(), signedIn, in, meta(r))
	if err != nil {
		return err
	}
	if out.Session != "" {
		httpserver.SetSessionCookie(w, out.Session, a.Config.SecureCookies())
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": out.User, "workspace": out.Workspace})
	return nil
}

func (a *API) changeMemberRole(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in account.RoleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	m, err := a.Accounts.ChangeMemberRole(r.Context(), p, r.PathValue("id"), r.PathValue("userId"), in, meta(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Accounts.RemoveMember(r.Context(), p, r.PathValue("id"), r.PathValue("userId"), meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) leaveWorkspace(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if err := a.Accounts.LeaveWorkspace(r.Context(), p, r.PathValue("id"), meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) transferOwnership(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	var in account.TransferInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := a.Accounts.TransferOwnership(r.Context(), p, r.PathValue("id"), in, meta(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
