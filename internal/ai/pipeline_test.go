package ai

import (
	"context"
	"errors"
	"testing"
)

// countingGenerator stands in for a model: it counts calls and answers "interested".
type countingGenerator struct {
	categorize, suggest int
	gotCategory         string
}

func (*countingGenerator) Name() string { return "fake" }
func (*countingGenerator) GenerateICP(context.Context, ICPRequest) (ICPResult, error) {
	return ICPResult{}, nil
}
func (*countingGenerator) Draft(context.Context, DraftRequest) (Draft, error) { return Draft{}, nil }
func (g *countingGenerator) Categorize(context.Context, ReplyInput) (Category, error) {
	g.categorize++
	return Category{Category: CategoryInterested, Generator: "fake", Usage: Usage{PromptTokens: 10, CompletionTokens: 2}}, nil
}
func (g *countingGenerator) SuggestReply(_ context.Context, req SuggestRequest) (Suggestion, error) {
	g.suggest++
	g.gotCategory = req.Category
	return Suggestion{Category: req.Category, Usage: Usage{PromptTokens: 100, CompletionTokens: 20}}, nil
}

func TestWithRulesSkipsModelForCertainCases(t *testing.T) {
	fake := &countingGenerator{}
	g := WithRules(fake)
	ctx := context.Background()
	c, err := g.Categorize(ctx, ReplyInput{From: "MAILER-DAEMON@x.example", Subject: "Undeliverable: hi"})
	if err != nil || c.Category != CategoryBounce || fake.categorize != 0 {
		t.Fatalf("bounce: %+v %v, model calls %d", c, err, fake.categorize)
	}
	c, err = g.Categorize(ctx, ReplyInput{Body: "Tell me more about pricing."})
	if err != nil || c.Category != CategoryInterested || c.Generator != "fake" || fake.categorize != 1 {
		t.Fatalf("human reply: %+v %v, model calls %d", c, err, fake.categorize)
	}
}

func TestWithRulesSuggestCategorisesFirstAndAddsUsage(t *testing.T) {
	fake := &countingGenerator{}
	g := WithRules(fake)
	s, err := g.SuggestReply(context.Background(), SuggestRequest{Conversation: []Message{
		{Inbound: false, Body: "Hi, quick question"},
		{Inbound: true, Body: "How much does it cost?"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if fake.gotCategory != CategoryInterested || s.Usage != (Usage{PromptTokens: 110, CompletionTokens: 22}) {
		t.Fatalf("category %q usage %+v", fake.gotCategory, s.Usage)
	}
	_, err = g.SuggestReply(context.Background(), SuggestRequest{Conversation: []Message{{Body: "outbound only"}}})
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("no inbound message: err = %v", err)
	}
}
