// Package openai is the ai.Generator backed by any OpenAI-compatible Chat Completions
// server (OpenAI itself, Ollama, vLLM, a proxy), through the official Go SDK.
//
// Every task asks for structured output with a strict JSON schema, then checks the answer
// itself after decoding: exactly the schema's fields, enum values, lengths, and no links,
// e-mail addresses, merge tags or placeholders that were not in the input. Lead data,
// website text and inbound email go into delimited, escaped, length-capped blocks, and the
// system prompt says those blocks are data, never instructions.
//
// Failures wrap the sentinels in package ai: ErrUnavailable (outage, timeout, 429 or 5xx
// after bounded retries, rejected credentials), ErrRefused (a refusal or content filter),
// ErrInvalidOutput (malformed or unsafe answer). Errors never carry the SDK's error value,
// whose request holds the Authorization header, and never contain the API key.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/leadbitz/leadbitz/internal/ai"
)

// maxRetryDelay caps how long one retry waits, even when the server asks for longer
// (the SDK then gives up instead), so a struggling provider cannot hold a request.
const maxRetryDelay = 8 * time.Second

// Generator is the model-backed ai.Generator. Categorize asks the model for every reply;
// wrap it with ai.WithRules (package generator does) to settle certain cases first.
type Generator struct {
	chat       oai.ChatCompletionService
	model      string
	timeout    time.Duration
	maxRetries int
	apiKey     string // kept only to scrub it from error text
}

var _ ai.Generator = (*Generator)(nil)

// New builds a Generator from cfg. It reads no environment variables itself (the SDK's
// OPENAI_* defaults are bypassed), so the configuration is exactly what the caller passed.
func New(cfg ai.Config) (*Generator, error) {
	cfg = cfg.WithDefaults()
	if cfg.APIKey == "" {
		return nil, errors.New("ai/openai: an API key is required (any non-empty value for servers that ignore it)")
	}
	base := "https://api.openai.com/v1/"
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("ai/openai: base URL %q must be an absolute http(s) URL", cfg.BaseURL)
		}
		base = cfg.BaseURL
	}
	return &Generator{
		chat: oai.NewChatCompletionService(
			option.WithBaseURL(base),
			option.WithAPIKey(cfg.APIKey),
			option.WithHTTPClient(&http.Client{}),
			option.WithMaxRetries(cfg.MaxRetries),
			option.WithMaxRetryDelay(maxRetryDelay),
			option.WithRequestTimeout(cfg.Timeout),
		),
		model:      cfg.Model,
		timeout:    cfg.Timeout,
		maxRetries: cfg.MaxRetries,
		apiKey:     cfg.APIKey,
	}, nil
}

// Name is "openai" (also for OpenAI-compatible servers).
func (*Generator) Name() string { return ai.GeneratorOpenAI }

// Model is the model name requests use.
func (g *Generator) Model() string { return g.model }

// task is one structured-output request.
type task struct {
	name   string         // schema name sent to the server
	schema map[string]any // strict JSON schema of the answer
	system string
	user   string
}

// complete sends the task and decodes the answer into out, which must be a pointer to a
// struct whose JSON fields are exactly the schema's properties.
func (g *Generator) complete(ctx context.Context, t task, out any) (ai.Usage, error) {
	// Bound the whole call, retries and their waits included: never a hang.
	budget := time.Duration(g.maxRetries+1)*g.timeout + time.Duration(g.maxRetries)*maxRetryDelay
	callCtx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()

	resp, err := g.chat.New(callCtx, oai.ChatCompletionNewParams{
		Model: g.model,
		Messages: []oai.ChatCompletionMessageParamUnion{
			oai.SystemMessage(t.system),
			oai.UserMessage(t.user),
		},
		ResponseFormat: oai.ChatCompletionNewParamsResponseFormatUnion{
			OfJSONSchema: &oai.ResponseFormatJSONSchemaParam{
				JSONSchema: oai.ResponseFormatJSONSchemaJSONSchemaParam{
					Name:   t.name,
					Schema: t.schema,
					Strict: oai.Bool(true),
				},
			},
		},
	})
	if err != nil {
		return ai.Usage{}, g.mapError(ctx, err)
	}
	usage := ai.Usage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
	if len(resp.Choices) == 0 {
		return usage, fmt.Errorf("%w: the answer had no choices", ai.ErrInvalidOutput)
	}
	choice := resp.Choices[0]
	switch {
	case strings.TrimSpace(choice.Message.Refusal) != "":
		return usage, fmt.Errorf("%w: %s", ai.ErrRefused, ai.Truncate(oneLine(choice.Message.Refusal), 200))
	case choice.FinishReason == "content_filter":
		return usage, fmt.Errorf("%w: the provider's content filter stopped the answer", ai.ErrRefused)
	case choice.FinishReason == "length":
		return usage, fmt.Errorf("%w: the answer was cut off at the token limit", ai.ErrInvalidOutput)
	}
	if err := decodeStrict(choice.Message.Content, t.schema, out); err != nil {
		return usage, err
	}
	return usage, nil
}

// decodeStrict checks that content is one JSON object with exactly the schema's properties,
// then decodes it into out.
func decodeStrict(content string, schema map[string]any, out any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(content), &fields); err != nil {
		return fmt.Errorf("%w: the answer is not a JSON object", ai.ErrInvalidOutput)
	}
	props, _ := schema["properties"].(map[string]any)
	for name := range props {
		if _, ok := fields[name]; !ok {
			return fmt.Errorf("%w: field %q is missing", ai.ErrInvalidOutput, name)
		}
	}
	for name := range fields {
		if _, ok := props[name]; !ok {
			return fmt.Errorf("%w: unexpected field %q", ai.ErrInvalidOutput, ai.Truncate(name, 40))
		}
	}
	if err := json.Unmarshal([]byte(content), out); err != nil {
		return fmt.Errorf("%w: a field has the wrong type", ai.ErrInvalidOutput)
	}
	return nil
}

// mapError turns an SDK error into one wrapping an ai sentinel, with a message that holds
// neither the SDK error value (its request carries the Authorization header) nor the key.
func (g *Generator) mapError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		// The caller cancelled or its own deadline passed: say so, the caller decides.
		return fmt.Errorf("%w: %w", ai.ErrUnavailable, ctx.Err())
	}
	var apiErr *oai.Error
	if errors.As(err, &apiErr) {
		code := g.scrub(apiErr.Code)
		switch status := apiErr.StatusCode; {
		case code == "content_filter" || code == "content_policy_violation":
			return fmt.Errorf("%w: the provider's content policy rejected the request", ai.ErrRefused)
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return fmt.Errorf("%w: the provider rejected the API key (HTTP %d)", ai.ErrUnavailable, status)
		case status == http.StatusTooManyRequests && code == "insufficient_quota":
			return fmt.Errorf("%w: the provider account has no quota left (HTTP 429)", ai.ErrUnavailable)
		case status == http.StatusTooManyRequests:
			return fmt.Errorf("%w: rate limited by the provider (HTTP 429) after %d retries", ai.ErrUnavailable, g.maxRetries)
		case status == http.StatusNotFound:
			return fmt.Errorf("%w: the provider does not know model %q (HTTP 404)", ai.ErrUnavailable, g.model)
		case status >= 500:
			return fmt.Errorf("%w: provider error (HTTP %d) after %d retries", ai.ErrUnavailable, status, g.maxRetries)
		default:
			return fmt.Errorf("%w: the provider rejected the request (HTTP %d %s)", ai.ErrUnavailable, status, ai.Truncate(code, 60))
		}
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return fmt.Errorf("%w: no answer within %s", ai.ErrUnavailable, g.timeout)
	}
	return fmt.Errorf("%w: %s", ai.ErrUnavailable, ai.Truncate(g.scrub(err.Error()), 300))
}

// scrub removes the API key from text, in case a proxy or transport echoes it.
func (g *Generator) scrub(s string) string {
	if g.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, g.apiKey, "[redacted]")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
