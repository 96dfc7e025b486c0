package microsoft

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// Send submits m's MIME through POST /me/sendMail (Content-Type text/plain,
// base64 body), so our Message-ID, In-Reply-To and References go out as
// built; Graph's JSON variant cannot set threading headers. The 202 carries
// no id, so the copy in Sent Items is looked up by internetMessageId for the
// provider id and conversationId. If it does not show up in time the send
// still succeeds, with only MessageID set.
func (c *Client) Send(ctx context.Context, m provider.OutgoingMessage) (provider.SentMessage, error) {
	if len(m.Raw) == 0 {
		return provider.SentMessage{}, &provider.Error{Kind: provider.Permanent, Code: "empty_message", Message: "nothing to send"}
	}
	body := []byte(base64.StdEncoding.EncodeToString(m.Raw))
	err := c.do(ctx, request{method: http.MethodPost, url: c.api + "/me/sendMail", body: body, contentType: "text/plain"})
	if err != nil {
		return provider.SentMessage{}, fmt.Errorf("graph sendMail: %w", err)
	}
	sent := provider.SentMessage{MessageID: m.MessageID}
	delay := c.cfg.ReadbackDelay
	for i := range c.cfg.ReadbackAttempts {
		if i > 0 {
			if err := c.cfg.Backoff.Wait(ctx, delay); err != nil {
				break
			}
			delay *= 2
		}
		found, ok, err := c.FindSent(ctx, m.MessageID)
		if err != nil {
			c.log.WarnContext(ctx, "graph: sent item lookup failed", "message_id", m.MessageID, "error", err)
			break
		}
		if ok {
			return found, nil
		}
	}
	c.log.InfoContext(ctx, "graph: sent item not found after send", "message_id", m.MessageID)
	return sent, nil
}

// FindSent looks our Message-ID up in Sent Items.
func (c *Client) FindSent(ctx context.Context, messageID string) (provider.SentMessage, bool, error) {
	id := strings.TrimSpace(messageID)
	if id == "" {
		return provider.SentMessage{}, false, &provider.Error{Kind: provider.Permanent, Code: "empty_message_id", Message: "no Message-ID to look for"}
	}
	if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	q := url.Values{
		"$filter": {"internetMessageId eq '" + strings.ReplaceAll(id, "'", "''") + "'"},
		"$select": {"id,conversationId,internetMessageId"},
		"$top":    {"1"},
	}
	var resp struct {
		Value []struct {
			ID                string `json:"id"`
			ConversationID    string `json:"conversationId"`
			InternetMessageID string `json:"internetMessageId"`
		} `json:"value"`
	}
	if err := c.get(ctx, c.api+"/me/mailFolders/sentitems/messages?"+q.Encode(), &resp); err != nil {
		return provider.SentMessage{}, false, fmt.Errorf("graph find sent: %w", err)
	}
	if len(resp.Value) == 0 {
		return provider.SentMessage{}, false, nil
	}
	v := resp.Value[0]
	return provider.SentMessage{ProviderID: v.ID, ThreadID: v.ConversationID, MessageID: v.InternetMessageID}, true, nil
}
