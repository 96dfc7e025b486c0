package mailfake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// Clock is a settable time for a test to share between a fake (its
// Options.Now) and the client under test. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading now until moved.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Recorder keeps what a client under test hands two of its hooks: the
// tokens it saves (its Config.SaveToken) and the waits it asks its backoff
// for (provider.Backoff.Sleep), which return at once. It is safe for
// concurrent use.
type Recorder struct {
	mu    sync.Mutex
	saved []*oauth2.Token
	waits []time.Duration
}

// SaveToken records tok.
func (r *Recorder) SaveToken(_ context.Context, tok *oauth2.Token) error {
	r.mu.Lock()
	r.saved = append(r.saved, tok)
	r.mu.Unlock()
	return nil
}

// Sleep records d and returns without waiting.
func (r *Recorder) Sleep(_ context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return nil
}

// Saved returns the tokens saved so far.
func (r *Recorder) Saved() []*oauth2.Token {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.saved)
}

// Waits returns the waits asked for so far.
func (r *Recorder) Waits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.waits)
}

// RawMessage builds a minimal CRLF text message for tests, threaded under
// inReplyTo (In-Reply-To and References) unless it is "". Its Date is fixed
// (Mon, 04 May 2026 10:00:00 +0000).
func RawMessage(from, to, subject, msgID, inReplyTo, body string) []byte {
	s := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: %s\r\nDate: Mon, 04 May 2026 10:00:00 +0000\r\n", from, to, subject, msgID)
	if inReplyTo != "" {
		s += "In-Reply-To: " + inReplyTo + "\r\nReferences: " + inReplyTo + "\r\n"
	}
	s += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
	return []byte(s)
}

// AttachmentHead is the beginning of a message with a large attachment:
// the header (In-Reply-To and References name inReplyTo when set), a
// text/plain part holding text, then the opening of a base64 attachment
// part that FillerLine continues (LargeMessage, smtpimapfake's
// DeliverGenerated).
func AttachmentHead(from, to, subject, messageID, inReplyTo, text string) []byte {
	var b bytes.Buffer
	b.WriteString("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: " + messageID + "\r\n")
	if inReplyTo != "" {
		b.WriteString("In-Reply-To: " + inReplyTo + "\r\nReferences: " + inReplyTo + "\r\n")
	}
	b.WriteString("Date: Mon, 04 May 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n" +
		"--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n" +
		"--big\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	return b.Bytes()
}

// FillerLine is a line of valid base64: what follows an AttachmentHead, so
// a message stays well formed wherever it is cut.
var FillerLine = []byte("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n")

// LargeMessage is head followed by filler lines, size bytes in all.
func LargeMessage(head []byte, size int) []byte {
	out := make([]byte, 0, max(size, len(head)))
	out = append(out, head...)
	for len(out) < size {
		out = append(out, FillerLine[:min(len(FillerLine), size-len(out))]...)
	}
	return out
}

// CountingTransport counts the response body bytes a client reads, for
// tests that bound what a download transfers.
type CountingTransport struct {
	Next http.RoundTripper // default http.DefaultTransport
	read atomic.Int64
}

// Read is how many response body bytes were read so far.
func (c *CountingTransport) Read() int64 { return c.read.Load() }

// RoundTrip implements http.RoundTripper.
func (c *CountingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	next := c.Next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
