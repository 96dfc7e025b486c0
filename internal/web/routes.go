package web

import (
	"net/http"
	"slices"

	"github.com/leadbitz/leadbitz/internal/store"
)

// Access says who may open a page.
type Access int

const (
	Public    Access = iota // anyone (logout works without a session)
	Guest                   // logged-out visitors; a logged-in user is sent to the dashboard
	User                    // a session; no workspace needed
	Workspace               // a session with an active workspace
)

// The workspace roles a page can require (Route.Role), weakest first; each
// has every right of the ones before it (account.RoleAllows). The API's
// route table (internal/api/routes.go) gives the same actions the same
// roles.
const (
	Member = store.RoleMember // campaigns, sequences, leads, replies; reads everything
	Admin  = store.RoleAdmin  // also mailboxes, deletions, settings, members, audit
	Owner  = store.RoleOwner  // also owners
)

// Route is one line of the route table: the page a method+path renders and
// who may open it. Page is the template in templates/pages/ the handler
// renders ("" for handlers that only redirect); New checks every one exists.
// Role is the least role in the active workspace a Workspace page needs
// ("" for the others); wrap enforces it with a 403 page. A Workspace page
// without one is treated as Admin (refuse rather than grant), and
// TestEveryPageHasARole fails.
type Route struct {
	Method string
	Path   string
	Access Access
	Page   string
	handle handlerFunc
	Role   string
}

// Routes is the browser app's route table.
func (w *Web) Routes() []Route {
	get, post := http.MethodGet, http.MethodPost
	return []Route{
		// Accounts.
		{get, "/signup", Guest, "signup", w.signupForm, ""},
		{post, "/signup", Guest, "signup", w.signup, ""},
		{get, "/login", Guest, "login", w.loginForm, ""},
		{post, "/login", Guest, "login", w.login, ""},
		{post, "/logout", Public, "", w.logout, ""},
		{get, "/forgot", Guest, "forgot", w.forgotForm, ""},
		{post, "/forgot", Guest, "forgot", w.forgot, ""},
		{get, "/reset", Public, "reset", w.resetForm, ""},
		{post, "/reset", Public, "reset", w.reset, ""},
		{get, "/verify", Public, "verify", w.verifyForm, ""},
		{post, "/verify", Public, "verify", w.verify, ""},
		{post, "/verify/resend", User, "", w.resendVerification, ""},
		{get, "/invite", Public, "invite", w.inviteForm, ""},
		{get, "/confirm-email", Public, "confirm_email", w.confirmEmailForm, ""},
		{post, "/confirm-email", Public, "confirm_email", w.confirmEmail, ""},
		{get, "/account", User, "account", w.accountPage, ""},
		{post, "/account/email", User, "account", w.changeEmail, ""},
		{post, "/account/delete", User, "account", w.deleteAccount, ""},
		{post, "/invite", Public, "invite", w.invite, ""},
		// Signing in with Google and Microsoft (internal/signin).
		{get, "/auth/google", Guest, "login", w.startSignin("google"), ""},
		{get, "/auth/google/callback", Public, "login", w.finishSignin("google"), ""},
		{get, "/auth/microsoft", Guest, "login", w.startSignin("microsoft"), ""},
		{get, "/auth/microsoft/callback", Public, "login", w.finishSignin("microsoft"), ""},

		// Workspaces.
		{post, "/workspaces/switch", User, "", w.switchWorkspace, ""},
		{get, "/workspaces/new", User, "workspace_new", w.newWorkspaceForm, ""},
		{post, "/workspaces/new", User, "workspace_new", w.createWorkspace, ""},

		// Main navigation.
		{get, "/{$}", Workspace, "dashboard", w.dashboard, Member},
		{get, "/campaigns", Workspace, "campaigns", w.campaigns, Member},
		{get, "/campaigns/new", Workspace, "campaign_new", w.newCampaignForm, Member},
		{post, "/campaigns/new", Workspace, "campaign_new", w.createCampaign, Member},
		{get, "/campaigns/{id}", Workspace, "campaign", w.campaign, Member},
		{get, "/campaigns/{id}/leads", Workspace, "campaign_leads", w.campaignLeads, Member},
		{get, "/campaigns/{id}/analytics", Workspace, "campaign_analytics", w.campaignAnalytics, Member},
		{get, "/campaigns/{id}/analytics.csv", Workspace, "", w.campaignAnalyticsCSV, Member},
		{get, "/analytics", Workspace, "analytics", w.analyticsPage, Member},
		{get, "/analytics.csv", Workspace, "", w.analyticsCSV, Member},
		{post, "/campaigns/{id}/launch", Workspace, "campaign", w.verified(w.launchCampaign), Member},
		{post, "/campaigns/{id}/pause", Workspace, "campaign", w.pauseCampaign, Member},
		{post, "/campaigns/{id}/resume", Workspace, "campaign", w.resumeCampaign, Member},

		// The campaign wizard: one page per step, in order (wizard.go).
		{get, "/campaigns/{id}/setup", Workspace, "", w.resumeWizard, Member},
		{get, "/campaigns/{id}/setup/mailboxes", Workspace, "wizard_mailboxes", w.wizardMailboxes, Member},
		{post, "/campaigns/{id}/setup/mailboxes", Workspace, "wizard_mailboxes", w.saveWizardMailboxes, Member},
		{post, "/campaigns/{id}/setup/mailboxes/sandbox", Workspace, "wizard_mailboxes", w.addWizardSandbox, Member},
		{get, "/campaigns/{id}/setup/icp", Workspace, "wizard_icp", w.wizardICP, Member},
		{post, "/campaigns/{id}/setup/icp", Workspace, "wizard_icp", w.saveWizardICP, Member},
		{post, "/campaigns/{id}/setup/icp/generate", Workspace, "wizard_icp", w.generateWizardICP, Member},
		{post, "/campaigns/{id}/setup/icp/use", Workspace, "wizard_icp", w.useWizardICP, Member},
		{post, "/campaigns/{id}/setup/icp/skip", Workspace, "", w.skipStep("icp"), Member},
		{get, "/campaigns/{id}/setup/leads", Workspace, "wizard_leads", w.wizardLeads, Member},
		{post, "/campaigns/{id}/setup/leads", Workspace, "wizard_leads", w.continueWizardLeads, Member},
		{post, "/campaigns/{id}/setup/leads/upload", Workspace, "wizard_leads", w.uploadWizardLeads, Member},
		{get, "/campaigns/{id}/setup/leads/map/{upload}", Workspace, "wizard_leads_map", w.wizardLeadsMap, Member},
		{post, "/campaigns/{id}/setup/leads/map/{upload}", Workspace, "wizard_leads_map", w.startWizardImport, Member},
		{post, "/campaigns/{id}/setup/leads/add", Workspace, "wizard_leads", w.addWizardLeads, Member},
		{get, "/campaigns/{id}/setup/sequence", Workspace, "wizard_sequence", w.wizardSequence, Member},
		{post, "/campaigns/{id}/setup/sequence", Workspace, "wizard_sequence", w.saveWizardSequence, Member},
		{post, "/campaigns/{id}/setup/test", Workspace, "", w.sendTestEmail, Member},
		{get, "/campaigns/{id}/routes", Workspace, "campaign_routes", w.campaignRoutes, Member},
		{post, "/campaigns/{id}/routes", Workspace, "campaign_routes", w.saveCampaignRoutes, Member},
		{get, "/campaigns/{id}/setup/schedule", Workspace, "wizard_schedule", w.wizardSchedule, Member},
		{post, "/campaigns/{id}/setup/schedule", Workspace, "wizard_schedule", w.saveWizardSchedule, Member},
		{get, "/campaigns/{id}/setup/review", Workspace, "wizard_review", w.wizardReview, Member},
		{post, "/campaigns/{id}/setup/launch", Workspace, "wizard_review", w.verified(w.launchFromWizard), Member},
		{post, "/templates/check", Workspace, "", w.checkTemplate, Member},

		// Leads, imports and suppressions.
		{get, "/leads", Workspace, "leads", w.leads, Member},
		{get, "/leads/imports", Workspace, "lead_imports", w.leadImports, Member},
		{get, "/leads/imports/{id}", Workspace, "lead_import", w.leadImport, Member},
		{get, "/leads/imports/{id}/progress", Workspace, "", w.leadImportProgress, Member},
		{get, "/leads/imports/{id}/rejected.csv", Workspace, "", w.leadImportErrorsCSV, Member},
		{get, "/leads/import", Workspace, "leads_import", w.newImportForm, Member},
		{post, "/leads/import/upload", Workspace, "leads_import", w.uploadImport, Member},
		{get, "/leads/import/map/{upload}", Workspace, "leads_import_map", w.importMap, Member},
		{post, "/leads/import/map/{upload}", Workspace, "leads_import_map", w.startLeadImport, Member},
		{get, "/leads/suppressions", Workspace, "suppressions", w.suppressions, Member},
		{get, "/leads/suppressions/new", Workspace, "suppression_new", w.newSuppressionForm, Member},
		{post, "/leads/suppressions/new", Workspace, "suppression_confirm", w.addSuppression, Member},
		{get, "/leads/suppressions/{id}/remove", Workspace, "suppression_remove", w.confirmRemoveSuppression, Admin},
		{post, "/leads/suppressions/{id}/remove", Workspace, "suppression_remove", w.removeSuppression, Admin},
		{post, "/leads/verify", Workspace, "", w.verifyAllLeads, Member},
		{get, "/leads/{id}", Workspace, "lead", w.lead, Member},
		{post, "/leads/{id}/verify", Workspace, "", w.verifyLead, Member},
		{get, "/replies", Workspace, "replies", w.replies, Member},
		{get, "/replies/{id}", Workspace, "replies", w.replyThread, Member},
		{get, "/replies/{id}/messages/{message}/html", Workspace, "", w.replyMessageHTML, Member},
		{post, "/replies/{id}/category", Workspace, "replies", w.setReplyCategory, Member},
		{post, "/replies/{id}/read", Workspace, "replies", w.markReplyRead, Member},
		{post, "/replies/{id}/unread", Workspace, "replies", w.markReplyUnread, Member},
		{post, "/replies/{id}/stop", Workspace, "replies", w.stopReplySequence, Member},
		{post, "/replies/{id}/suggest", Workspace, "replies", w.suggestReply, Member},
		{post, "/replies/{id}/send", Workspace, "replies", w.sendReplyForm, Member},
		{get, "/mailboxes", Workspace, "mailboxes", w.mailboxes, Member},
		{post, "/mailboxes/sandbox", Workspace, "mailboxes", w.createSandboxMailbox, Member},
		{get, "/mailboxes/connect/smtp", Workspace, "mailbox_smtp", w.smtpMailboxForm, Admin},
		{post, "/mailboxes/connect/smtp", Workspace, "mailbox_smtp", w.verified(w.connectSMTPMailbox), Admin},
		{get, "/mailboxes/{id}", Workspace, "mailbox", w.mailbox, Member},
		{get, "/mailboxes/{id}/health", Workspace, "mailbox_health", w.mailboxHealth, Member},
		{get, "/mailboxes/{id}/health.csv", Workspace, "", w.mailboxHealthCSV, Member},
		{post, "/mailboxes/{id}/identity", Workspace, "mailbox", w.saveMailboxIdentity, Admin},
		{post, "/mailboxes/{id}/limits", Workspace, "mailbox", w.saveMailboxLimits, Admin},
		{post, "/mailboxes/{id}/pause", Workspace, "mailbox", w.pauseMailbox, Admin},
		{post, "/mailboxes/{id}/resume", Workspace, "mailbox", w.resumeMailbox, Admin},
		{post, "/mailboxes/{id}/sync", Workspace, "mailbox", w.syncMailbox, Member},
		{post, "/mailboxes/{id}/sent-copy", Workspace, "mailbox", w.mailboxSentCopy, Admin},
		{post, "/mailboxes/{id}/dns", Workspace, "mailbox", w.recheckMailboxDNS, Member},
		{post, "/mailboxes/{id}/sandbox/reply", Workspace, "mailbox", w.sandboxReply, Member},
		{get, "/mailboxes/{id}/reconnect", Workspace, "mailbox_smtp", w.reconnectMailbox, Admin},
		{post, "/mailboxes/{id}/reconnect", Workspace, "mailbox_smtp", w.reconnectSMTPMailbox, Admin},
		{get, "/mailboxes/{id}/delete", Workspace, "mailbox_delete", w.confirmDeleteMailbox, Admin},
		{post, "/mailboxes/{id}/delete", Workspace, "mailbox_delete", w.deleteMailbox, Admin},

		// Settings.
		{get, "/settings", Workspace, "settings_workspace", w.workspaceSettings, Member},
		{post, "/settings", Workspace, "settings_workspace", w.saveWorkspaceSettings, Admin},
		{get, "/settings/members", Workspace, "settings_members", w.members, Member},
		{post, "/settings/members", Workspace, "settings_members", w.addMember, Admin},
		{post, "/settings/invitations/{id}/revoke", Workspace, "", w.revokeInvitation, Admin},
		{post, "/settings/members/{id}/role", Workspace, "", w.changeMemberRole, Admin},
		{post, "/settings/members/{id}/remove", Workspace, "", w.removeMember, Admin},
		{post, "/settings/members/{id}/transfer", Workspace, "", w.transferOwnership, Owner},
		{post, "/settings/leave", Workspace, "", w.leaveWorkspace, Member},
		{get, "/settings/api-keys", Workspace, "settings_api_keys", w.apiKeys, Member},
		{post, "/settings/api-keys", Workspace, "settings_api_key_created", w.createAPIKey, Member},
		{get, "/settings/api-keys/{id}/revoke", Workspace, "settings_api_key_revoke", w.confirmRevokeAPIKey, Member},
		{post, "/settings/api-keys/{id}/revoke", Workspace, "", w.revokeAPIKey, Member},
		{get, "/settings/webhooks", Workspace, "settings_webhooks", w.webhooks, Admin},
		{post, "/settings/webhooks", Workspace, "settings_webhook_secret", w.createWebhook, Admin},
		{get, "/settings/webhooks/{id}", Workspace, "settings_webhook", w.webhookPage, Admin},
		{post, "/settings/webhooks/{id}", Workspace, "settings_webhook", w.updateWebhook, Admin},
		{post, "/settings/webhooks/{id}/test", Workspace, "", w.testWebhook, Admin},
		{post, "/settings/webhooks/{id}/rotate-secret", Workspace, "settings_webhook_secret", w.rotateWebhookSecret, Admin},
		{post, "/settings/webhooks/{id}/enable", Workspace, "", w.enableWebhook, Admin},
		{post, "/settings/webhooks/{id}/disable", Workspace, "", w.disableWebhook, Admin},
		{post, "/settings/webhooks/{id}/deliveries/{delivery}/retry", Workspace, "", w.retryWebhookDelivery, Admin},
		{get, "/settings/webhooks/{id}/delete", Workspace, "settings_webhook_delete", w.confirmDeleteWebhook, Admin},
		{post, "/settings/webhooks/{id}/delete", Workspace, "", w.deleteWebhook, Admin},
		{get, "/settings/audit", Workspace, "settings_audit", w.auditLog, Admin},
		{get, "/settings/system", Workspace, "settings_system", w.systemPage, Member}, // and an instance admin (systemPage)
		{get, "/settings/security", Workspace, "settings_security", w.securityLog, Member},
		{post, "/settings/security/password", Workspace, "settings_security", w.changePassword, Member},
		{get, "/settings/sessions", Workspace, "settings_sessions", w.sessions, Member},
		{get, "/settings/sessions/revoke-others", Workspace, "settings_session_revoke", w.confirmRevokeOtherSessions, Member},
		{post, "/settings/sessions/revoke-others", Workspace, "", w.revokeOtherSessions, Member},
		{get, "/settings/sessions/{id}/revoke", Workspace, "settings_session_revoke", w.confirmRevokeSession, Member},
		{post, "/settings/sessions/{id}/revoke", Workspace, "", w.revokeSession, Member},
	}
}

// templateNames are the pages the routes render, each once, in route
// order, plus the error page.
func (w *Web) templateNames() []string {
	names := []string{errorPage}
	for _, r := range w.Routes() {
		if r.Page != "" && !slices.Contains(names, r.Page) {
			names = append(names, r.Page)
		}
	}
	return names
}
