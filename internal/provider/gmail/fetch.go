package gmail

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
)

// Fetch syncs the inbox. The cursor is a Gmail history id: Fetch lists
// messageAdded history for INBOX after it, one page of PageSize records at a
// time. An empty cursor starts with a bounded scan (the newest ScanLimit
// inbox messages of the last ScanWindow); an expired history id (404) does
// the same scan and restarts from the profile's history id (Page.Reset).
func (c *Client) Fetch(ctx context.Context, cursor string) (provider.Page, error) {
	if cursor == "" {
		return c.scan(ctx, false)
	}
	start, err := strconv.ParseUint(cursor, 10, 64)
	if err != nil || start == 0 {
		return c.scan(ctx, true)
	}
	page, err := c.history(ctx, start)
	if provider.Kind(err) == provider.CursorExpired {
		return c.scan(ctx, true)
	}
	return page, err
}

type historyResponse struct {
	History []struct {
		ID            uint64 `json:"id,string"`
		MessagesAdded []struct {
			Message struct {
				ID       string   `json:"id"`
				ThreadID string   `json:"threadId"`
				LabelIDs []string `json:"labelIds"`
			} `json:"message"`
		} `json:"messagesAdded"`
	} `json:"history"`
	NextPageToken string `json:"nextPageToken"`
	HistoryID     uint64 `json:"historyId,string"`
}

func (c *Client) history(ctx context.Context, start uint64) (provider.Page, error) {
	q := url.Values{
		"startHistoryId": {strconv.FormatUint(start, 10)},
		"historyTypes":   {"messageAdded"},
		"labelId":        {"INBOX"},
		"maxResults":     {strconv.Itoa(c.cfg.PageSize)},
	}
	var resp historyResponse
	if err := c.get(ctx, "/history", q, &resp); err != nil {
		if provider.HTTPStatus(err) == http.StatusNotFound {
			return provider.Page{}, &provider.Error{Kind: provider.CursorExpired, Code: "404 history", Message: "history id expired", Err: err}
		}
		return provider.Page{}, fmt.Errorf("gmail history: %w", err)
	}
	var ids []string
	last := start
	for _, h := range resp.History {
		last = max(last, h.ID)
		for _, a := range h.MessagesAdded {
			m := a.Message
			if (len(m.LabelIDs) == 0 || slices.Contains(m.LabelIDs, "INBOX")) && !slices.Contains(ids, m.ID) {
				ids = append(ids, m.ID)
			}
		}
	}
	msgs, err := c.getRaw(ctx, ids)
	if err != nil {
		return provider.Page{}, err
	}
	// A page that is not the last one resumes after its last record, so no
	// page token has to be kept: history ids only grow.
	if resp.NextPageToken != "" && len(resp.History) > 0 {
		return provider.Page{Messages: msgs, Cursor: strconv.FormatUint(last, 10), More: true}, nil
	}
	return provider.Page{Messages: msgs, Cursor: strconv.FormatUint(max(last, resp.HistoryID), 10)}, nil
}

// scan reads the newest inbox messages of the scan window. The history id
// is taken first, so a message arriving during the scan shows up again in
// the next history page rather than being missed.
func (c *Client) scan(ctx context.Context, reset bool) (provider.Page, error) {
	prof, err := c.Profile(ctx)
	if err != nil {
		return provider.Page{}, err
	}
	days := int(math.Ceil(c.cfg.ScanWindow.Hours() / 24))
	q := url.Values{"labelIds": {"INBOX"}, "q": {"newer_than:" + strconv.Itoa(days) + "d"}}
	var ids []string
	for len(ids) < c.cfg.ScanLimit {
		q.Set("maxResults", strconv.Itoa(min(500, c.cfg.ScanLimit-len(ids))))
		var resp struct {
			Messages []struct {
				ID string `json:"id"`
			} `json:"messages"`
			NextPageToken string `json:"nextPageToken"`
		}
		if err := c.get(ctx, "/messages", q, &resp); err != nil {
			return provider.Page{}, fmt.Errorf("gmail scan: %w", err)
		}
		for _, m := range resp.Messages {
			ids = append(ids, m.ID)
		}
		if resp.NextPageToken == "" || len(resp.Messages) == 0 {
			break
		}
		q.Set("pageToken", resp.NextPageToken)
	}
	msgs, err := c.getRaw(ctx, ids[:min(len(ids), c.cfg.ScanLimit)])
	if err != nil {
		return provider.Page{}, err
	}
	return provider.Page{Messages: msgs, Cursor: strconv.FormatUint(prof.HistoryID, 10), Reset: reset}, nil
}

// getRaw fetches messages with format=raw, Concurrency at a time, and
// returns them oldest first. Messages deleted since they were listed (404)
// are skipped.
func (c *Client) getRaw(ctx context.Context, ids []string) ([]provider.InboundMessage, error) {
	out := make([]*provider.InboundMessage, len(ids))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, c.cfg.Concurrency)
	budget := provider.NewPageBudget(c.cfg.PageBytes, c.cfg.MaxMessageBytes)
	var wg sync.WaitGroup
	for i, id := range ids {
		sem <- struct{}{}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			m, err := c.getOne(ctx, id, budget)
			if err != nil && provider.HTTPStatus(err) != http.StatusNotFound {
				cancel(err)
				return
			}
			out[i] = m
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, fmt.Errorf("gmail get message: %w", err)
	}
	msgs := make([]provider.InboundMessage, 0, len(ids))
	for _, m := range out {
		if m != nil {
			msgs = append(msgs, *m)
		}
	}
	slices.SortStableFunc(msgs, func(a, b provider.InboundMessage) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	return msgs, nil
}

// rawMessage is messages.get with format=raw or format=metadata.
type rawMessage struct {
	ID           string `json:"id"`
	ThreadID     string `json:"threadId"`
	InternalDate int64  `json:"internalDate,string"`
	SizeEstimate int64  `json:"sizeEstimate"`
	Raw          string `json:"raw"`
	Payload      struct {
		Headers []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
	} `json:"payload"`
}

// rawSlack is room in a raw answer for what comes besides the message (id,
// labels, snippet, sizes).
const rawSlack = 64 << 10

// getOne reads one message with format=raw, its answer read only up to the
// page budget's allowance (base64 of it plus rawSlack). A message larger
// than that keeps its beginning, marked Truncated: the start of raw from
// the part of the answer read, its ids and dates from format=metadata.
func (c *Client) getOne(ctx context.Context, id string, budget *provider.PageBudget) (*provider.InboundMessage, error) {
	allow := budget.Allowance()
	body := &boundedBody{max: int64(base64.URLEncoding.EncodedLen(int(allow))) + rawSlack}
	if err := c.get(ctx, "/messages/"+url.PathEscape(id), url.Values{"format": {"raw"}}, body); err != nil {
		return nil, err
	}
	var msg rawMessage
	var raw []byte
	if body.cut {
		raw = rawPrefix(body.data)
		body.data = nil
		if err := c.get(ctx, "/messages/"+url.PathEscape(id), url.Values{"format": {"metadata"}}, &msg); err != nil {
			return nil, err
		}
		if len(raw) == 0 {
			raw = headerOnly(msg)
		}
	} else {
		if err := json.Unmarshal(body.data, &msg); err != nil {
			return nil, &provider.Error{Kind: provider.Transient, Code: "bad_response", Message: "unreadable Gmail response", Err: err}
		}
		var err error
		raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(msg.Raw, "="))
		if err != nil {
			return nil, &provider.Error{Kind: provider.Transient, Code: "bad_raw", Message: "undecodable raw message " + id, Err: err}
		}
	}
	truncated := body.cut || int64(len(raw)) > allow
	raw = raw[:min(int64(len(raw)), allow)]
	budget.Spend(int64(len(raw)))
	return &provider.InboundMessage{ProviderID: msg.ID, ThreadID: msg.ThreadID, Raw: raw,
		ReceivedAt: time.UnixMilli(msg.InternalDate).UTC(), Folder: provider.FolderInbox,
		Size: msg.SizeEstimate, Truncated: truncated}, nil
}

// rawPrefix decodes what an answer cut short holds of its "raw" field.
func rawPrefix(answer []byte) []byte {
	_, after, ok := bytes.Cut(answer, []byte(`"raw"`))
	if !ok {
		return nil
	}
	_, after, ok = bytes.Cut(after, []byte(`"`))
	if !ok {
		return nil
	}
	if end := bytes.IndexByte(after, '"'); end >= 0 {
		after = after[:end]
	}
	after = bytes.TrimRight(after[:len(after)/4*4], "=")
	out := make([]byte, base64.RawURLEncoding.DecodedLen(len(after)))
	n, err := base64.RawURLEncoding.Decode(out, after)
	if err != nil {
		return nil
	}
	return out[:n]
}

// headerOnly is a message made of the header format=metadata lists, for an
// answer cut before any of its raw content.
func headerOnly(m rawMessage) []byte {
	var b bytes.Buffer
	for _, h := range m.Payload.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}
