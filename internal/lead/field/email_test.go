package field

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeEmailAccepts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ada@example.com", "ada@example.com"},
		{"  Ada.Lovelace@Example.COM  ", "ada.lovelace@example.com"},
		{"\u00a0ada@example.com\u200b", "ada@example.com"},
		{"ada\u200b@example.com", "ada@example.com"},
		{"mailto:ada@example.com", "ada@example.com"},
		{"MAILTO:ada@example.com?subject=hi", "ada@example.com"},
		{"<ada@example.com>", "ada@example.com"},
		{`"ada@example.com"`, "ada@example.com"},
		{"'ada@example.com'", "ada@example.com"},
		{"“ada@example.com”", "ada@example.com"},
		{"Ada Lovelace <ada@example.com>", "ada@example.com"},
		{`"Lovelace, Ada" <ada@example.com>`, "ada@example.com"},
		{`"ada@work" <ada@example.com>`, "ada@example.com"},
		{"ada@example.com.", "ada@example.com"},
		{"first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"},
		{"o'brien@example.ie", "o'brien@example.ie"},
		{"x_y-z=1{}|~@example.com", "x_y-z=1{}|~@example.com"},
		{"ada@bücher.de", "ada@xn--bcher-kva.de"},
		{"ada@BÜCHER.de", "ada@xn--bcher-kva.de"},
		{"ada@xn--bcher-kva.de", "ada@xn--bcher-kva.de"},
		{"ada@例え.jp", "ada@xn--r8jz45g.jp"},
		{"a@b.co", "a@b.co"},
		{strings.Repeat("a", 64) + "@example.com", strings.Repeat("a", 64) + "@example.com"},
		{"ada@" + strings.Repeat("a", 63) + ".com", "ada@" + strings.Repeat("a", 63) + ".com"},
		{"ada@123.example.com", "ada@123.example.com"},
		{"ada@example.xn--p1ai", "ada@example.xn--p1ai"},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeEmailRejects(t *testing.T) {
	long := strings.Repeat("a", 65) + "@example.com"
	longDomain := "ada@" + strings.Repeat(strings.Repeat("a", 60)+".", 5) + "com"
	tests := []struct{ in, msg string }{
		{"", "email: is missing"},
		{"   ", "email: is missing"},
		{"n/a", `email: "n/a" is a placeholder, not an address`},
		{"N/A", `email: "N/A" is a placeholder, not an address`},
		{"-", `email: "-" is a placeholder, not an address`},
		{"none", `email: "none" is a placeholder, not an address`},
		{"#N/A", `email: "#N/A" is a placeholder, not an address`},
		{"ada.example.com", "email: missing @"},
		{"ada@@example.com", "email: has more than one @"},
		{"ada@work@example.com", "email: has more than one @"},
		{"@example.com", "email: nothing before @"},
		{"ada@", "email: nothing after @"},
		{"ada@localhost", "email: domain has no dot"},
		{"ada@example..com", "email: domain has consecutive dots"},
		{"ada@.example.com", "email: domain starts with a dot"},
		{"ada..lovelace@example.com", "email: consecutive dots before @"},
		{".ada@example.com", "email: part before @ starts or ends with a dot"},
		{"ada.@example.com", "email: part before @ starts or ends with a dot"},
		{long, "email: part before @ is longer than 64 characters"},
		{longDomain, "email: domain is longer than 253 characters"},
		{"ada@" + strings.Repeat("a", 64) + ".com", "email: domain part"},
		{"ada@-example.com", `email: domain part "-example" starts or ends with -`},
		{"ada@exa_mple.com", `email: character '_' is not allowed in the domain`},
		{"ada@[192.168.0.1]", "email: IP address instead of a domain name"},
		{"ada@192.168.0.1", "email: IP address instead of a domain name"},
		{"ada@example.123", "email: domain ends in a number"},
		{"ada@example.c", `email: top-level domain "c" is too short`},
		{"ada lovelace@example.com", "email: contains a space or a separator"},
		{"ada@example.com, grace@example.com", "email: holds several addresses; keep one per row"},
		{"ada@example.com;grace@example.com", "email: holds several addresses; keep one per row"},
		{"Ada <ada@example.com> <grace@example.com>", "email: holds several addresses; keep one per row"},
		{"Ada <ada@example.com> (work)", `email: has unexpected text "(work)" after >`},
		{"Ada <ada@example.com", "email: has < without a closing >"},
		{"grace@example.com <ada@example.com>", "email: display name before < contains another address"},
		{`"ada"@example.com`, "email: quoted part before @ is not supported"},
		{"adä@example.com", "email: non-ASCII characters before @ are not supported"},
		{"ada(x)@example.com", `email: character '(' is not allowed before @`},
		{"ada@exa mple.com", "email: contains a space or a separator"},
		{"email_not_unlocked@domain.com", "email: is Apollo's placeholder for an address not unlocked"},
		{"ada@xn--zz.com", "email: domain is not a valid international domain name"},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.in)
		if err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, want error %q", tt.in, got, tt.msg)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.msg) {
			t.Errorf("NormalizeEmail(%q) error = %q, want %q", tt.in, err, tt.msg)
		}
		var fe *Error
		if !errors.As(err, &fe) || fe.Field != Email {
			t.Errorf("NormalizeEmail(%q) error %T is not a *Error for email", tt.in, err)
		}
	}
}

// A canonical address is its own normal form, and normalising costs no
// allocation then: the import calls this a million times.
func TestNormalizeEmailIdempotentAndCheap(t *testing.T) {
	for _, in := range []string{"Ada@Example.com", "mailto:x@bücher.de", "A <b@c.io>"} {
		once, err := NormalizeEmail(in)
		if err != nil {
			t.Fatal(err)
		}
		twice, err := NormalizeEmail(once)
		if err != nil || twice != once {
			t.Errorf("NormalizeEmail(%q) = %q, %v; not idempotent", once, twice, err)
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := NormalizeEmail("ada.lovelace@example.com"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("NormalizeEmail of a canonical address allocates %v times", allocs)
	}
}
