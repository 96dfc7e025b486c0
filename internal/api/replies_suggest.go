package api

import (
	"net/http"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/problem"
)

// suggestReply proposes a reply to a conversation for a person to edit and
// send; nothing is sent or stored.
func (a *API) suggestReply(w http.ResponseWriter, r *http.Request, p account.Principal) error {
	if a.Assist == nil || a.Replies == nil {
		return problem.New(problem.Unavailable, "ai_unavailable", "Suggested replies are not configured on this server.")
	}
	t, err := a.Replies.Thread(r.Context(), p.WorkspaceID, r.PathValue("id"), false)
	if err != nil {
		return err
	}
	s, err := a.Assist.SuggestForThread(r.Context(), p.WorkspaceID, p.User.ID, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}
