package web

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/store"
)

// alertSource finds one kind of workspace-wide problem (a disconnected
// mailbox, a blocked campaign) for the strip at the top of every page.
type alertSource func(ctx context.Context, s store.Scope) ([]alert, error)

// alertSources are checked on every signed-in page, in this order; keep
// each one a single indexed query.
var alertSources []alertSource

// alerts collects the workspace's current problems.
func (w *Web) alerts(ctx context.Context, p account.Principal) ([]alert, error) {
	scope := w.Store.InWorkspace(p.WorkspaceID)
	var all []alert
	for _, src := range alertSources {
		list, err := src(ctx, scope)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	return all, nil
}
