package rules

import "testing"

func TestVerificationGate(t *testing.T) {
	for _, tc := range []struct {
		status     string
		allowRisky bool
		want       Reason
	}{
		{"deliverable", false, ""},
		{"unknown", false, ""},
		{"", false, ""}, // never checked: sent as unknown
		{"risky", false, ReasonRisky},
		{"risky", true, ""},
		{"undeliverable", false, ReasonUndeliverable},
		{"undeliverable", true, ReasonUndeliverable},
	} {
		if got := VerificationGate(tc.status, tc.allowRisky); got != tc.want {
			t.Errorf("VerificationGate(%q, %v) = %q, want %q", tc.status, tc.allowRisky, got, tc.want)
		}
	}
}

func TestSkipReason(t *testing.T) {
	for _, tc := range []struct {
		status  string
		reasons []string
		want    string
	}{
		{"undeliverable", []string{"no_mx"}, "undeliverable (no MX)"},
		{"undeliverable", []string{"null_mx", "free_provider"}, "undeliverable (null MX)"},
		{"risky", []string{"disposable", "role"}, "risky (disposable domain, role address)"},
		{"undeliverable", []string{"hard_bounce"}, "undeliverable (hard bounce)"},
		{"risky", nil, "risky"},
	} {
		if got := SkipReason(tc.status, tc.reasons); got != tc.want {
			t.Errorf("SkipReason(%q, %v) = %q, want %q", tc.status, tc.reasons, got, tc.want)
		}
	}
}
