package microsoft

import (
	"fmt"
	"testing"
)

func TestMissingScopes(t *testing.T) {
	tests := []struct {
		granted []string
		want    string
	}{
		{nil, "[]"},
		{[]string{"User.Read", "Mail.Send", "Mail.Read"}, "[]"},
		{[]string{"https://graph.microsoft.com/user.read", "https://graph.microsoft.com/mail.send", "mail.read", "openid"}, "[]"},
		{[]string{"User.Read", "Mail.Send"}, "[Mail.Read]"},
		{[]string{}, "[User.Read Mail.Send Mail.Read]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(missingScopes(tt.granted, Scopes)); got != tt.want {
			t.Errorf("missingScopes(%v) = %s, want %s", tt.granted, got, tt.want)
		}
	}
}
