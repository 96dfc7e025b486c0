package app

import (
	"context"
	"time"

	"github.com/leadbitz/leadbitz/internal/bounceguard"
	"github.com/leadbitz/leadbitz/internal/connect"
	"github.com/leadbitz/leadbitz/internal/netguard"
	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/scheduler"
)

// GuardEvery is how often the bounce guard checks campaigns and mailboxes;
// bounces arrive with the inbox sync, once a minute.
const GuardEvery = time.Minute

// initConnect builds the mailbox connections service (the provider
// registry of the real mailboxes) and the bounce guard. It needs the store
// and the keys; the send engine and the reply loop open mailboxes through
// it, so it comes before them.
func (a *App) initConnect() error {
	c := a.Config
	var err error
	a.Connect, err = connect.New(connect.Config{Store: a.Store, Keys: a.Keys, BaseURL: c.BaseURL, Env: a.Env,
		MaxInboundBytes: c.MaxInboundBytes,
		Guard:           netguard.New(netguard.Options{Allow: c.AllowPrivateNetworks}), Limiter: a.Limiter,
		Google: connect.OAuthApp{ClientID: c.GoogleClientID, ClientSecret: c.GoogleClientSecret,
			AuthBaseURL: c.GoogleOAuthBaseURL, APIBaseURL: c.GmailAPIBaseURL},
		Microsoft: connect.OAuthApp{ClientID: c.MicrosoftClientID, ClientSecret: c.MicrosoftClientSecret,
			AuthBaseURL: c.MicrosoftLoginBaseURL, APIBaseURL: c.GraphAPIBaseURL, Tenant: c.MicrosoftTenant},
	})
	a.BounceGuard = &bounceguard.Guard{Store: a.Store, Env: a.Env}
	return err
}

// guardTask is the scheduler's periodic mailbox upkeep: the bounce guard,
// then closing the clients of mailboxes deleted, paused or disconnected
// meanwhile.
func (a *App) guardTask() scheduler.Task {
	return scheduler.Task{Name: ops.TaskBounceGuard, Every: GuardEvery, Timeout: 5 * time.Minute,
		Run: func(ctx context.Context) error {
			if _, err := a.BounceGuard.Check(ctx); err != nil {
				return err
			}
			_, err := a.Connect.Prune(ctx)
			return err
		}}
}
