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

		// Workspaces, members, API keys, audit.
		{Method: http.MethodPost, Path: "/api/workspaces", Access: User, Summary: "Create a workspace (caller is owner)", handle: a.createWorkspace},
		{Method: http.MethodPost, Path: "/api/workspaces/{id}/switch", Access: User, Summary: "Make a workspace the session's active one", handle: a.switchWorkspace},
		{Method: http.MethodGet, Path: "/api/workspaces/{id}/members", Access: User, Summary: "List a workspace's members", handle: a.listMembers},
		{Method: http.MethodPost, Path: "/api/workspaces/{id}/members", Access: User, Summary: "Add a member (owner/admin only)", handle: a.addMember},
		{Method: http.MethodPost, Path: "/api/api-keys", Access: Workspace, Summary: "Create an API key (token shown once)", handle: a.createAPIKey},
		{Method: http.MethodGet, Path: "/api/api-keys", Access: Workspace, Summary: "List API keys", handle: a.listAPIKeys},
		{Method: http.MethodDelete, Path: "/api/api-keys/{id}", Access: Workspace, Summary: "Revoke an API key", handle: a.revokeAPIKey},
		{Method: http.MethodGet, Path: "/api/audit-events", Access: Workspace, Summary: "The workspace's audit log, newest first", handle: a.listAuditEvents},

		// Cron, health, metrics, description.
		{Method: http.MethodPost, Path: "/api/cron/tick", Access: Public, Summary: "Run one send tick (Bearer CRON_SECRET)", handle: a.cronTick},
		{Method: http.MethodPost, Path: "/api/cron/sync-inbox", Access: Public, Summary: "Run one inbox sync pass (Bearer CRON_SECRET)", handle: a.cronSync},
		{Method: http.MethodGet, Path: "/healthz", Access: Public, Summary: "Liveness", handle: a.healthz},
		{Method: http.MethodGet, Path: "/readyz", Access: Public, Summary: "Readiness: the database answers", handle: a.readyz},
		{Method: http.MethodGet, Path: "/metrics", Access: Public, Summary: "Prometheus metrics", handle: a.metrics},
		{Method: http.MethodGet, Path: "/api/openapi.json", Access: Public, Summary: "This API's OpenAPI 3.1 description", handle: a.openAPI},
	}
}
