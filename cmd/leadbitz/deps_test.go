package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The product binary holds only the product: no test fake, fixture or test
// package may be linked into it. Benchmarks and their seeders live in
// cmd/leadbitz-bench.
func TestProductHasNoTestCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps listed %d packages: %q", len(deps), deps)
	}
	for _, p := range deps {
		if reason := testOnly(p); reason != "" {
			t.Errorf("cmd/leadbitz links %s (%s); move what needs it to cmd/leadbitz-bench or a _test.go file", p, reason)
		}
	}
}

// testOnly says why a package must not be in the product, or "".
func testOnly(pkg string) string {
	last := pkg[strings.LastIndexByte(pkg, '/')+1:]
	switch {
	case pkg == "testing" || strings.HasPrefix(pkg, "testing/"):
		return "the testing package"
	case pkg == "net/http/httptest":
		return "test HTTP servers"
	case strings.HasSuffix(last, "fake"):
		return "a test fake"
	case last == "openaitest" || last == "storetest" || last == "apptest" || last == "realmail":
		return "a test fixture"
	}
	return ""
}

func TestTestOnly(t *testing.T) {
	for pkg, want := range map[string]bool{
		"testing": true, "testing/fstest": true, "net/http/httptest": true,
		"github.com/leadbitz/leadbitz/internal/provider/mailfake":          true,
		"github.com/leadbitz/leadbitz/internal/provider/gmail/gmailfake":   true,
		"github.com/leadbitz/leadbitz/internal/ai/openai/openaitest":       true,
		"github.com/leadbitz/leadbitz/internal/storetest":                  true,
		"github.com/leadbitz/leadbitz/internal/apptest":                    true,
		"github.com/leadbitz/leadbitz/internal/provider/smtpimap/realmail": true,
		"net/http": false, "github.com/leadbitz/leadbitz/internal/store": false,
		"github.com/leadbitz/leadbitz/internal/provider/gmail": false,
	} {
		if got := testOnly(pkg) != ""; got != want {
			t.Errorf("testOnly(%q) = %v, want %v", pkg, got, want)
		}
	}
}
