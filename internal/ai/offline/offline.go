// Package offline is the AI generator Leadbitz uses when no model is configured. It works
// from rules and dictionaries only, never the network, and answers instantly and for free:
//
//   - GenerateICP reads the product description for industries, buyer functions, company
//     sizes, regions and benefit sentences it can point to in the text;
//   - Draft writes a short cold email (personal opener, one pain, one value, soft question)
//     or a shorter follow-up, with rationale bullets;
//   - Categorize is Classify: the certain rules, then multilingual cue lists;
//   - SuggestReply writes the reply each category calls for, or says not to send one.
//
// Every answer carries Generator "offline" (or "rules" for a category the certain rules
// decided), so the UI can say that no model was involved.
package offline

import (
	"context"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// Generator is the offline ai.Generator. The zero value is ready to use.
type Generator struct{}

// New returns the offline generator.
func New() *Generator { return &Generator{} }

var _ ai.Generator = (*Generator)(nil)

// Name is "offline".
func (*Generator) Name() string { return ai.GeneratorOffline }

// Categorize classifies a reply with Classify. It never fails; the error is for the interface.
func (*Generator) Categorize(ctx context.Context, in ai.ReplyInput) (ai.Category, error) {
	if err := ctx.Err(); err != nil {
		return ai.Category{}, err
	}
	return Classify(in), nil
}
