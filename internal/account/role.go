package account

import (
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// roleRank orders the workspace roles: each has every right of the ones
// below it. Members run campaigns, leads and replies; admins also manage
// mailboxes, deletions, exports, API keys, settings, members and the audit
// log; owners also add owners.
var roleRank = map[string]int{store.RoleMember: 1, store.RoleAdmin: 2, store.RoleOwner: 3}

// KnownRole reports whether role is one of the workspace roles.
func KnownRole(role string) bool { return roleRank[role] > 0 }

// RoleAllows reports whether a member with role may do what needs at least
// min. An unknown role (or none) allows nothing, and an unknown min is
// allowed to no one, so a mistake refuses rather than grants.
func RoleAllows(role, min string) bool {
	return KnownRole(role) && KnownRole(min) && roleRank[role] >= roleRank[min]
}

// ErrForbiddenRole is the answer when the caller's role is below what an
// action needs. It names the role needed, never anything about the object.
func ErrForbiddenRole(min string) error {
	return &problem.Error{Kind: problem.Forbidden, Code: "forbidden",
		Message: "Your role in this workspace does not allow this; it needs " + RoleNeeds(min) + ".",
		Details: map[string]any{"requiredRole": min}}
}

// RoleNeeds says in words who may do what needs at least min.
func RoleNeeds(min string) string {
	switch min {
	case store.RoleOwner:
		return "an owner"
	case store.RoleAdmin:
		return "an owner or admin"
	default:
		return "any member"
	}
}

// RequireInstanceAdmin refuses (403 forbidden) what shows facts about the
// whole server (the System page, GET /api/system) to anyone but an
// administrator of the instance (users.is_admin: the first account, or one
// made so by `leadbitz user make-admin`), whatever their workspace role.
func RequireInstanceAdmin(p Principal) error {
	if p.User.IsAdmin {
		return nil
	}
	return &problem.Error{Kind: problem.Forbidden, Code: "forbidden",
		Message: "Only an administrator of this instance may see this (`leadbitz user make-admin EMAIL` makes one).",
		Details: map[string]any{"requiredRole": "instance_admin"}}
}
