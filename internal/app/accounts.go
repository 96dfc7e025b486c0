package app

import (
	"time"

	"github.com/leadbitz/leadbitz/internal/scheduler"
)

// AccountUpkeepEvery is how often expired sessions, stale login failure
// counts and old security events are deleted.
const AccountUpkeepEvery = time.Hour

// accountUpkeepTask purges what the account rules no longer need.
func (a *App) accountUpkeepTask() scheduler.Task {
	return scheduler.Task{Name: "account_upkeep", Every: AccountUpkeepEvery, Run: a.Accounts.Purge}
}
