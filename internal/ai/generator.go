package ai

import "context"

// Generator is everything the app asks of an AI provider. Implementations are safe for
// concurrent use. Errors wrap one of the sentinel errors in errors.go, so callers can map
// them to HTTP status codes with errors.Is.
type Generator interface {
	// Name identifies the implementation ("openai" or "offline"); answers carry it in
	// their Generator field so the UI can say where a result came from.
	Name() string
	// GenerateICP proposes an ideal customer profile for a product.
	GenerateICP(ctx context.Context, req ICPRequest) (ICPResult, error)
	// Draft writes one email of a sequence for a lead (or a template, see DraftRequest.MergeTags).
	Draft(ctx context.Context, req DraftRequest) (Draft, error)
	// Categorize sorts one inbound reply into one of Categories().
	Categorize(ctx context.Context, in ReplyInput) (Category, error)
	// SuggestReply proposes the next message of a conversation, or says not to send one.
	SuggestReply(ctx context.Context, req SuggestRequest) (Suggestion, error)
}

// Generator names used in answers.
const (
	GeneratorOpenAI  = "openai"
	GeneratorOffline = "offline"
	// GeneratorRules marks a category decided by CategorizeByRules before any model ran.
	GeneratorRules = "rules"
)
