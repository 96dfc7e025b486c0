package account

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

func code(err error) string {
	if err == nil {
		return ""
	}
	if p, ok := problem.As(err); ok {
		return p.Code
	}
	return err.Error()
}

func TestRoleChangeRule(t *testing.T) {
	const o, a, m = store.RoleOwner, store.RoleAdmin, store.RoleMember
	for _, tc := range []struct {
		actor, target, to string
		owners            int
		want              string
	}{
		{a, m, a, 1, ""},
		{a, a, m, 1, ""},
		{m, m, a, 1, "forbidden"},
		{a, m, o, 1, "forbidden"},  // only owners make owners
		{a, o, m, 2, "forbidden"},  // only owners touch owners
		{o, m, o, 1, ""},           // a second owner
		{o, o, a, 2, ""},           // one owner is left
		{o, o, a, 1, "last_owner"}, // the last one stays
		{o, m, "boss", 1, "invalid"},
	} {
		err := roleChange(tc.actor, tc.target, tc.to, tc.owners)
		got := code(err)
		if got == "invalid" || (err != nil && tc.want == "invalid") {
			if p, _ := problem.As(err); p == nil || p.Fields["role"] == "" {
				t.Errorf("%+v: %v, want an error on the role field", tc, err)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%+v: %q, want %q", tc, got, tc.want)
		}
	}
}

func TestRemovalRule(t *testing.T) {
	const o, a, m = store.RoleOwner, store.RoleAdmin, store.RoleMember
	for _, tc := range []struct {
		actor, target string
		owners        int
		self          bool
		want          string
	}{
		{a, m, 1, false, ""},
		{a, a, 1, false, ""},
		{m, m, 1, false, "forbidden"},
		{a, o, 2, false, "forbidden"},
		{o, o, 2, false, ""},
		{o, o, 1, true, "last_owner"}, // the last owner cannot leave
		{m, m, 1, true, ""},           // anyone leaves
		{o, o, 2, true, ""},
	} {
		if got := code(removal(tc.actor, tc.target, tc.owners, tc.self)); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc, got, tc.want)
		}
	}
}

func TestCheckInvitation(t *testing.T) {
	for _, tc := range []struct {
		in     InvitationInput
		actor  string
		fields []string
	}{
		{InvitationInput{Email: " Ann@Example.com ", Role: "member"}, store.RoleAdmin, nil},
		{InvitationInput{Email: "ann@example.com", Role: "owner"}, store.RoleAdmin, []string{"role"}},
		{InvitationInput{Email: "ann@example.com", Role: "owner"}, store.RoleOwner, nil},
		{InvitationInput{Email: "nope", Role: "boss"}, store.RoleOwner, []string{"email", "role"}},
	} {
		email, err := checkInvitation(tc.in, tc.actor)
		p, _ := problem.As(err)
		if len(tc.fields) == 0 {
			if err != nil || email != "ann@example.com" {
				t.Errorf("%+v: %q %v", tc.in, email, err)
			}
			continue
		}
		for _, f := range tc.fields {
			if p == nil || p.Fields[f] == "" {
				t.Errorf("%+v: %v, want an error on %s", tc.in, err, f)
			}
		}
	}
}
