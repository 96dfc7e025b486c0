package verify

import (
	"slices"
	"testing"

	"github.com/leadbitz/leadbitz/internal/store"
)

func TestDecide(t *testing.T) {
	ok := Domain{Provider: ProviderOther}
	for _, tc := range []struct {
		email   string
		d       Domain
		status  string
		reasons []string
	}{
		{"ada@acme.test", ok, store.VerifyDeliverable, nil},
		{"ada@gmail.com", Domain{Provider: ProviderGoogle}, store.VerifyDeliverable, []string{ReasonFreeProvider}},
		{"info@acme.test", ok, store.VerifyRisky, []string{ReasonRole}},
		{"Sales+eu@acme.test", ok, store.VerifyRisky, []string{ReasonRole}},
		{"no-reply@acme.test", ok, store.VerifyRisky, []string{ReasonRole}},
		{"ada@mailinator.com", ok, store.VerifyRisky, []string{ReasonDisposable}},
		{"ada@eu.mailinator.com", ok, store.VerifyRisky, []string{ReasonDisposable}},
		{"ada@acme.test", Domain{NullMX: true}, store.VerifyUndeliverable, []string{ReasonNullMX}},
		{"ada@acme.test", Domain{NoMail: true}, store.VerifyUndeliverable, []string{ReasonNoMX}},
		{"info@acme.test", Domain{NoMail: true}, store.VerifyUndeliverable, []string{ReasonNoMX, ReasonRole}},
		// A resolver failure is never undeliverable.
		{"ada@acme.test", Domain{Failed: true}, store.VerifyUnknown, []string{ReasonResolverFailed}},
		{"info@acme.test", Domain{Failed: true}, store.VerifyRisky, []string{ReasonResolverFailed, ReasonRole}},
		{"ada@", ok, store.VerifyUndeliverable, []string{ReasonSyntax}},
		{"ada@localhost", ok, store.VerifyUndeliverable, []string{ReasonSyntax}},
		{"ada..b@acme.test", ok, store.VerifyUndeliverable, []string{ReasonSyntax}},
		{"ada@-acme.test", ok, store.VerifyUndeliverable, []string{ReasonSyntax}},
		{"a b@acme.test", ok, store.VerifyUndeliverable, []string{ReasonSyntax}},
		{"ada@acme_x.test", ok, store.VerifyUndeliverable, []string{ReasonSyntax}},
	} {
		v := Decide(tc.email, tc.d)
		if v.Status != tc.status || !slices.Equal(v.Reasons, append([]string{}, tc.reasons...)) {
			t.Errorf("Decide(%q, %+v) = %s %v; want %s %v", tc.email, tc.d, v.Status, v.Reasons, tc.status, tc.reasons)
		}
	}
}

func TestProviderOf(t *testing.T) {
	for _, tc := range []struct {
		mx   []string
		want string
	}{
		{[]string{"aspmx.l.google.com.", "alt1.aspmx.l.google.com."}, ProviderGoogle},
		{[]string{"smtp.google.com"}, ProviderGoogle},
		{[]string{"gmail-smtp-in.l.google.com"}, ProviderGoogle},
		{[]string{"acme-test.mail.protection.outlook.com"}, ProviderMicrosoft},
		{[]string{"hotmail-com.olc.protection.outlook.com"}, ProviderMicrosoft},
		{[]string{"mx1.acme.test", "mx.google.com.evil.test"}, ProviderOther},
		{nil, ProviderOther},
	} {
		if got := ProviderOf(tc.mx); got != tc.want {
			t.Errorf("ProviderOf(%v) = %s, want %s", tc.mx, got, tc.want)
		}
	}
}
