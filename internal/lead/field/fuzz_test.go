package field

import (
	"strings"
	"testing"
)

// FuzzNormalizers checks each normaliser on arbitrary strings: no panic,
// a result that is its own normal form, and the net/url-free fast paths of
// the URL normalisers agreeing with net/url.
func FuzzNormalizers(f *testing.F) {
	for _, s := range []string{
		"Ada <ada@example.com>", "mailto:x@bücher.de", "+33 (0)1 23", "europe/paris", "UTC+2",
		"www.Acme.com/a%2Fb", "linkedin.com/in/jos%c3%a9/", "HTTP://X.Y/~z", "a.b/%zz", "xn--bcher-kva.de",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norms := map[string]func(string) (string, error){
			"email": NormalizeEmail, "website": NormalizeWebsite, "linkedinUrl": NormalizeLinkedinURL,
			"phone": NormalizePhone, "timezone": NormalizeTimezone,
		}
		for name, fn := range norms {
			out, err := fn(s)
			if err != nil {
				if fe := asFieldError(err); fe == nil || fe.Field != name || fe.Message == "" {
					t.Fatalf("%s(%q): error %T %v is not an Error for %s", name, s, err, err, name)
				}
				continue
			}
			if again, err := fn(out); err != nil || again != out {
				t.Fatalf("%s not idempotent: %q → %q → %q, %v", name, s, out, again, err)
			}
		}
		if _, _, _, ok := simpleURL(TrimSpace(s), false); ok && TrimSpace(s) != "" && !isPlaceholder(TrimSpace(s)) {
			fast, errF := NormalizeWebsite(s)
			slow, errS := websiteSlow(TrimSpace(s))
			if fast != slow || (errF == nil) != (errS == nil) {
				t.Fatalf("website %q: fast %q %v, net/url %q %v", s, fast, errF, slow, errS)
			}
		}
		if c := TrimSpace(s); c != "" && !isPlaceholder(c) && !strings.ContainsAny(c, "?#") {
			if _, _, _, ok := simpleURL(c, true); ok {
				fast, errF := NormalizeLinkedinURL(s)
				slow, errS := linkedinSlow(c)
				if fast != slow || (errF == nil) != (errS == nil) {
					t.Fatalf("linkedin %q: fast %q %v, net/url %q %v", s, fast, errF, slow, errS)
				}
			}
		}
		for _, fn := range []func(string) string{NormalizeName, NormalizeText} {
			if out := fn(s); fn(out) != out {
				t.Fatalf("text normaliser not idempotent on %q", s)
			}
		}
	})
}
