package webhook

import (
	"context"
	"errors"
	"strings"

	"github.com/leadbitz/leadbitz/internal/store"
	"github.com/leadbitz/leadbitz/internal/systemmail"
)

// disabledHook is an endpoint a batch of attempts disabled, and why.
type disabledHook struct {
	w      store.Webhook
	reason string
}

// mailDisabled tells the workspace's owners and admins by mail that an
// endpoint was disabled, besides the in-app notice record wrote with the
// change. It runs after that transaction committed, so a mail is never
// sent for a change that did not happen; a mail that fails is logged and
// not retried (the notice stays).
func (s *Service) mailDisabled(ctx context.Context, d disabledHook) {
	if s.mailer == nil || !s.mailer.Configured() {
		return
	}
	log := s.env.Log()
	to, name, err := s.admins(ctx, d.w.WorkspaceID)
	if err != nil {
		log.ErrorContext(ctx, "webhook disabled: cannot list the admins to mail", "err", err)
		return
	}
	link := strings.TrimSuffix(s.baseURL, "/") + "/settings/webhooks/" + d.w.ID
	for _, addr := range to {
		err := s.mailer.Send(ctx, systemmail.Message{To: addr, Kind: systemmail.WebhookDisabled, Link: link,
			Data: map[string]string{"Workspace": name, "URL": d.w.URL, "Reason": d.reason}})
		if err != nil && !errors.Is(err, systemmail.ErrNotConfigured) {
			log.WarnContext(ctx, "webhook disabled: mail to an admin not sent", "webhook_id", d.w.ID, "err", err)
		}
	}
}

// admins are the addresses of a workspace's owners and admins, and its
// name.
func (s *Service) admins(ctx context.Context, ws string) ([]string, string, error) {
	name, err := s.st.WorkspaceName(ctx, ws)
	if err != nil {
		return nil, "", err
	}
	members, err := s.st.InWorkspace(ws).Members(ctx)
	if err != nil {
		return nil, "", err
	}
	var to []string
	for _, m := range members {
		if !m.Pending && (m.Role == store.RoleOwner || m.Role == store.RoleAdmin) {
			to = append(to, m.Email)
		}
	}
	return to, name, nil
}
