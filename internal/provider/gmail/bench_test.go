package gmail_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider/gmail"
	"github.com/leadbitz/leadbitz/internal/provider/mailfake"
)

// BenchmarkFetch syncs 1,000 new inbox messages through history pages of
// 100 (10 history calls and 1,000 messages.get with format=raw).
func BenchmarkFetch(b *testing.B) {
	e := newEnv(b, func(c *gmail.Config) { c.PageSize = 100 })
	start := strconv.FormatUint(e.fake.HistoryID(me), 10)
	for i := range 1000 {
		subj := "m" + strconv.Itoa(i)
		if _, err := e.fake.DeliverAt(me, mailfake.RawMessage(lead, me, subj, "<"+subj+"@x.test>", "", "a reply body of a few words"), e.clock.Now().Add(time.Duration(i)*time.Second)); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	total := 0
	for b.Loop() {
		cursor := start
		for {
			page, err := e.client.Fetch(ctx, cursor)
			if err != nil {
				b.Fatal(err)
			}
			total += len(page.Messages)
			cursor = page.Cursor
			if !page.More {
				break
			}
		}
	}
	if total != 1000*b.N {
		b.Fatalf("fetched %d messages, want %d", total, 1000*b.N)
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "msgs/s")
}
