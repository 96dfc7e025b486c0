package gmail

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// Send submits m with users.messages.send. A follow-up carries the Gmail
// threadId of its conversation; Gmail also needs In-Reply-To/References and
// the same Subject (in m.Raw) to keep it in the sender's thread. The
// Message-ID that went out is read back, since Gmail may replace ours.
func (c *Client) Send(ctx context.Context, m provider.OutgoingMessage) (provider.SentMessage, error) {
	if len(m.Raw) == 0 {
		return provider.SentMessage{}, &provider.Error{Kind: provider.Permanent, Code: "empty_message", Message: "nothing to send"}
	}
	resp, err := c.send(ctx, m.Raw, m.ThreadID)
	if provider.HTTPStatus(err) == http.StatusNotFound && m.ThreadID != "" {
		// The thread is gone (the user deleted the conversation). Gmail
		// refused the request, so nothing went out: send it unthreaded in
		// our mailbox; the recipient still threads it by its headers.
		c.log.InfoContext(ctx, "gmail: thread not found, sending without threadId", "thread_id", m.ThreadID)
		resp, err = c.send(ctx, m.Raw, "")
	}
	if err != nil {
		return provider.SentMessage{}, fmt.Errorf("gmail send: %w", err)
	}
	sent := provider.SentMessage{ProviderID: resp.ID, ThreadID: resp.ThreadID, MessageID: m.MessageID}
	id, err := c.messageID(ctx, resp.ID)
	switch {
	case err != nil:
		// The message went out; failing now would make the engine resend it.
		c.log.WarnContext(ctx, "gmail: could not read back the sent Message-ID", "provider_id", resp.ID, "error", err)
	case id != "":
		sent.MessageID = id
	}
	return sent, nil
}

type sendResponse struct {
	ID       string `json:"id"`
	ThreadID string `json:"threadId"`
}

func (c *Client) send(ctx context.Context, raw []byte, threadID string) (sendResponse, error) {
	var resp sendResponse
	body, err := json.Marshal(map[string]string{"raw": base64.URLEncoding.EncodeToString(raw), "threadId": threadID})
	if err != nil {
		return resp, err
	}
	err = c.do(ctx, http.MethodPost, "/messages/send", nil, body, &resp, false)
	return resp, err
}

// messageID reads the Message-ID header of a stored message.
func (c *Client) messageID(ctx context.Context, id string) (string, error) {
	var msg struct {
		Payload struct {
			Headers []struct{ Name, Value string } `json:"headers"`
		} `json:"payload"`
	}
	q := url.Values{"format": {"metadata"}, "metadataHeaders": {"Message-ID"}}
	if err := c.get(ctx, "/messages/"+url.PathEscape(id), q, &msg); err != nil {
		return "", err
	}
	for _, h := range msg.Payload.Headers {
		if strings.EqualFold(h.Name, "Message-ID") {
			return strings.TrimSpace(h.Value), nil
		}
	}
	return "", nil
}

// FindSent looks for our Message-ID among sent mail (trash included: a sent
// message the user deleted still went out).
func (c *Client) FindSent(ctx context.Context, messageID string) (provider.SentMessage, bool, error) {
	id := strings.Trim(strings.TrimSpace(messageID), "<>")
	if id == "" {
		return provider.SentMessage{}, false, &provider.Error{Kind: provider.Permanent, Code: "empty_message_id", Message: "no Message-ID to look for"}
	}
	var resp struct {
		Messages []struct {
			ID       string `json:"id"`
			ThreadID string `json:"threadId"`
		} `json:"messages"`
	}
	q := url.Values{"q": {"in:sent rfc822msgid:" + id}, "includeSpamTrash": {"true"}, "maxResults": {"1"}}
	if err := c.get(ctx, "/messages", q, &resp); err != nil {
		return provider.SentMessage{}, false, fmt.Errorf("gmail find sent: %w", err)
	}
	if len(resp.Messages) == 0 {
		return provider.SentMessage{}, false, nil
	}
	m := resp.Messages[0]
	return provider.SentMessage{ProviderID: m.ID, ThreadID: m.ThreadID, MessageID: "<" + id + ">"}, true, nil
}
