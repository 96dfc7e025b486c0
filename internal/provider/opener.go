package provider

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/store"
)

// Opener connects to the mailbox of one mailbox row of one provider kind.
// The send engine and the reply loop each take a map of them keyed by the
// row's provider ("sandbox", "gmail"…): the engine opens each mailbox once
// per batch and closes it after, sync once per pass. The app builds the
// map (internal/app/sending.go) from the sandbox and the connect registry.
type Opener func(ctx context.Context, workspaceID string, mailbox store.Mailbox) (Mailbox, error)
