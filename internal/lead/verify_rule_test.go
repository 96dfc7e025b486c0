package lead

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/problem"
)

func TestCheckVerifyRequest(t *testing.T) {
	many := make([]string, MaxVerifyIDs+1)
	cases := []struct {
		name  string
		rq    VerifyRequest
		field string // "" when valid
	}{
		{"listed leads", VerifyRequest{LeadIDs: []string{"a", "b"}}, ""},
		{"every lead", VerifyRequest{All: true}, ""},
		{"a dry run of every lead", VerifyRequest{All: true, DryRun: true}, ""},
		{"the most ids at once", VerifyRequest{LeadIDs: many[:MaxVerifyIDs]}, ""},
		{"nothing named", VerifyRequest{}, "leadIds"},
		{"a dry run of nothing", VerifyRequest{DryRun: true}, "leadIds"},
		{"both", VerifyRequest{All: true, LeadIDs: []string{"a"}}, "leadIds"},
		{"too many ids", VerifyRequest{LeadIDs: many}, "leadIds"},
	}
	for _, c := range cases {
		err := checkVerifyRequest(c.rq)
		p, _ := problem.As(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (p == nil || p.Fields[c.field] == ""):
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
		}
	}
}
