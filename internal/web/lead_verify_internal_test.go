package web

import (
	"testing"

	"github.com/leadbitz/leadbitz/internal/verify"
)

func TestVerifyCountsText(t *testing.T) {
	cases := []struct {
		res  verify.Result
		want string
	}{
		{verify.Result{}, "There are no addresses to check."},
		{verify.Result{Checked: 1, Counts: map[string]int{"deliverable": 1}}, "Checked 1 address: 1 deliverable. No verdict changed."},
		{verify.Result{Checked: 1200, Changed: 1, Counts: map[string]int{"unknown": 200, "risky": 100, "deliverable": 900}},
			"Checked 1,200 addresses: 900 deliverable, 100 risky, 200 unknown. 1 verdict changed."},
		{verify.Result{Checked: 5000, Changed: 1500, Counts: map[string]int{"deliverable": 4000, "undeliverable": 1000}},
			"Checked 5,000 addresses: 4,000 deliverable, 1,000 undeliverable. 1,500 verdicts changed."},
		{verify.Result{Checked: 3, Changed: 3, Counts: map[string]int{"undeliverable": 3}}, "Checked 3 addresses: 3 undeliverable. 3 verdicts changed."},
	}
	for _, c := range cases {
		if got := verifyCountsText(c.res); got != c.want {
			t.Errorf("%+v: %q, want %q", c.res, got, c.want)
		}
	}
}
