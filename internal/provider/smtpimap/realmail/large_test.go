package realmail_test

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
	"github.com/leadbitz/leadbitz/internal/provider/smtpimap/realmail"
)

// A message far over the limit in a real Dovecot INBOX: Fetch learns its
// size from RFC822.SIZE, reads only BODY.PEEK[]<0.limit> and allocates a
// few times the limit, not the message. LEADBITZ_REALMAIL_LARGE_BYTES sets
// the message's size (default 64 MiB; 524288000 for the 500 MB case of the
// security review); the peak RSS of the test process is logged.
func TestRealServerReadsAHugeMessageOnlyUpToTheLimit(t *testing.T) {
	const addr, password = "erin@example.test", "erin-password"
	srv := realmail.Require(t, realmail.Options{Users: map[string]string{addr: password}})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	size := int64(64 << 20)
	if v, err := strconv.ParseInt(os.Getenv("LEADBITZ_REALMAIL_LARGE_BYTES"), 10, 64); err == nil && v > 0 {
		size = v
	}
	const limit = 1 << 20
	head := mailfake.AttachmentHead("Lead <lead@example.test>", addr, "Re: the deck", "<huge@example.test>",
		"<ours@example.test>", "Here is the deck, call me next week.")
	appendStreamed(t, srv, addr, password, head, size)

	cfg := srv.Config(addr)
	cfg.MaxMessageBytes = limit
	m := open(t, cfg)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	page, err := m.Fetch(ctx, "")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Messages) != 1 {
		t.Fatalf("messages = %d, want 1", len(page.Messages))
	}
	got := page.Messages[0]
	if !got.Truncated || got.Size != size || len(got.Raw) != limit || !bytes.HasPrefix(got.Raw, head) {
		t.Errorf("message: truncated %v, size %d (want %d), raw %d bytes", got.Truncated, got.Size, size, len(got.Raw))
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*limit {
		t.Errorf("fetching allocated %d bytes, want a few times the limit (%d) at most", alloc, limit)
	}
	t.Logf("a %d MiB message read as its first %d KiB; %d KiB allocated by the fetch; peak RSS of the test process %s",
		size>>20, len(got.Raw)>>10, (after.TotalAlloc-before.TotalAlloc)>>10, vmHWM())
}

// appendStreamed stores head followed by filler lines, size bytes in all,
// in addr's INBOX, written in small pieces: the test never holds it.
func appendStreamed(t *testing.T, srv *realmail.Server, addr, password string, head []byte, size int64) {
	t.Helper()
	c, err := imapclient.DialStartTLS(srv.Host+":"+strconv.Itoa(srv.IMAPPort), &imapclient.Options{TLSConfig: srv.ClientTLS()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(addr, password).Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append("INBOX", size, &imap.AppendOptions{Time: time.Now()})
	written, err := cmd.Write(head)
	chunk := bytes.Repeat(mailfake.FillerLine, 64<<10/len(mailfake.FillerLine))
	for left := size - int64(written); err == nil && left > 0; left -= int64(written) {
		written, err = cmd.Write(chunk[:min(int64(len(chunk)), left)])
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

func vmHWM() string {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range bytes.Split(data, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			return string(bytes.TrimSpace(rest))
		}
	}
	return "unknown"
}
