package app

import (
	"time"

	"github.com/leadbitz/leadbitz/internal/ops"
	"github.com/leadbitz/leadbitz/internal/scheduler"
	"github.com/leadbitz/leadbitz/internal/signin"
)

// AccountUpkeepEvery is how often expired sessions, stale login failure
// counts and old security events are deleted.
const AccountUpkeepEvery = time.Hour

// accountUpkeepTask purges what the account rules no longer need.
func (a *App) accountUpkeepTask() scheduler.Task {
	return scheduler.Task{Name: ops.TaskAccountUpkeep, Every: AccountUpkeepEvery, Run: a.Accounts.Purge}
}

// initSignin builds signing in with Google and Microsoft from the mailbox
// apps' client ids and secrets; a provider without a client id has no
// button. Its calls to the providers go through the HTTP client mailbox
// connection uses, so it comes after initConnect.
func (a *App) initSignin() error {
	c := a.Config
	var err error
	a.Signin, err = signin.New(signin.Config{Store: a.Store, Env: a.Env, Keys: a.Keys, Accounts: a.Accounts, BaseURL: c.BaseURL,
		HTTPClient: a.Connect.HTTPClient(), Limiter: a.Limiter,
		Google: signin.App{ClientID: c.GoogleClientID, ClientSecret: c.GoogleClientSecret, BaseURL: c.GoogleOAuthBaseURL},
		Microsoft: signin.App{ClientID: c.MicrosoftClientID, ClientSecret: c.MicrosoftClientSecret,
			BaseURL: c.MicrosoftLoginBaseURL, Tenant: c.MicrosoftTenant}})
	return err
}
