package web

import "net/http"

// Access says who may open a page.
type Access int

const (
	Public    Access = iota // anyone (logout works without a session)
	Guest                   // logged-out visitors; a logged-in user is sent to the dashboard
	User                    // a session; no workspace needed
	Workspace               // a session with an active workspace
)

// Route is one line of the route table: the page a method+path renders and
// who may open it. Page is the template in templates/pages/ the handler
// renders ("" for handlers that only redirect); New checks every one exists.
type Route struct {
	Method string
	Path   string
	Access Access
	Page   string
	handle handlerFunc
}

// Routes is the browser app's route table.
func (w *Web) Routes() []Route {
	get, post := http.MethodGet, http.MethodPost
	return []Route{
		// Accounts.
		{get, "/signup", Guest, "signup", w.signupForm},
		{post, "/signup", Guest, "signup", w.signup},
		{get, "/login", Guest, "login", w.loginForm},
		{post, "/login", Guest, "login", w.login},
		{post, "/logout", Public, "", w.logout},

		// Workspaces.
		{post, "/workspaces/switch", User, "", w.switchWorkspace},
		{get, "/workspaces/new", User, "workspace_new", w.newWorkspaceForm},
		{post, "/workspaces/new", User, "workspace_new", w.createWorkspace},

		// Main navigation.
		{get, "/{$}", Workspace, "dashboard", w.dashboard},
		{get, "/campaigns", Workspace, "campaigns", w.campaigns},
		{get, "/campaigns/new", Workspace, "campaign_new", w.newCampaignForm},
		{post, "/campaigns/new", Workspace, "campaign_new", w.createCampaign},
		{get, "/campaigns/{id}", Workspace, "campaign", w.campaign},
		{get, "/campaigns/{id}/leads", Workspace, "campaign_leads", w.campaignLeads},
		{post, "/campaigns/{id}/launch", Workspace, "campaign", w.launchCampaign},
		{post, "/campaigns/{id}/pause", Workspace, "campaign", w.pauseCampaign},
		{post, "/campaigns/{id}/resume", Workspace, "campaign", w.resumeCampaign},

		// The campaign wizard: one page per step, in order (wizard.go).
		{get, "/campaigns/{id}/setup", Workspace, "", w.resumeWizard},
		{get, "/campaigns/{id}/setup/mailboxes", Workspace, "wizard_mailboxes", w.wizardMailboxes},
		{post, "/campaigns/{id}/setup/mailboxes", Workspace, "wizard_mailboxes", w.saveWizardMailboxes},
		{post, "/campaigns/{id}/setup/mailboxes/sandbox", Workspace, "wizard_mailboxes", w.addWizardSandbox},
		{get, "/campaigns/{id}/setup/icp", Workspace, "wizard_icp", w.wizardICP},
		{post, "/campaigns/{id}/setup/icp", Workspace, "wizard_icp", w.saveWizardICP},
		{post, "/campaigns/{id}/setup/icp/generate", Workspace, "wizard_icp", w.generateWizardICP},
		{post, "/campaigns/{id}/setup/icp/use", Workspace, "wizard_icp", w.useWizardICP},
		{post, "/campaigns/{id}/setup/icp/skip", Workspace, "", w.skipStep("icp")},
		{get, "/campaigns/{id}/setup/leads", Workspace, "wizard_leads", w.wizardLeads},
		{post, "/campaigns/{id}/setup/leads", Workspace, "wizard_leads", w.continueWizardLeads},
		{post, "/campaigns/{id}/setup/leads/upload", Workspace, "wizard_leads", w.uploadWizardLeads},
		{get, "/campaigns/{id}/setup/leads/map/{upload}", Workspace, "wizard_leads_map", w.wizardLeadsMap},
		{post, "/campaigns/{id}/setup/leads/map/{upload}", Workspace, "wizard_leads_map", w.startWizardImport},
		{post, "/campaigns/{id}/setup/leads/add", Workspace, "wizard_leads", w.addWizardLeads},
		{get, "/campaigns/{id}/setup/sequence", Workspace, "wizard_sequence", w.wizardSequence},
		{post, "/campaigns/{id}/setup/sequence", Workspace, "wizard_sequence", w.saveWizardSequence},
		{post, "/campaigns/{id}/setup/test", Workspace, "", w.sendTestEmail},
		{get, "/campaigns/{id}/setup/schedule", Workspace, "wizard_schedule", w.wizardSchedule},
		{post, "/campaigns/{id}/setup/schedule", Workspace, "wizard_schedule", w.saveWizardSchedule},
		{get, "/campaigns/{id}/setup/review", Workspace, "wizard_review", w.wizardReview},
		{post, "/campaigns/{id}/setup/launch", Workspace, "wizard_review", w.launchFromWizard},
		{post, "/templates/check", Workspace, "", w.checkTemplate},

		// Leads, imports and suppressions.
		{get, "/leads", Workspace, "leads", w.leads},
		{get, "/leads/imports", Workspace, "lead_imports", w.leadImports},
		{get, "/leads/imports/{id}", Workspace, "lead_import", w.leadImport},
		{get, "/leads/imports/{id}/progress", Workspace, "", w.leadImportProgress},
		{get, "/leads/imports/{id}/rejected.csv", Workspace, "", w.leadImportErrorsCSV},
		{get, "/leads/import", Workspace, "leads_import", w.newImportForm},
		{post, "/leads/import/upload", Workspace, "leads_import", w.uploadImport},
		{get, "/leads/import/map/{upload}", Workspace, "leads_import_map", w.importMap},
		{post, "/leads/import/map/{upload}", Workspace, "leads_import_map", w.startLeadImport},
		{get, "/leads/suppressions", Workspace, "suppressions", w.suppressions},
		{get, "/leads/suppressions/new", Workspace, "suppression_new", w.newSuppressionForm},
		{post, "/leads/suppressions/new", Workspace, "suppression_confirm", w.addSuppression},
		{get, "/leads/suppressions/{id}/remove", Workspace, "suppression_remove", w.confirmRemoveSuppression},
		{post, "/leads/suppressions/{id}/remove", Workspace, "suppression_remove", w.removeSuppression},
		{get, "/leads/{id}", Workspace, "lead", w.lead},
		{get, "/replies", Workspace, "replies", w.replies},
		{get, "/replies/{id}", Workspace, "replies", w.replyThread},
		{get, "/replies/{id}/messages/{message}/html", Workspace, "", w.replyMessageHTML},
		{post, "/replies/{id}/category", Workspace, "replies", w.setReplyCategory},
		{post, "/replies/{id}/unread", Workspace, "replies", w.markReplyUnread},
		{post, "/replies/{id}/stop", Workspace, "replies", w.stopReplySequence},
		{post, "/replies/{id}/suggest", Workspace, "replies", w.suggestReply},
		{post, "/replies/{id}/send", Workspace, "replies", w.sendReplyForm},
		{get, "/mailboxes", Workspace, "mailboxes", w.mailboxes},
		{post, "/mailboxes/sandbox", Workspace, "mailboxes", w.createSandboxMailbox},
		{get, "/mailboxes/connect/smtp", Workspace, "mailbox_smtp", w.smtpMailboxForm},
		{post, "/mailboxes/connect/smtp", Workspace, "mailbox_smtp", w.connectSMTPMailbox},
		{get, "/mailboxes/{id}", Workspace, "mailbox", w.mailbox},
		{post, "/mailboxes/{id}/identity", Workspace, "mailbox", w.saveMailboxIdentity},
		{post, "/mailboxes/{id}/limits", Workspace, "mailbox", w.saveMailboxLimits},
		{post, "/mailboxes/{id}/pause", Workspace, "mailbox", w.pauseMailbox},
		{post, "/mailboxes/{id}/resume", Workspace, "mailbox", w.resumeMailbox},
		{post, "/mailboxes/{id}/sync", Workspace, "mailbox", w.syncMailbox},
		{post, "/mailboxes/{id}/dns", Workspace, "mailbox", w.recheckMailboxDNS},
		{post, "/mailboxes/{id}/sandbox/reply", Workspace, "mailbox", w.sandboxReply},
		{get, "/mailboxes/{id}/reconnect", Workspace, "mailbox_smtp", w.reconnectMailbox},
		{post, "/mailboxes/{id}/reconnect", Workspace, "mailbox_smtp", w.reconnectSMTPMailbox},
		{get, "/mailboxes/{id}/delete", Workspace, "mailbox_delete", w.confirmDeleteMailbox},
		{post, "/mailboxes/{id}/delete", Workspace, "mailbox_delete", w.deleteMailbox},

		// Settings.
		{get, "/settings", Workspace, "settings_workspace", w.workspaceSettings},
		{post, "/settings", Workspace, "settings_workspace", w.saveWorkspaceSettings},
		{get, "/settings/members", Workspace, "settings_members", w.members},
		{post, "/settings/members", Workspace, "settings_members", w.addMember},
		{get, "/settings/api-keys", Workspace, "settings_api_keys", w.apiKeys},
		{post, "/settings/api-keys", Workspace, "settings_api_key_created", w.createAPIKey},
		{get, "/settings/api-keys/{id}/revoke", Workspace, "settings_api_key_revoke", w.confirmRevokeAPIKey},
		{post, "/settings/api-keys/{id}/revoke", Workspace, "", w.revokeAPIKey},
		{get, "/settings/audit", Workspace, "settings_audit", w.auditLog},
		{get, "/settings/security", Workspace, "settings_security", w.securityLog},
	}
}

// templateNames are the pages the routes render, plus the error page.
func (w *Web) templateNames() []string {
	names := []string{errorPage}
	for _, r := range w.Routes() {
		if r.Page != "" {
			names = append(names, r.Page)
		}
	}
	return names
}
