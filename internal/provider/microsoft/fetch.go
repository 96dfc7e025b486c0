package microsoft

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// Fetch syncs the inbox with a delta query. The cursor is the URL to call
// next: an @odata.nextLink while a round is under way (More), then the
// round's @odata.deltaLink. An empty cursor starts an initial round over
// mail received in the last ScanWindow, for created messages only (read
// flags and moves are not our business; @removed entries are skipped). An
// expired delta state (410 SyncStateNotFound), or a cursor that is not a
// link on the configured Graph host, restarts with an initial round
// (Page.Reset).
func (c *Client) Fetch(ctx context.Context, cursor string) (provider.Page, error) {
	if cursor == "" {
		return c.deltaPage(ctx, c.initialRound(), false)
	}
	// The cursor comes from storage; never send the token to another host.
	if !strings.HasPrefix(cursor, c.api+"/") {
		return c.deltaPage(ctx, c.initialRound(), true)
	}
	page, err := c.deltaPage(ctx, cursor, false)
	if provider.Kind(err) == provider.CursorExpired {
		return c.deltaPage(ctx, c.initialRound(), true)
	}
	return page, err
}

func (c *Client) initialRound() string {
	since := c.cfg.Now().Add(-c.cfg.ScanWindow).UTC().Format(time.RFC3339)
	q := url.Values{
		"changeType": {"created"},
		"$select":    {"id,conversationId,receivedDateTime"},
		"$filter":    {"receivedDateTime ge " + since},
	}
	return c.api + "/me/mailFolders/inbox/messages/delta?" + q.Encode()
}

type deltaResponse struct {
	Value []struct {
		ID               string    `json:"id"`
		ConversationID   string    `json:"conversationId"`
		ReceivedDateTime time.Time `json:"receivedDateTime"`
		Removed          *struct {
			Reason string `json:"reason"`
		} `json:"@removed"`
	} `json:"value"`
	NextLink  string `json:"@odata.nextLink"`
	DeltaLink string `json:"@odata.deltaLink"`
}

func (c *Client) deltaPage(ctx context.Context, link string, reset bool) (provider.Page, error) {
	var resp deltaResponse
	if err := c.get(ctx, link, &resp); err != nil {
		return provider.Page{}, fmt.Errorf("graph delta: %w", err)
	}
	next := resp.NextLink
	if next == "" {
		next = resp.DeltaLink
	}
	if next == "" {
		return provider.Page{}, &provider.Error{Kind: provider.Transient, Code: "bad_response", Message: "delta page without nextLink or deltaLink"}
	}
	var items []provider.InboundMessage
	for _, v := range resp.Value {
		if v.Removed == nil && v.ID != "" {
			items = append(items, provider.InboundMessage{ProviderID: v.ID, ThreadID: v.ConversationID,
				ReceivedAt: v.ReceivedDateTime.UTC(), Folder: provider.FolderInbox})
		}
	}
	msgs, err := c.fillRaw(ctx, items)
	if err != nil {
		return provider.Page{}, err
	}
	return provider.Page{Messages: msgs, Cursor: next, More: resp.NextLink != "", Reset: reset}, nil
}

// fillRaw downloads each message's MIME, Concurrency at a time, and returns
// them oldest first; messages deleted meanwhile (404) are dropped. Each is
// read only up to the page budget's allowance (its Content-Length tells a
// larger one before it is read): the rest is never transferred, the
// message keeps its beginning, marked Truncated.
func (c *Client) fillRaw(ctx context.Context, items []provider.InboundMessage) ([]provider.InboundMessage, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	keep := make([]bool, len(items))
	work := make(chan int)
	budget := provider.NewPageBudget(c.cfg.PageBytes, c.cfg.MaxMessageBytes)
	var wg sync.WaitGroup
	for range min(c.cfg.Concurrency, len(items)) {
		wg.Go(func() {
			for i := range work {
				raw := &boundedBody{max: budget.Allowance()}
				err := c.get(ctx, c.api+"/me/messages/"+url.PathEscape(items[i].ProviderID)+"/$value", raw)
				switch {
				case err == nil:
					budget.Spend(int64(len(raw.data)))
					items[i].Raw, items[i].Truncated, keep[i] = raw.data, raw.cut, true
					items[i].Size = max(raw.size, 0)
				case provider.HTTPStatus(err) != http.StatusNotFound:
					cancel(err)
				}
			}
		})
	}
	for i := range items {
		select {
		case work <- i:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, fmt.Errorf("graph message $value: %w", err)
	}
	var out []provider.InboundMessage
	for i, m := range items {
		if keep[i] {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b provider.InboundMessage) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	return out, nil
}
