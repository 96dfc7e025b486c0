package mailmsg

import (
	"regexp"
	"slices"
	"testing"
)

func TestNewMessageID(t *testing.T) {
	shape := regexp.MustCompile(`^<[a-z2-7]{32}@acme\.io>$`)
	seen := map[string]bool{}
	for range 1000 {
		id := NewMessageID("Acme.IO ")
		if !shape.MatchString(id) {
			t.Fatalf("id %q has the wrong shape", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "local host", "a..b", ".x", "x@y"} {
		if id := NewMessageID(bad); !regexp.MustCompile(`@leadbitz\.invalid>$`).MatchString(id) || !validMsgID(id) {
			t.Errorf("NewMessageID(%q) = %q", bad, id)
		}
	}
}

func TestDomain(t *testing.T) {
	for in, want := range map[string]string{"a@b.com": "b.com", "<x@y.org>": "y.org", "nodomain": "", `"a@b"@c.io`: "c.io"} {
		if got := Domain(in); got != want {
			t.Errorf("Domain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMsgIDs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"<a@b>", []string{"<a@b>"}},
		{"<a@b> <c@d>\t<e@f>", []string{"<a@b>", "<c@d>", "<e@f>"}},
		{"<a@b>,<c@d>", []string{"<a@b>", "<c@d>"}},
		{"<a@b> (added by foo <x@y>) <c@d>", []string{"<a@b>", "<c@d>"}},
		{"< a@b >", []string{"<a@b>"}},
		{"a@b c@d", []string{"<a@b>", "<c@d>"}},
		{"<a@b> <a@b>", []string{"<a@b>"}},
		{"<a@b", []string{"<a@b>"}},
		{"<junk <c@d>", []string{"<c@d>"}},
		{"garbage without ids", nil},
		{"", nil},
		{"<>", nil},
		{"Your message of <a@b> was", []string{"<a@b>"}},
	}
	for _, tt := range tests {
		if got := ParseMsgIDs(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("ParseMsgIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReplyReferences(t *testing.T) {
	tests := []struct {
		name   string
		parent string
		refs   []string
		want   []string
	}{
		{"first reply", "<p@x>", nil, []string{"<p@x>"}},
		{"appends parent", "<p@x>", []string{"<r1@x>", "<r2@x>"}, []string{"<r1@x>", "<r2@x>", "<p@x>"}},
		{"no duplicate", "<p@x>", []string{"<r1@x>", "<p@x>"}, []string{"<r1@x>", "<p@x>"}},
		{"raw header values", "p@x", []string{"<r1@x> <r2@x>"}, []string{"<r1@x>", "<r2@x>", "<p@x>"}},
		{"in-reply-to fallback", "<p@x>", []string{"<irt@x>"}, []string{"<irt@x>", "<p@x>"}},
		{"no parent id", "", []string{"<r1@x>"}, []string{"<r1@x>"}},
	}
	for _, tt := range tests {
		if got := ReplyReferences(tt.parent, tt.refs); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestReplySubject(t *testing.T) {
	tests := map[string]string{
		"Quick question":          "Re: Quick question",
		"Re: Quick question":      "Re: Quick question",
		"RE: Re: re:Quick":        "Re: Quick",
		"Re[2]: Quick":            "Re: Quick",
		"Re(3): Quick":            "Re: Quick",
		"AW: Angebot":             "Re: Angebot",
		"SV: Tilbud":              "Re: Tilbud",
		"Re : Devis":              "Re: Devis",
		"Research: results":       "Re: Research: results",
		"Regarding your proposal": "Re: Regarding your proposal",
		"  ":                      "Re: ",
		"Re:":                     "Re: ",
		"Fwd: deck":               "Re: Fwd: deck",
		"Re：全角":                   "Re: 全角",
	}
	for in, want := range tests {
		if got := ReplySubject(in); got != want {
			t.Errorf("ReplySubject(%q) = %q, want %q", in, got, want)
		}
	}
}
