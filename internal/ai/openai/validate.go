package openai

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// checker collects the first validation failure of a decoded answer.
type checker struct{ err error }

func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: "+format, append([]any{ai.ErrInvalidOutput}, args...)...)
	}
}

// text requires a non-empty (when required) string of at most maxRunes.
func (c *checker) text(field, s string, required bool, maxRunes int) {
	switch n := utf8.RuneCountInString(strings.TrimSpace(s)); {
	case required && n == 0:
		c.fail("%s is empty", field)
	case n > maxRunes:
		c.fail("%s is %d characters, more than %d", field, n, maxRunes)
	}
}

// list requires between minItems and maxItems non-empty strings of at most maxRunes each.
func (c *checker) list(field string, items []string, minItems, maxItems, maxRunes int) {
	if len(items) < minItems || len(items) > maxItems {
		c.fail("%s has %d items, want %d to %d", field, len(items), minItems, maxItems)
		return
	}
	for i, it := range items {
		c.text(fmt.Sprintf("%s[%d]", field, i), it, true, maxRunes)
	}
}

// safe runs ai.CheckOutput over the given texts.
func (c *checker) safe(allowed string, tags []string, texts ...string) {
	if c.err == nil {
		c.err = ai.CheckOutput(strings.Join(texts, "\n"), allowed, tags)
	}
}

func validateICP(icp ai.ICP, req ai.ICPRequest) error {
	var c checker
	c.text("summary", icp.Summary, true, 600)
	c.list("industries", icp.Industries, 1, 8, 120)
	c.list("companySizes", icp.CompanySizes, 0, 6, 80)
	c.list("regions", icp.Regions, 0, 8, 80)
	c.list("titles", icp.Titles, 1, 10, 80)
	c.list("painPoints", icp.PainPoints, 1, 8, 240)
	c.list("valueProps", icp.ValueProps, 1, 8, 240)
	c.list("disqualifiers", icp.Disqualifiers, 0, 8, 240)
	all := append([]string{icp.Summary}, icp.Industries...)
	for _, l := range [][]string{icp.CompanySizes, icp.Regions, icp.Titles, icp.PainPoints, icp.ValueProps, icp.Disqualifiers} {
		all = append(all, l...)
	}
	// Links may come from the user's own words, never from fetched website text.
	c.safe(ai.AllowedText(req.ProductDescription, req.Notes, req.Website), nil, all...)
	return c.err
}

func validateDraft(d ai.Draft, req ai.DraftRequest) error {
	var c checker
	c.text("subject", d.Subject, true, 120)
	if n := len(strings.Fields(d.Subject)); n > 12 {
		c.fail("subject has %d words", n)
	}
	c.text("body", d.Body, true, 4000)
	c.list("rationaleBullets", d.RationaleBullets, 1, 8, 300)
	c.safe(ai.AllowedText(req.ProductDescription, req.Instructions), req.MergeTags, d.Subject, d.Body)
	return c.err
}

func validateCategory(cat ai.Category) error {
	var c checker
	if !ai.ValidCategory(cat.Category) {
		c.fail("unknown category %q", ai.Truncate(cat.Category, 40))
	}
	if cat.Confidence < 0 || cat.Confidence > 1 {
		c.fail("confidence %v is outside 0..1", cat.Confidence)
	}
	c.list("reasons", cat.Reasons, 1, 5, 200)
	return c.err
}

func validateSuggestion(s ai.Suggestion, req ai.SuggestRequest) error {
	var c checker
	c.text("body", s.Body, s.ShouldSend, 4000)
	c.text("note", s.Note, false, 500)
	c.list("rationaleBullets", s.RationaleBullets, 0, 6, 300)
	var conv []string
	for _, m := range req.Conversation {
		conv = append(conv, m.From, m.Body)
	}
	c.safe(ai.AllowedText(append(conv, req.ProductDescription, req.Instructions)...), nil, s.Body, s.Note)
	return c.err
}
