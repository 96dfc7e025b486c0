package ai

import (
	"strings"
	"time"
)

// ICP is an ideal customer profile. JSON names follow the API contract.
type ICP struct {
	Summary       string   `json:"summary"`
	Industries    []string `json:"industries"`
	CompanySizes  []string `json:"companySizes"`
	Regions       []string `json:"regions"`
	Titles        []string `json:"titles"`
	PainPoints    []string `json:"painPoints"`
	ValueProps    []string `json:"valueProps"`
	Disqualifiers []string `json:"disqualifiers"`
}

// ICPRequest describes the product an ICP is generated for. ProductDescription is required;
// the rest is optional context. WebsiteText is text the caller already fetched from Website
// (this package never goes to the network on its own).
type ICPRequest struct {
	ProductDescription string
	Website            string
	Notes              string
	WebsiteText        string
}

// ICPResult is a generated profile with the name of the generator that made it.
type ICPResult struct {
	ICP       ICP    `json:"icp"`
	Generator string `json:"generator"`
	Usage     Usage  `json:"-"`
}

// LeadFields are the lead's own fields. All of them are untrusted data.
type LeadFields struct {
	FirstName string            `json:"firstName,omitempty"`
	LastName  string            `json:"lastName,omitempty"`
	Company   string            `json:"company,omitempty"`
	Title     string            `json:"title,omitempty"`
	Website   string            `json:"website,omitempty"`
	Industry  string            `json:"industry,omitempty"`
	Custom    map[string]string `json:"custom,omitempty"`
}

// IsZero reports whether no field is set.
func (l LeadFields) IsZero() bool {
	return l.FirstName == "" && l.LastName == "" && l.Company == "" && l.Title == "" &&
		l.Website == "" && l.Industry == "" && len(l.Custom) == 0
}

// DraftRequest asks for one email of a sequence.
type DraftRequest struct {
	// ICP is the profile the campaign targets; optional but drafts are much better with it.
	ICP  *ICP
	Lead LeadFields
	// StepNumber is 1 for the first email; 2 and later are follow-ups (shorter, and they
	// read like follow-ups). 0 is treated as 1.
	StepNumber int
	// PreviousSubject and PreviousBody are the earlier step's email, for follow-ups.
	PreviousSubject string
	PreviousBody    string
	// Tone is a hint such as "friendly", "formal" or "direct".
	Tone string
	// Instructions are the user's own free-form wishes for this draft.
	Instructions       string
	SenderName         string
	ProductDescription string
	// MergeTags lists the merge tags the draft may use, written {{name}} (for example
	// "firstName", "company"). Drafting a template for a whole campaign sets them; drafting
	// for one lead usually does not. Tags not listed here are rejected in the output.
	MergeTags []string
}

// Step returns StepNumber with 0 (unset) read as 1.
func (r DraftRequest) Step() int { return max(r.StepNumber, 1) }

// Draft is a generated email. RationaleBullets say why it was written this way.
type Draft struct {
	Subject          string   `json:"subject"`
	Body             string   `json:"body"`
	RationaleBullets []string `json:"rationaleBullets,omitempty"`
	Generator        string   `json:"generator"`
	Usage            Usage    `json:"-"`
}

// ReplyInput is one inbound message to categorise. Headers may hold any subset of the
// message's header fields; names are matched case-insensitively. OurLastMessage is the
// outbound email this replies to, when known; it is context, never the thing classified.
type ReplyInput struct {
	From           string
	Subject        string
	Body           string
	Headers        map[string]string
	OurLastMessage string
}

// Header returns the value of the named header field, matching the name case-insensitively.
func (in ReplyInput) Header(name string) string {
	if v, ok := in.Headers[name]; ok {
		return v
	}
	for k, v := range in.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Category is the result of categorising a reply. Confidence is between 0 and 1; Reasons
// are short strings naming the signals that decided.
type Category struct {
	Category   string   `json:"category"`
	Confidence float64  `json:"confidence"`
	Reasons    []string `json:"reasons"`
	Generator  string   `json:"generator"`
	Usage      Usage    `json:"-"`
}

// Message is one email of a conversation, for suggested replies.
type Message struct {
	Inbound bool   `json:"inbound"`
	From    string `json:"from,omitempty"`
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body"`
	// Headers of an inbound message, when known; they let the rules spot auto-replies.
	Headers map[string]string `json:"headers,omitempty"`
}

// SuggestRequest asks for the next message of a conversation.
type SuggestRequest struct {
	// Conversation is the thread, oldest first; the last inbound message is answered.
	Conversation []Message
	// Category of the last inbound message. When empty, the generator categorises it first.
	Category           string
	Lead               LeadFields
	ICP                *ICP
	ProductDescription string
	SenderName         string
	Tone               string
	Instructions       string
	// Now anchors proposed meeting times; zero means time.Now().
	Now time.Time
}

// LastInbound returns the most recent inbound message of the conversation.
func (r SuggestRequest) LastInbound() (Message, bool) {
	for i := len(r.Conversation) - 1; i >= 0; i-- {
		if r.Conversation[i].Inbound {
			return r.Conversation[i], true
		}
	}
	return Message{}, false
}

// Suggestion is a proposed reply. ShouldSend is false when the right move is not to answer
// (a bounce, an unsubscribe request, an out-of-office notice); Note then says what to do
// instead and Body may hold a message to send later.
type Suggestion struct {
	Category         string   `json:"category"`
	ShouldSend       bool     `json:"shouldSend"`
	Subject          string   `json:"subject"`
	Body             string   `json:"body"`
	Note             string   `json:"note,omitempty"`
	RationaleBullets []string `json:"rationaleBullets,omitempty"`
	Generator        string   `json:"generator"`
	Usage            Usage    `json:"-"`
}

// Usage counts the model tokens an answer cost, so callers can record it per workspace.
// Offline answers cost nothing and report zero.
type Usage struct {
	PromptTokens     int64 `json:"promptTokens"`
	CompletionTokens int64 `json:"completionTokens"`
}

// Total is prompt plus completion tokens.
func (u Usage) Total() int64 { return u.PromptTokens + u.CompletionTokens }

// Add returns the sum of two usages (a suggestion that first categorised costs both).
func (u Usage) Add(o Usage) Usage {
	return Usage{PromptTokens: u.PromptTokens + o.PromptTokens, CompletionTokens: u.CompletionTokens + o.CompletionTokens}
}
