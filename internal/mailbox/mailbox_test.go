package mailbox

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

func ptr[T any](v T) *T { return &v }

func TestApplyPatch(t *testing.T) {
	base := store.Mailbox{Status: store.MailboxDisconnected, StatusReason: "revoked", DailyCap: 30, Timezone: "UTC"}
	cases := []struct {
		name  string
		in    Patch
		field string // the 422's field; "" means accepted
		check func(store.Mailbox) bool
	}{
		{"limits", Patch{DailyCap: ptr(50), RampStart: ptr(0), MinGapSeconds: ptr(0)}, "",
			func(i store.Mailbox) bool { return i.DailyCap == 50 && i.RampStart == 0 && i.MinGapSeconds == 0 }},
		{"reconnecting a sandbox clears the reason", Patch{Status: ptr("active")}, "",
			func(i store.Mailbox) bool { return i.Status == store.MailboxActive && i.StatusReason == "" }},
		{"zone", Patch{Timezone: ptr("America/New_York")}, "",
			func(i store.Mailbox) bool { return i.Timezone == "America/New_York" }},
		{"cap too high", Patch{DailyCap: ptr(MaxDailyCap + 1)}, "dailyCap", nil},
		{"negative gap", Patch{MinGapSeconds: ptr(-1)}, "minGapSeconds", nil},
		{"status set by providers only", Patch{Status: ptr("disconnected")}, "status", nil},
		{"bad zone", Patch{Timezone: ptr("Mars/Base")}, "timezone", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			i := base
			err := applyPatch(&i, tc.in)
			if tc.field == "" {
				if err != nil || !tc.check(i) {
					t.Fatalf("patch %+v: %v, %+v", tc.in, err, i)
				}
				return
			}
			p, ok := problem.As(err)
			if !ok || p.Fields[tc.field] == "" {
				t.Fatalf("patch %+v: %v, want 422 on %s", tc.in, err, tc.field)
			}
		})
	}
}
