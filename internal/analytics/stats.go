package analytics

import (
	"math"
	"sort"
)

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// Rate is a proportion with its 95 % confidence interval.
type Rate struct {
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
}

// Wilson is the proportion k/n with its 95 % Wilson score interval. The
// Wilson interval stays inside [0, 1] and is honest for small n and for
// rates near 0, where the textbook p ± 1.96·SE is not (a 0-of-10 step would
// get [0, 0]). With n = 0 nothing is known: [0, 1].
func Wilson(k, n int) Rate {
	if n <= 0 {
		return Rate{Value: 0, Low: 0, High: 1}
	}
	if k < 0 {
		k = 0
	}
	if k > n {
		k = n
	}
	p := float64(k) / float64(n)
	nf := float64(n)
	z2 := z95 * z95
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z95 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / den
	return Rate{Value: p, Low: math.Max(0, center-half), High: math.Min(1, center+half)}
}

// TwoProportionZ is the two-sided p-value of the pooled two-proportion
// z-test of k1/n1 against k2/n2. Equal proportions (or an empty side) give
// 1.
func TwoProportionZ(k1, n1, k2, n2 int) float64 {
	if n1 <= 0 || n2 <= 0 {
		return 1
	}
	p1, p2 := float64(k1)/float64(n1), float64(k2)/float64(n2)
	pool := float64(k1+k2) / float64(n1+n2)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 1
	}
	z := math.Abs(p1-p2) / se
	return math.Erfc(z / math.Sqrt2)
}

// Winner rule thresholds.
const (
	MinSendsPerVariant = 100  // no call before every variant has this many sends
	Alpha              = 0.05 // family-wise significance level
	power80            = 0.8416212335729143
	// WinnerTest names the test in API answers.
	WinnerTest = "two-proportion z-test"
	// WinnerMetric is the rate variants are compared on.
	WinnerMetric = "positiveRate"
)

// VariantResult is what the winner rule reads of a variant: its sends, the
// base of its rates (delivered) and its positive replies.
type VariantResult struct {
	Variant   string
	Sent      int
	Delivered int
	Positive  int
}

// Winner is the call on a step's variants: a winner with the test and its
// p-value, or too early with the sends still needed.
type Winner struct {
	Variant     string   `json:"variant,omitempty"`
	Test        string   `json:"test,omitempty"`
	Metric      string   `json:"metric"`
	PValue      *float64 `json:"pValue,omitempty"`
	TooEarly    bool     `json:"tooEarly,omitempty"`
	SendsNeeded *int     `json:"sendsNeeded,omitempty"`
	Reason      string   `json:"reason"`
}

// DecideWinner calls a winner among a step's variants on the positive rate
// (positive replies over delivered). The rule: every variant has at least
// MinSendsPerVariant sends, and the best variant's rate is higher than every
// other's by a pooled two-proportion z-test at Alpha, Bonferroni-corrected
// for the k−1 comparisons; the p-value given is the largest of them. Until
// then it is too early, with the sends still needed: up to the minimum
// first, then an estimate of the sends per variant at which the observed
// difference between the two best would be significant with 80 % power.
// Fewer than two variants: nil (nothing to compare).
func DecideWinner(vs []VariantResult) *Winner {
	if len(vs) < 2 {
		return nil
	}
	short := 0
	for _, v := range vs {
		if v.Sent < MinSendsPerVariant {
			short += MinSendsPerVariant - v.Sent
		}
	}
	if short > 0 {
		return &Winner{Metric: WinnerMetric, TooEarly: true, SendsNeeded: &short,
			Reason: "every variant needs at least 100 sends before a call"}
	}
	sorted := append([]VariantResult(nil), vs...)
	sort.SliceStable(sorted, func(i, j int) bool { return rate(sorted[i]) > rate(sorted[j]) })
	best := sorted[0]
	alpha := Alpha / float64(len(vs)-1)
	worstP := 0.0
	for _, o := range sorted[1:] {
		p := TwoProportionZ(best.Positive, best.Delivered, o.Positive, o.Delivered)
		worstP = math.Max(worstP, p)
	}
	if rate(best) > rate(sorted[1]) && worstP < alpha {
		return &Winner{Variant: best.Variant, Test: WinnerTest, Metric: WinnerMetric, PValue: &worstP,
			Reason: "significant at the 5 % level (Bonferroni-corrected across variants)"}
	}
	need := sendsNeeded(best, sorted[1], alpha)
	w := &Winner{Metric: WinnerMetric, TooEarly: true, Test: WinnerTest, PValue: &worstP,
		Reason: "no significant difference yet"}
	if need >= 0 {
		w.SendsNeeded = &need
	} else {
		w.Reason = "no difference between the variants so far"
	}
	return w
}

func rate(v VariantResult) float64 {
	if v.Delivered <= 0 {
		return 0
	}
	return float64(v.Positive) / float64(v.Delivered)
}

// sendsNeeded estimates the further sends (over both variants) at which the
// observed rates a and b would differ significantly at alpha with 80 %
// power (the normal-approximation sample size per group); -1 when the rates
// are equal, so no sample size would do.
func sendsNeeded(a, b VariantResult, alpha float64) int {
	p1, p2 := rate(a), rate(b)
	d := math.Abs(p1 - p2)
	if d == 0 {
		return -1
	}
	za := math.Sqrt2 * math.Erfinv(1-alpha) // two-sided quantile at alpha
	n := math.Pow(za+power80, 2) * (p1*(1-p1) + p2*(1-p2)) / (d * d)
	per := int(math.Ceil(n))
	more := max(0, per-a.Sent) + max(0, per-b.Sent)
	if more == 0 {
		more = 1 // significance at Alpha after correction needs a little more
	}
	return more
}
