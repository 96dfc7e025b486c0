package app

import (
	"time"

	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/ai/generator"
	"github.com/leadbitz/leadbitz/internal/assist"
)

// aiAttemptTimeout bounds one request to the model provider. The provider's
// retries make a call longer; assist.DefaultCallTimeout bounds the whole of it.
const aiAttemptTimeout = 20 * time.Second

// initAssist picks the AI generator from OPENAI_API_KEY, OPENAI_BASE_URL and
// OPENAI_MODEL (offline without a key) and builds the AI service on the
// shared rate limiter. A malformed base URL fails here, at startup.
func (a *App) initAssist(opts Options) error {
	cfg := ai.Config{APIKey: a.Config.OpenAIAPIKey, BaseURL: a.Config.OpenAIBaseURL,
		Model: a.Config.OpenAIModel, Timeout: aiAttemptTimeout}
	callTimeout := assist.DefaultCallTimeout
	if opts.AITimeout > 0 {
		cfg.Timeout, callTimeout = opts.AITimeout, opts.AITimeout
	}
	gen, err := generator.New(cfg)
	if err != nil {
		return err
	}
	model := ""
	if gen.Name() == ai.GeneratorOpenAI {
		model = cfg.WithDefaults().Model
	}
	// cfg logs without its API key (ai.Config.LogValue).
	a.Env.Log().Info("ai generator", "generator", gen.Name(), "config", cfg)
	a.Assist = assist.New(assist.Config{Store: a.Store, Limiter: a.Limiter, Generator: gen, Model: model,
		CallTimeout: callTimeout, Env: a.Env})
	return nil
}
