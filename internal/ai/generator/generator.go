// Package generator picks the ai.Generator the app uses: the OpenAI implementation, behind
// the certain-case rules (ai.WithRules), when an API key is configured, and the offline
// generator otherwise. It lives apart from package ai because both implementations import
// ai for its types.
//
//	gen, err := generator.New(ai.ConfigFromEnv(os.Getenv))
package generator

import (
	"fmt"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/ai/offline"
	"github.com/leadbitz/leadbitz/internal/ai/openai"
)

// New returns the generator for cfg. It fails only on an invalid OpenAI configuration (a
// malformed base URL), so a bad setting shows at startup rather than on the first request.
func New(cfg ai.Config) (ai.Generator, error) {
	if cfg.APIKey == "" {
		return offline.New(), nil
	}
	g, err := openai.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("generator: %w", err)
	}
	return ai.WithRules(g), nil
}
