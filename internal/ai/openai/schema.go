package openai

import (
	"maps"
	"slices"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// The schemas keep to the strict structured-output subset every compatible server
// understands: every property required, no additional properties, no $ref, no length
// keywords. Lengths and counts are checked after decoding (validate.go).

func object(props map[string]any) map[string]any {
	return map[string]any{
		"type":                 "object",
		"properties":           props,
		"required":             slices.Sorted(maps.Keys(props)),
		"additionalProperties": false,
	}
}

func str(description string) map[string]any {
	return map[string]any{"type": "string", "description": description}
}

func strList(description string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": description}
}

var icpSchema = object(map[string]any{
	"summary":       str("One sentence: who buys, what pain they have, why this product."),
	"industries":    strList("1-5 industries or verticals."),
	"companySizes":  strList("1-4 employee ranges, e.g. \"11–50 employees\"."),
	"regions":       strList("0-4 regions or countries; empty when the input gives no hint."),
	"titles":        strList("2-6 job titles of the buyer."),
	"painPoints":    strList("2-5 pains, each under 20 words."),
	"valueProps":    strList("2-5 value propositions taken from the input, each under 20 words."),
	"disqualifiers": strList("1-4 signs a company is not a fit."),
})

var draftSchema = object(map[string]any{
	"subject":          str("Subject line, under 6 words, no spam-trigger words."),
	"body":             str("Plain-text email body with greeting and sign-off."),
	"rationaleBullets": strList("2-5 short bullets: why the email was written this way."),
})

var categorySchema = object(map[string]any{
	"category":   map[string]any{"type": "string", "enum": ai.Categories()},
	"confidence": map[string]any{"type": "number", "description": "Between 0 and 1."},
	"reasons":    strList("1-3 short reasons naming the signals in the email."),
})

var suggestionSchema = object(map[string]any{
	"shouldSend":       map[string]any{"type": "boolean", "description": "False when no reply should be sent (bounce, unsubscribe, out of office)."},
	"body":             str("Plain-text reply with greeting and sign-off; empty when shouldSend is false and nothing should be sent later."),
	"note":             str("One sentence for the user: what to do (e.g. suppress, pause, add a new lead); may be empty."),
	"rationaleBullets": strList("1-4 short bullets: why this reply."),
})
