package web

import (
	"strings"
	"testing"
)

func TestMailFrameCSPLoadsImagesOnlyWhenAsked(t *testing.T) {
	off, on := mailFrameCSP(false), mailFrameCSP(true)
	for _, csp := range []string{off, on} {
		for _, want := range []string{"default-src 'none'", "form-action 'none'", "sandbox allow-same-origin allow-popups"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "allow-scripts") || strings.Contains(csp, "script-src") {
			t.Errorf("%q lets scripts run", csp)
		}
	}
	if !strings.Contains(off, "img-src 'none'") || !strings.Contains(on, "img-src https: http:") || strings.Contains(on, "data:") {
		t.Errorf("img-src: %q / %q", off, on)
	}
}
