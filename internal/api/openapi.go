package api

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/httpserver"
)

var pathParam = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// OpenAPI builds the OpenAPI 3.1 description from the route table.
func (a *API) OpenAPI() map[string]any {
	errorRef := map[string]any{"$ref": "#/components/responses/Error"}
	paths := map[string]map[string]any{}
	for _, rt := range a.Routes() {
		op := map[string]any{
			"summary":     rt.Summary,
			"description": rt.Summary + "\n\n" + accessSentence(rt) + instanceAdminSentence(rt) + verifiedSentence(rt),
			"operationId": operationID(rt),
			"tags":        []string{tagOf(rt.Path)},
			"responses":   map[string]any{"default": errorRef, "2XX": map[string]any{"description": "Success"}},
		}
		if rt.Access == Public {
			op["security"] = []any{}
		}
		if role := requiredRole(rt); role != "" {
			op["x-leadbitz-role"] = role
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		if rt.Access != Public {
			params = append(params, map[string]any{"name": "X-Workspace-Id", "in": "header", "required": false,
				"description": "Act in this workspace (must be a member)", "schema": map[string]string{"type": "string"}})
		}
		params = addRouteDoc(rt, op, params)
		if params != nil {
			op["parameters"] = params
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "Leadbitz API", "version": "1"},
		"servers": []any{map[string]string{"url": a.Config.BaseURL}},
		"paths":   paths,
		"security": []any{
			map[string][]string{"session": {}}, map[string][]string{"apiKey": {}},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"session": map[string]string{"type": "apiKey", "in": "cookie", "name": httpserver.SessionCookie},
				"apiKey":  map[string]string{"type": "http", "scheme": "bearer"},
			},
			"responses": map[string]any{"Error": map[string]any{
				"description": "An error in the contract's shape",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object", "required": []string{"error"},
					"properties": map[string]any{"error": map[string]any{
						"type": "object", "required": []string{"code", "message"},
						"properties": map[string]any{
							"code": map[string]string{"type": "string"}, "message": map[string]string{"type": "string"},
							"details": map[string]string{"type": "object"},
						},
					}},
				}}},
			}},
		},
	}
}

// accessSentence says in the description who may call a route.
func accessSentence(rt Route) string {
	switch role := requiredRole(rt); {
	case rt.Access == Public:
		return "Access: no login needed."
	case role == "":
		return "Access: any logged-in user (a session or an API key); no workspace role needed."
	case strings.HasPrefix(rt.Path, workspacePath):
		return "Access: " + account.RoleNeeds(role) + " of the workspace in the path (x-leadbitz-role: " + role + "); others get 403 forbidden."
	default:
		return "Access: " + account.RoleNeeds(role) + " of the active workspace (x-leadbitz-role: " + role + "); others get 403 forbidden. An API key acts with the role of the member who created it."
	}
}

// instanceAdminSentence says that a route is for the instance's administrators.
func instanceAdminSentence(rt Route) string {
	if !rt.InstanceAdmin {
		return ""
	}
	return " Only administrators of the instance (the first account, or one made so by `leadbitz user make-admin`); anyone else gets 403 forbidden."
}

// verifiedSentence says that a route waits for a confirmed address.
func verifiedSentence(rt Route) string {
	if !rt.Verified {
		return ""
	}
	return " While the instance sends its own mail (LEADBITZ_SMTP_URL), the caller's address must be confirmed first: 403 email_not_verified until then."
}

func operationID(rt Route) string {
	id := strings.ToLower(rt.Method)
	for _, part := range strings.FieldsFunc(rt.Path, func(r rune) bool { return r == '/' || r == '-' || r == '.' }) {
		part = strings.Trim(part, "{}")
		if part == "api" || part == "" {
			continue
		}
		id += strings.ToUpper(part[:1]) + part[1:]
	}
	return id
}

func tagOf(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/api/"), "/")
	if strings.HasPrefix(path, "/api/") && len(parts) > 0 {
		return parts[0]
	}
	return "system"
}

func (a *API) openAPI(w http.ResponseWriter, _ *http.Request, _ account.Principal) error {
	writeJSON(w, http.StatusOK, a.OpenAPI())
	return nil
}
