package replies

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/leadbitz/leadbitz/internal/account"
	"github.com/leadbitz/leadbitz/internal/ai"
	"github.com/leadbitz/leadbitz/internal/event"
	"github.com/leadbitz/leadbitz/internal/problem"
	"github.com/leadbitz/leadbitz/internal/store"
)

// CategorizeInput is the body of POST /api/replies/{id}/categorize.
type CategorizeInput struct {
	Category *string `json:"category"`
}

// Categorized is the answer: the conversation with its category, and the
// categorizer's suggestion when one was asked for. A category set by hand
// is kept even when the suggestion differs.
type Categorized struct {
	ConversationView
	Suggestion *ai.Category `json:"suggestion,omitempty"`
}

// Categorize sets a conversation's category by hand (in.Category), which
// wins over every automatic one from then on, or asks the Categorizer about
// the latest inbound message and stores its answer. A conversation whose
// category a person set is returned as it is, without asking.
func (s *Service) Categorize(ctx context.Context, p account.Principal, id string, in CategorizeInput, m account.Meta) (Categorized, error) {
	if in.Category != nil {
		return s.setCategory(ctx, p, id, strings.TrimSpace(*in.Category), m)
	}
	q := s.st.InWorkspace(p.WorkspaceID)
	c, err := q.Conversation(ctx, id)
	if err != nil {
		return Categorized{}, err
	}
	if c.CategorySource == store.CategoryManual {
		// A person decided; a model's opinion would only be ignored.
		return Categorized{ConversationView: conversationView(c)}, nil
	}
	if c.LastInboundID == "" {
		return Categorized{}, problem.New(problem.Conflict, "nothing_to_categorize", "This conversation has no received message yet.")
	}
	latest, err := q.Message(ctx, c.LastInboundID)
	if err != nil {
		return Categorized{}, err
	}
	msgs, err := q.ConversationMessages(ctx, c)
	if err != nil {
		return Categorized{}, err
	}
	var rec Record
	_ = json.Unmarshal([]byte(latest.Classification), &rec) // an unreadable record only loses the verdict's shortcut
	input := ai.ReplyInput{From: latest.From, Subject: latest.Subject, Body: latest.Text, OurLastMessage: ourLast(msgs)}
	cat, err := s.categorize(ctx, s.cat, p.WorkspaceID, p.User.ID, rec.Verdict, input)
	if err != nil {
		if _, ok := problem.As(err); ok || ctx.Err() != nil {
			return Categorized{}, err // rate limited, or the caller went away
		}
		s.env.Log().WarnContext(ctx, "categorizer failed, offline rules used", "conversation_id", id, "err", err)
	}
	set, err := q.SetConversationCategory(ctx, id, cat.Category, categorySource(cat))
	if err != nil {
		return Categorized{}, err
	}
	if set && cat.Category != c.Category {
		err := s.st.InTxRetry(ctx, func(tx *store.Tx) error {
			return routeAfterCategory(ctx, tx, p.WorkspaceID, c, cat.Category, true, s.env.Now())
		})
		if err != nil {
			return Categorized{}, err
		}
	}
	if c, err = q.Conversation(ctx, id); err != nil {
		return Categorized{}, err
	}
	return Categorized{ConversationView: conversationView(c), Suggestion: &cat}, nil
}

func (s *Service) setCategory(ctx context.Context, p account.Principal, id, category string, m account.Meta) (Categorized, error) {
	if !ai.ValidCategory(category) {
		return Categorized{}, problem.InvalidField("category", "must be one of "+strings.Join(ai.Categories(), ", "))
	}
	var c store.Conversation
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		q := tx.InWorkspace(p.WorkspaceID)
		before, err := q.Conversation(ctx, id)
		if err != nil {
			return err
		}
		if _, err := q.SetConversationCategory(ctx, id, category, store.CategoryManual); err != nil {
			return err
		}
		if c, err = q.Conversation(ctx, id); err != nil {
			return err
		}
		if before.Category != category {
			if err := routeAfterCategory(ctx, tx, p.WorkspaceID, c, category, true, s.env.Now()); err != nil {
				return err
			}
			if err := event.Record(ctx, tx.Queries, p.WorkspaceID, event.CategoryChanged{Lead: leadRefOf(c),
				ConversationID: id, Old: before.Category, New: category, By: "user"}); err != nil {
				return err
			}
		}
		return tx.InsertAudit(ctx, store.AuditEvent{WorkspaceID: p.WorkspaceID, ActorUserID: p.User.ID,
			ActorAPIKey: p.APIKeyID, Action: "reply.category_set", TargetType: "conversation", TargetID: id,
			Data: map[string]any{"category": category, "previous": before.Category}, IP: m.IP, RequestID: m.RequestID})
	})
	if err != nil {
		return Categorized{}, err
	}
	return Categorized{ConversationView: conversationView(c)}, nil
}

// ourLast is the text of the last message we sent in a thread: context
// for the categorizer, never the thing categorised.
func ourLast(msgs []store.Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == store.DirectionOutbound {
			return msgs[i].Text
		}
	}
	return ""
}
