package smtpimap

import (
	"slices"
	"testing"
)

// TestParseListLine: the copier reads the \Sent folder's name off a LIST
// answer only when the name is sent plainly; anything else falls back to
// the full discovery.
func TestParseListLine(t *testing.T) {
	cases := []struct {
		line   string
		attrs  []string
		name   string
		nameOK bool
	}{
		{`* LIST (\HasNoChildren \Sent) "/" Sent`, []string{`\HasNoChildren`, `\Sent`}, "Sent", true},
		{`* LIST (\Sent) "." "Sent Items"`, []string{`\Sent`}, "Sent Items", true},
		{`* list (\Sent \HasNoChildren) "/" "[Gmail]/Sent Mail"`, []string{`\Sent`, `\HasNoChildren`}, "[Gmail]/Sent Mail", true},
		{`* LIST (\Sent) NIL Sent`, []string{`\Sent`}, "Sent", true},
		{`* LIST (\Sent) "\\" "Say \"hi\""`, []string{`\Sent`}, `Say "hi"`, true},
		{`* LIST (\Sent) "/" "Gesendete Objekte &AOQ-"`, []string{`\Sent`}, "Gesendete Objekte &AOQ-", false},
		{`* LIST (\Sent) "/" {9}`, []string{`\Sent`}, "", false},
		{`* LIST (\Sent) "/" "unterminated`, []string{`\Sent`}, "", false},
		{`* LIST (\Sent) "/" "Sent" extra`, []string{`\Sent`}, "", false},
		{`* LIST () "/" INBOX`, []string{}, "INBOX", true},
		{`* STATUS INBOX (MESSAGES 1)`, nil, "", false},
		{`* LIST (\Sent "/" Sent`, nil, "", false},
	}
	for _, c := range cases {
		attrs, name, ok := parseListLine(c.line)
		if !slices.Equal(attrs, c.attrs) && !(len(attrs) == 0 && len(c.attrs) == 0) || name != c.name || ok != c.nameOK {
			t.Errorf("%s: %q %q %v, want %q %q %v", c.line, attrs, name, ok, c.attrs, c.name, c.nameOK)
		}
	}
}
