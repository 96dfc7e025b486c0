package replies

import (
	"errors"
	"testing"

	"github.com/leadbitz/leadbitz/internal/provider"
)

func TestNextBatchIsBoundedByMessagesAndBytes(t *testing.T) {
	page := func(msgs int, weight int64) fetchedPage {
		return fetchedPage{page: provider.Page{Messages: make([]provider.InboundMessage, msgs)}, weight: weight}
	}
	failed := fetchedPage{err: errors.New("fetch failed")}
	for _, tc := range []struct {
		name     string
		ready    []fetchedPage
		maxBytes int64
		want     int // pages in the first batch
		wantErr  bool
	}{
		{"small pages go together", []fetchedPage{page(10, 10), page(10, 10), page(10, 10)}, 1000, 3, false},
		{"bytes end a batch", []fetchedPage{page(1, 400), page(1, 400), page(1, 400), page(1, 400)}, 1000, 3, false},
		{"one page over the bound is a batch", []fetchedPage{page(1, 5000), page(1, 10)}, 1000, 1, false},
		{"count ends a batch", []fetchedPage{page(600, 1), page(600, 1), page(600, 1)}, 1000, 2, false},
		{"an error ends a batch", []fetchedPage{page(1, 1), failed, page(1, 1)}, 1000, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := make(chan fetchedPage, len(tc.ready))
			for _, fp := range tc.ready {
				ch <- fp
			}
			close(ch)
			batch, err := nextBatch(ch, tc.maxBytes)
			if len(batch) != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("batch of %d pages, err %v; want %d pages, error %v", len(batch), err, tc.want, tc.wantErr)
			}
		})
	}
}
