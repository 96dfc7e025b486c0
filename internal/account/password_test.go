package account

import (
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with our parameters", hash)
	}
	if ok, err := VerifyPassword("correct horse battery", hash); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, err := VerifyPassword("correct horse batterY", hash); ok || err != nil {
		t.Fatalf("wrong password: %v %v", ok, err)
	}
	other, _ := HashPassword("correct horse battery")
	if other == hash {
		t.Fatal("two hashes of one password share a salt")
	}
}

func TestVerifyRejectsMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=18$m=1,t=1,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=x,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=1,t=1,p=1$!!$aGFzaA", "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$"} {
		if ok, err := VerifyPassword("pw", h); ok || err == nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want an error", h, ok, err)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{" Ann@Example.COM ": "ann@example.com", "a.b+c@sub.example.io": "a.b+c@sub.example.io", "Ann <ann@example.com>": "ann@example.com"} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "ann", "ann@", "ann@localhost", "a b@example.com"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted", bad)
		}
	}
}

func TestTokensAreRandomAndHashedStably(t *testing.T) {
	a, b := newToken(), newToken()
	if a == b || len(a) != 43 {
		t.Fatalf("tokens %q %q", a, b)
	}
	first, again := HashToken(a), HashToken(a)
	if first != again || first == HashToken(b) || strings.Contains(first, a) {
		t.Fatal("token hash is not a stable one-way digest")
	}
}

func TestCleanMultiline(t *testing.T) {
	if got := cleanMultiline("  Acme Ltd \r\n 1 Main St  \r\n\r\n"); got != "Acme Ltd\n1 Main St" {
		t.Fatalf("got %q", got)
	}
}

// The dummy hash costs what a real one does: today's parameters, a real
// salt and key length.
func TestDummyHashHasTodaysParameters(t *testing.T) {
	real, err := HashPassword("some password")
	if err != nil {
		t.Fatal(err)
	}
	if needsRehash(dummyHash) || len(dummyHash) != len(real) {
		t.Fatalf("dummy %q, real %q", dummyHash, real)
	}
	if ok, err := VerifyPassword("leadbitz-timing-equaliser", dummyHash); ok || err != nil {
		t.Fatalf("verify against the dummy: %v %v", ok, err)
	}
}
