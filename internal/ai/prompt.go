package ai

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// dataEscaper neutralises angle brackets so data can neither close its own block nor open
// a new one that looks like ours. The model reads &lt; and &gt; as the characters.
var dataEscaper = strings.NewReplacer("<", "&lt;", ">", "&gt;")

// EscapeData escapes text for use inside a DataBlock.
func EscapeData(s string) string { return dataEscaper.Replace(s) }

// DataBlock wraps untrusted text in <tag>…</tag> for a prompt, after cleaning it, capping it
// at maxRunes and escaping the delimiters inside. System prompts tell the model that these
// blocks are data to work with, never instructions to follow.
func DataBlock(tag, text string, maxRunes int) string {
	return fmt.Sprintf("<%s>\n%s\n</%s>", tag, EscapeData(Clean(text, maxRunes)), tag)
}

// LeadBlock renders lead fields as one <lead_data> block, one "name: value" line per set
// field, each capped at MaxFieldRunes, custom fields in key order and at most
// MaxCustomFields of them.
func LeadBlock(l LeadFields) string {
	var b strings.Builder
	line := func(name, value string) {
		if v := Clean(value, MaxFieldRunes); v != "" {
			// A field is one line: newlines inside a value could fake new fields.
			fmt.Fprintf(&b, "%s: %s\n", name, strings.Join(strings.Fields(v), " "))
		}
	}
	line("firstName", l.FirstName)
	line("lastName", l.LastName)
	line("company", l.Company)
	line("title", l.Title)
	line("website", l.Website)
	line("industry", l.Industry)
	keys := slices.Sorted(maps.Keys(l.Custom))
	if len(keys) > MaxCustomFields {
		keys = keys[:MaxCustomFields]
	}
	for _, k := range keys {
		line("custom."+Clean(k, 40), l.Custom[k])
	}
	return DataBlock("lead_data", strings.TrimSpace(b.String()), 0)
}

// AllowedText joins the inputs whose links may legitimately appear in an output, for
// CheckOutput and StripUnrequested.
func AllowedText(parts ...string) string { return strings.Join(parts, "\n") }
