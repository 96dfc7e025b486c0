package rules

import (
	"fmt"
	"hash/fnv"
)

// VariantLetter is the letter of variant i: A, B, C…
func VariantLetter(i int) string { return string(rune('A' + i)) }

// VariantFor picks the variant a campaign lead gets for a step, out of n:
// a hash of the pair, so leads split evenly, the choice never changes for a
// lead, and a retry renders the same version.
func VariantFor(campaignLeadID string, step, n int) string {
	if n <= 1 {
		return "A"
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s:%d", campaignLeadID, step)
	return VariantLetter(int(h.Sum32() % uint32(n)))
}
