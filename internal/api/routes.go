package api

import "net/http"

// Routes is the API's route table: every endpoint, who may call it, and what
// it does. /api/openapi.json is generated from it.
func (a *API) Routes() []Route {
	return []Route{
		// Auth and the current user.
		{Method: http.MethodPost, Path: "/api/auth/signup", Access: Public, Summary: "Create an account and a first workspace", handle: a.signup},
		{Method: http.MethodPost, Path: "/api/auth/login", Access: Public, Summary: "Log in (starts a new session)", handle: a.login},
		{Method: http.MethodPost, Path: "/api/auth/logout", Access: Public, Summary: "Log out", handle: a.logout},
		{Method: http.MethodGet, Path: "/api/me", Access: User, Summary: "The current user, workspace and memberships", handle: a.me},
		{Method: http.MethodPost, Path: "/api/auth/verify", Access: Public, Summary: "Confirm the account's address with the token of its mailed link ({token}; single use, 24 h) → {user}", handle: a.verifyEmail},
		{Method: http.MethodPost, Path: "/api/auth/verify/resend", Access: User, Summary: "Mail the confirmation link again (rate-limited; 409 mail_not_configured without a mail server)", handle: a.resendVerification},
		{Method: http.MethodPost, Path: "/api/auth/forgot", Access: Public, Summary: "Mail a password reset link (single use, 1 h) → 202 whatever the address", handle: a.forgotPassword},
		{Method: http.MethodPost, Path: "/api/auth/reset", Access: Public, Summary: "Choose a new password with a reset link's token ({token, password}); ends every session → 204", handle: a.resetPassword},
		{Method: http.MethodPost, Path: "/api/auth/email/confirm", Access: Public, Summary: "Move the account to the new address its mailed link confirms ({token}) → {user}", handle: a.confirmEmailChange},
		{Method: http.MethodPost, Path: "/api/me/email", Access: User, Summary: "Change the account's address ({email, password}): a link to the new address confirms it → 202", handle: a.requestEmailChange},
		{Method: http.MethodDelete, Path: "/api/me", Access: User, Summary: "Delete the account (409 sole_owner while the only owner of a workspace with other members); workspaces where it is alone go with it", handle: a.deleteMe},
		{Method: http.MethodPost, Path: "/api/invitations/accept", Access: Public, Summary: "Accept an invitation ({token, name?, password?}): signed in, join (only as the invited address); signed out, create the invited account and sign in → {user, workspace}", handle: a.acceptInvitation},
		{Method: http.MethodGet, Path: "/api/me/security-events", Access: User, Summary: "The user's own security log (logins, failed logins, logouts), newest first", handle: a.listSecurityEvents},
		{Method: http.MethodPost, Path: "/api/auth/password", Access: User, Summary: "Change the password {currentPassword, newPassword} (a signed-in session only; ends every other session, keeps this one; a wrong current password counts as a failed login)", handle: a.changePassword},
		{Method: http.MethodGet, Path: "/api/sessions", Access: User, Summary: "The user's own sessions: id, method, ip, userAgent, createdAt, lastUsedAt (hourly), expiresAt, current", handle: a.listSessions},
		{Method: http.MethodDelete, Path: "/api/sessions/{id}", Access: User, Summary: "End one of the user's own sessions (another user's id is 404)", handle: a.revokeSession},
		{Method: http.MethodPost, Path: "/api/sessions/revoke-others", Access: User, Summary: "Sign out everywhere else: end every session of the user but this one → {revoked}", handle: a.revokeOtherSessions},

		// Workspaces, members, API keys, audit.
		{Method: http.MethodPost, Path: "/api/workspaces", Access: User, Summary: "Create a workspace (caller is owner)", handle: a.createWorkspace},
		{Method: http.MethodPatch, Path: "/api/workspaces/{id}", Access: User, Role: Admin, Summary: "Change a workspace's name, postal address (postalAddress, alias footerAddress; launch needs one) and footer", handle: a.updateWorkspace},
		{Method: http.MethodPost, Path: "/api/workspaces/{id}/switch", Access: User, Role: Member, Summary: "Make a workspace the session's active one", handle: a.switchWorkspace},
		{Method: http.MethodGet, Path: "/api/workspaces/{id}/members", Access: User, Role: Member, Summary: "List a workspace's members", handle: a.listMembers},
		{Method: http.MethodPost, Path: "/api/workspaces/{id}/members", Access: User, Role: Admin, Summary: "Add a member by address: invites them (as POST …/invitations) → 201 a pending member with invitationId (and url without mail)", handle: a.addMember},
		{Method: http.MethodPatch, Path: "/api/workspaces/{id}/members/{userId}", Access: User, Role: Admin, Summary: "Change a member's role ({role}; only owners touch owners; the last owner stays owner)", handle: a.changeMemberRole},
		{Method: http.MethodDelete, Path: "/api/workspaces/{id}/members/{userId}", Access: User, Role: Admin, Summary: "Remove a member: their sessions lose the workspace and their API keys for it are revoked at once", handle: a.removeMember},
		{Method: http.MethodPost, Path: "/api/workspaces/{id}/leave", Access: User, Role: Member, Summary: "Leave a workspace (409 last_owner for its only owner)", handle: a.leaveWorkspace},
		{Method: http.MethodPost, Path: "/api/workspaces/{id}/transfer", Access: User, Role: Owner, Summary: "Make another member owner ({userId}); the caller becomes admin", handle: a.transferOwnership},
		{Method: http.MethodPost, Path: "/api/workspaces/{id}/invitations", Access: User, Role: Admin, Summary: "Invite an address ({email, role}) → 201 {id, email, role, expiresAt} (+ url when no mail carried it); single use, 7 days; inviting again replaces the link", handle: a.createInvitation},
		{Method: http.MethodGet, Path: "/api/workspaces/{id}/invitations", Access: User, Role: Admin, Summary: "The workspace's waiting invitations", handle: a.listInvitations},
		{Method: http.MethodDelete, Path: "/api/workspaces/{id}/invitations/{invitationId}", Access: User, Role: Admin, Summary: "Revoke a waiting invitation (its link stops working)", handle: a.revokeInvitation},
		{Method: http.MethodPost, Path: "/api/api-keys", Access: Workspace, Role: Member, Summary: "Create an API key (token shown once)", handle: a.createAPIKey},
		{Method: http.MethodGet, Path: "/api/api-keys", Access: Workspace, Role: Member, Summary: "List API keys (a member sees only their own)", handle: a.listAPIKeys},
		{Method: http.MethodDelete, Path: "/api/api-keys/{id}", Access: Workspace, Role: Member, Summary: "Revoke an API key (a member only their own: 403 forbidden for another's)", handle: a.revokeAPIKey},
		{Method: http.MethodGet, Path: "/api/events", Access: Workspace, Role: Admin, Summary: "The event feed (docs/webhooks.md): envelopes {id, type, createdAt, workspaceId, apiVersion, data} after ?after= (an event id), of ?types= (comma-separated), ?limit= up to 500, oldest first → {items, next}; kept LEADBITZ_EVENT_RETENTION (30 days)", handle: a.listEvents},
		{Method: http.MethodPost, Path: "/api/webhooks", Access: Workspace, Role: Admin, Summary: "Subscribe an endpoint ({url, description?, events[] (empty: all), campaignIds[] (empty: all), enabled?}) → 201 with its secret (whsec_…, shown once)", handle: a.createWebhook},
		{Method: http.MethodGet, Path: "/api/webhooks", Access: Workspace, Role: Admin, Summary: "The workspace's webhook endpoints", handle: a.listWebhooks},
		{Method: http.MethodGet, Path: "/api/webhooks/{id}", Access: Workspace, Role: Admin, Summary: "One webhook endpoint", handle: a.getWebhook},
		{Method: http.MethodPatch, Path: "/api/webhooks/{id}", Access: Workspace, Role: Admin, Summary: "Change an endpoint (url, description, events, campaignIds, enabled; enabling clears its failures)", handle: a.updateWebhook},
		{Method: http.MethodDelete, Path: "/api/webhooks/{id}", Access: Workspace, Role: Admin, Summary: "Delete an endpoint and its deliveries", handle: a.deleteWebhook},
		{Method: http.MethodPost, Path: "/api/webhooks/{id}/rotate-secret", Access: Workspace, Role: Admin, Summary: "A new signing secret (shown once); the old one keeps signing for 24 h", handle: a.rotateWebhookSecret},
		{Method: http.MethodPost, Path: "/api/webhooks/{id}/test", Access: Workspace, Role: Admin, Summary: "Send a webhook.test event now → the delivery", handle: a.testWebhook},
		{Method: http.MethodGet, Path: "/api/webhooks/{id}/deliveries", Access: Workspace, Role: Admin, Summary: "An endpoint's deliveries, newest first: status, attempts, response code, first KB of the answer, timing, payload", handle: a.listWebhookDeliveries},
		{Method: http.MethodPost, Path: "/api/webhooks/{id}/deliveries/{deliveryId}/retry", Access: Workspace, Role: Admin, Summary: "Try a delivery again now → 202", handle: a.retryWebhookDelivery},
		{Method: http.MethodGet, Path: "/api/audit-events", Access: Workspace, Role: Admin, Summary: "The workspace's audit log, newest first", handle: a.listAuditEvents},

		// ICP and drafting.
		{Method: http.MethodPost, Path: "/api/icp/generate", Access: Workspace, Role: Member, Summary: "Generate and store an ideal customer profile from a product description (AI; rate-limited)", handle: a.generateICP},
		{Method: http.MethodGet, Path: "/api/icp", Access: Workspace, Role: Member, Summary: "List ICP profiles, newest first", handle: a.listICPProfiles},
		{Method: http.MethodGet, Path: "/api/icp/{id}", Access: Workspace, Role: Member, Summary: "One ICP profile", handle: a.getICPProfile},
		{Method: http.MethodPatch, Path: "/api/icp/{id}", Access: Workspace, Role: Member, Summary: "Edit an ICP profile (name, texts, any ICP field)", handle: a.patchICPProfile},
		{Method: http.MethodPost, Path: "/api/messages/draft", Access: Workspace, Role: Member, Summary: "Draft one email from a profile, campaign and lead (AI; rate-limited)", handle: a.draftMessage},
		{Method: http.MethodGet, Path: "/api/ai/usage", Access: Workspace, Role: Member, Summary: "AI requests and tokens per task over the last 30 days, with the limits in force", handle: a.aiUsage},

		// Leads and suppressions.
		{Method: http.MethodPost, Path: "/api/leads", Access: Workspace, Role: Member, Summary: "Create a lead", handle: a.createLead},
		{Method: http.MethodGet, Path: "/api/leads", Access: Workspace, Role: Member, Summary: "List and search leads (?q=&status=&source=&campaign=&verification=)", handle: a.listLeads},
		{Method: http.MethodPost, Path: "/api/leads/verify", Access: Workspace, Role: Member, Summary: "Check leads' addresses again {leadIds | all, dryRun} → verdict counts", handle: a.verifyLeads},
		{Method: http.MethodGet, Path: "/api/leads/export", Access: Workspace, Role: Admin, Summary: "Export leads as spreadsheet-safe CSV (same filters as the list)", handle: a.exportLeads},
		{Method: http.MethodPost, Path: "/api/leads/import", Access: Workspace, Role: Member, Summary: "Start a CSV import (multipart: file, mapping, source, onDuplicate) → 202 {importId}", MaxBody: a.importMaxBody(), handle: a.importLeads},
		{Method: http.MethodPost, Path: "/api/leads/import/preview", Access: Workspace, Role: Member, Summary: "Preview a CSV: columns, detected fields, sample rows", MaxBody: a.importMaxBody(), handle: a.previewImport},
		{Method: http.MethodGet, Path: "/api/leads/imports/{importId}", Access: Workspace, Role: Member, Summary: "An import's progress, counts and row errors (?errorsCursor=)", handle: a.importStatus},
		{Method: http.MethodGet, Path: "/api/leads/imports/{importId}/errors.csv", Access: Workspace, Role: Member, Summary: "Download an import's rejected rows with their reasons as CSV", handle: a.importErrorsCSV},
		{Method: http.MethodGet, Path: "/api/leads/{id}", Access: Workspace, Role: Member, Summary: "A lead with the provenance of each field", handle: a.getLead},
		{Method: http.MethodPatch, Path: "/api/leads/{id}", Access: Workspace, Role: Member, Summary: "Edit a lead", handle: a.patchLead},
		{Method: http.MethodDelete, Path: "/api/leads/{id}", Access: Workspace, Role: Admin, Summary: "Erase a lead's personal data (kept suppressed by hash)", handle: a.eraseLead},
		{Method: http.MethodGet, Path: "/api/suppressions", Access: Workspace, Role: Member, Summary: "List suppressions (?q=&kind=)", handle: a.listSuppressions},
		{Method: http.MethodPost, Path: "/api/suppressions", Access: Workspace, Role: Member, Summary: "Suppress an email or a domain", handle: a.addSuppression},
		{Method: http.MethodPost, Path: "/api/suppressions/import", Access: Workspace, Role: Member, Summary: "Suppress the emails and domains of a CSV (multipart: reason, source, file)", MaxBody: a.importMaxBody(), handle: a.importSuppressions},
		{Method: http.MethodDelete, Path: "/api/suppressions/{id}", Access: Workspace, Role: Admin, Summary: "Remove a suppression", handle: a.removeSuppression},

		// Campaigns and sequences.
		{Method: http.MethodPost, Path: "/api/campaigns", Access: Workspace, Role: Member, Summary: "Create a draft campaign", handle: a.createCampaign},
		{Method: http.MethodGet, Path: "/api/campaigns", Access: Workspace, Role: Member, Summary: "List campaigns with their stats (?status=)", handle: a.listCampaigns},
		{Method: http.MethodGet, Path: "/api/campaigns/{id}", Access: Workspace, Role: Member, Summary: "A campaign with stats, per-step and per-variant numbers, and its next send", handle: a.getCampaign},
		{Method: http.MethodPatch, Path: "/api/campaigns/{id}", Access: Workspace, Role: Member, Summary: "Change a campaign's settings (not once completed)", handle: a.patchCampaign},
		{Method: http.MethodDelete, Path: "/api/campaigns/{id}", Access: Workspace, Role: Admin, Summary: "Delete a campaign that is not running", handle: a.deleteCampaign},
		{Method: http.MethodGet, Path: "/api/campaigns/{id}/sequence", Access: Workspace, Role: Member, Summary: "A campaign's sequence, with its version, reply routes and step conditions (skipIf)", handle: a.getSequence},
		{Method: http.MethodPut, Path: "/api/campaigns/{id}/sequence", Access: Workspace, Role: Member, Summary: "Replace the sequence (steps with delays, subject/body templates, A/B variants, skipIf step conditions, up to 5 reply routes entered by a reply's category or keywords); 422 with the position of a template error or the field, e.g. routes[1].when; on a launched campaign a new version for unsent jobs only (?dryRun=true: what it would do, changing nothing)", handle: a.putSequence},
		{Method: http.MethodPost, Path: "/api/campaigns/{id}/leads", Access: Workspace, Role: Member, Summary: "Add leads (suppressed and duplicate ones are counted, not added)", handle: a.addCampaignLeads},
		{Method: http.MethodPost, Path: "/api/campaigns/{id}/launch", Access: Workspace, Role: Member, Verified: true, Summary: "Launch a draft (409 launch_blocked lists what to fix, with leads missing merge fields)", handle: a.launchCampaign},
		{Method: http.MethodPost, Path: "/api/campaigns/{id}/pause", Access: Workspace, Role: Member, Summary: "Pause an active campaign", handle: a.pauseCampaign},
		{Method: http.MethodPost, Path: "/api/campaigns/{id}/resume", Access: Workspace, Role: Member, Summary: "Resume a paused campaign", handle: a.resumeCampaign},
		{Method: http.MethodPost, Path: "/api/campaigns/{id}/test", Access: Workspace, Role: Member, Summary: "Send one step to yourself now, rendered for a lead, from a mailbox ({step, variant?, leadId?, to?, inboxId?}; a reply route's step is route×100+step; [Test] subject; no job, stats or lead change; rate-limited per user)", handle: a.sendCampaignTest},
		{Method: http.MethodGet, Path: "/api/campaigns/{id}/forecast", Access: Workspace, Role: Member, Summary: "Planned sends per day and mailbox (?days=14)", handle: a.campaignForecast},
		{Method: http.MethodGet, Path: "/api/campaigns/{id}/analytics", Access: Workspace, Role: Member, Summary: "Per step and variant: sent, delivered, replied, positive, bounced, unsubscribed, rates of delivered with 95 % Wilson intervals, the winner call; daily series in the campaign's zone (?from=&to= dates, default the last 30 days)", handle: a.campaignAnalytics},
		{Method: http.MethodGet, Path: "/api/campaigns/{id}/leads/{leadId}/explain", Access: Workspace, Role: Member, Summary: "Why this lead's next step has or has not gone out, and when it will (with its reply route and skipped steps)", handle: a.explainCampaignLead},

		// Analytics.
		{Method: http.MethodGet, Path: "/api/analytics", Access: Workspace, Role: Member, Summary: "The workspace's totals, per campaign and per day (?from=&to= dates, ?timezone=, default UTC and the last 30 days)", handle: a.workspaceAnalytics},
		{Method: http.MethodGet, Path: "/api/analytics/domains", Access: Workspace, Role: Member, Summary: "Health of each sending domain: daily sent, replies, bounce and unsubscribe rates, a band (good|watch|at_risk) with its rule", handle: a.domainHealth},
		{Method: http.MethodGet, Path: "/api/analytics/settings", Access: Workspace, Role: Member, Summary: "Analytics settings: positiveCategories (the reply categories that count as positive)", handle: a.getAnalyticsSettings},
		{Method: http.MethodPut, Path: "/api/analytics/settings", Access: Workspace, Role: Admin, Summary: "Change the analytics settings ({positiveCategories: [interested, meeting_request, …]})", handle: a.putAnalyticsSettings},
		{Method: http.MethodGet, Path: "/api/inboxes/{id}/health", Access: Workspace, Role: Member, Summary: "A mailbox's health: daily sent, replies, bounce and unsubscribe rates, the bounce guard's state and history, a band (good|watch|at_risk) with its rule", handle: a.mailboxHealth},

		// Mailboxes (inbox connections) and the sandbox mailbox.
		{Method: http.MethodGet, Path: "/api/inboxes", Access: Workspace, Role: Member, Summary: "List mailboxes with today's sends and limit", handle: a.listMailboxes},
		{Method: http.MethodGet, Path: "/api/inboxes/{id}", Access: Workspace, Role: Member, Summary: "One mailbox", handle: a.getMailbox},
		{Method: http.MethodPost, Path: "/api/inboxes/sandbox", Access: Workspace, Role: Member, Summary: "Add a sandbox mailbox (a local simulated mailbox)", handle: a.createSandboxMailbox},

		// Mailbox connections: SMTP+IMAP (verified first) and OAuth (Gmail, Microsoft 365); an address the workspace has is reconnected.
		{Method: http.MethodPost, Path: "/api/inboxes/smtp", Access: Workspace, Role: Admin, Verified: true, Summary: "Connect an SMTP+IMAP mailbox after checking both logins (422 connection_failed with details {server, step, message}; 429 past 10 checks a minute per workspace); 200 when it reconnects one", handle: a.connectSMTP},
		{Method: http.MethodGet, Path: "/api/oauth/google/start", Access: Workspace, Role: Admin, Verified: true, Summary: "302 to Google's consent page (state + PKCE; ?inboxId= reconnects)", handle: a.startGoogleOAuth},
		{Method: http.MethodGet, Path: "/api/oauth/google/callback", Access: Public, Summary: "Google's redirect: creates or reconnects the Gmail mailbox, 302 back to /mailboxes", handle: a.googleOAuthCallback},
		{Method: http.MethodGet, Path: "/api/oauth/microsoft/start", Access: Workspace, Role: Admin, Verified: true, Summary: "302 to Microsoft's consent page (state + PKCE; ?inboxId= reconnects)", handle: a.startMicrosoftOAuth},
		{Method: http.MethodGet, Path: "/api/oauth/microsoft/callback", Access: Public, Summary: "Microsoft's redirect: creates or reconnects the Microsoft 365 mailbox, 302 back to /mailboxes", handle: a.microsoftOAuthCallback},
		{Method: http.MethodPatch, Path: "/api/inboxes/{id}", Access: Workspace, Role: Admin, Summary: "Change a mailbox's limits, signature or status (active|paused)", handle: a.patchMailbox},
		{Method: http.MethodDelete, Path: "/api/inboxes/{id}", Access: Workspace, Role: Admin, Summary: "Delete a mailbox; its leads move to the campaigns' other mailboxes or wait", handle: a.deleteMailbox},
		{Method: http.MethodGet, Path: "/api/inboxes/{id}/sandbox/messages", Access: Workspace, Role: Member, Summary: "Sandbox only: what it has sent, newest first (?folder=inbox for received)", handle: a.listSandboxMessages},
		{Method: http.MethodGet, Path: "/api/inboxes/{id}/dns", Access: Workspace, Role: Member, Summary: "The MX, SPF, DKIM and DMARC checks of the mailbox's domain: {domain, checkedAt, checks: [{name, status: pass|warn|fail|unknown, detail, fix}]} (cached a few minutes; ?fresh=true looks again; 409 for a sandbox mailbox)", handle: a.mailboxDNS},
		{Method: http.MethodPost, Path: "/api/inboxes/{id}/sandbox/receive", Access: Workspace, Role: Member, Summary: "Sandbox only: deliver a message into the mailbox", handle: a.sandboxReceive},

		// Replies.
		{Method: http.MethodGet, Path: "/api/replies", Access: Workspace, Role: Member, Summary: "Conversations, latest activity first, with the latest received message, lead, campaign and category (?category=&inboxId=&campaignId=&unread=&others=)", handle: a.listReplies},
		{Method: http.MethodGet, Path: "/api/replies/{id}", Access: Workspace, Role: Member, Summary: "A conversation's whole thread, oldest first, with where the lead's sequence stands (reading changes nothing: POST …/read marks it read; remote images held back unless ?images=1)", handle: a.getReplyThread},
		{Method: http.MethodPost, Path: "/api/replies/{id}/read", Access: Workspace, Role: Member, Summary: "Mark a conversation read → the conversation", handle: a.markReplyRead},
		{Method: http.MethodPost, Path: "/api/replies/{id}/categorize", Access: Workspace, Role: Member, Summary: "Set the category by hand ({category}; wins from then on) or, without one, ask AI", handle: a.categorizeReply},
		{Method: http.MethodPost, Path: "/api/replies/{id}/suggest", Access: Workspace, Role: Member, Summary: "Suggest a reply to edit and send (AI or offline; rate-limited; nothing is sent)", handle: a.suggestReply},
		{Method: http.MethodPost, Path: "/api/replies/{id}/send", Access: Workspace, Role: Member, Summary: "Reply in the thread from the mailbox that received it → 202; a provider failure keeps it queued and retried", handle: a.sendReply},
		{Method: http.MethodPost, Path: "/api/inboxes/{id}/sent-copy/detect", Access: Workspace, Role: Admin, Summary: "SMTP mailboxes: send a test message to itself and watch Sent, to learn whether the server files submitted mail itself {apply} → {serverFilesSent, skipSentCopy, changed}; with apply a server that does has the mailbox skip its own copy (409 not_smtp; counts as a connection check)", handle: a.detectSentCopy},
		{Method: http.MethodPut, Path: "/api/inboxes/{id}/sent-copy", Access: Workspace, Role: Admin, Summary: "SMTP mailboxes: skip the copy to Sent or make it again {skipSentCopy} → {skipSentCopy, changed}", handle: a.setSentCopy},
		{Method: http.MethodPost, Path: "/api/inboxes/{id}/sync", Access: Workspace, Role: Member, Summary: "Read a mailbox now (replies, bounces, out-of-office) → {pages, fetched, stored, skipped, complete}", handle: a.syncMailbox},
		{Method: http.MethodPost, Path: "/api/inbound/classify", Access: User, Summary: "Classify one raw message (message/rfc822, ≤ 10 MB): bounce, auto-reply, complaint, unsubscribe or reply, and why; nothing is stored; LEADBITZ_CLASSIFY_PER_MINUTE calls a minute per workspace (429 + Retry-After past it)", MaxBody: MaxInboundMessage, handle: a.classifyInbound},

		// Unsubscribe links (no login; the token is signed).
		{Method: http.MethodGet, Path: "/u/{token}", Access: Public, Summary: "Unsubscribe page (a GET never unsubscribes)", handle: a.unsubscribeForm},
		{Method: http.MethodPost, Path: "/u/{token}", Access: Public, Summary: "One-click unsubscribe (RFC 8058): suppresses at once", handle: a.unsubscribe},

		// Cron, health, metrics, description.
		{Method: http.MethodPost, Path: "/api/cron/tick", Access: Public, Summary: "Run one send tick (Bearer CRON_SECRET)", handle: a.cronTick},
		{Method: http.MethodPost, Path: "/api/cron/sync-inbox", Access: Public, Summary: "Run one inbox sync pass (Bearer CRON_SECRET)", handle: a.cronSync},
		{Method: http.MethodPost, Path: "/api/cron/bounce-guard", Access: Public, Summary: "Run the hourly bounce guard and mailbox upkeep once (Bearer CRON_SECRET; for LEADBITZ_SCHEDULER=off)", handle: a.cronUpkeep("bounce-guard")},
		{Method: http.MethodPost, Path: "/api/cron/account-upkeep", Access: Public, Summary: "Run the hourly account upkeep once: expired sessions, old login failures and security events (Bearer CRON_SECRET; for LEADBITZ_SCHEDULER=off)", handle: a.cronUpkeep("account-upkeep")},
		{Method: http.MethodPost, Path: "/api/cron/event-upkeep", Access: Public, Summary: "Run the hourly event upkeep once: events older than LEADBITZ_EVENT_RETENTION (Bearer CRON_SECRET; for LEADBITZ_SCHEDULER=off)", handle: a.cronUpkeep("event-upkeep")},
		{Method: http.MethodGet, Path: "/api/system", Access: Workspace, Role: Member, InstanceAdmin: true, Summary: "The System page (administrators of the instance only): version, schema, database dialect and size, queue backlog, last tick and sync, the workspace's failing mailboxes, data directory disk use", handle: a.systemReport},
		{Method: http.MethodGet, Path: "/healthz", Access: Public, Summary: "Liveness", handle: a.healthz},
		{Method: http.MethodGet, Path: "/readyz", Access: Public, Summary: "Readiness: the database answers", handle: a.readyz},
		{Method: http.MethodGet, Path: "/metrics", Access: Public, Summary: "Prometheus metrics (404 unless LEADBITZ_METRICS_TOKEN is set, then only to that bearer; with LEADBITZ_METRICS_ADDR served there instead)", handle: a.metrics},
		{Method: http.MethodGet, Path: "/api/openapi.json", Access: Public, Summary: "This API's OpenAPI 3.1 description", handle: a.openAPI},
	}
}
