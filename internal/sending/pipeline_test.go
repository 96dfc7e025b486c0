package sending_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
	"github.com/leadbitz/leadbitz/internal/sending"
	"github.com/leadbitz/leadbitz/internal/store"
)

// closeHookBox runs hooks before a send and before the mailbox is closed
// (for a mailbox that copies to Sent, Close is where the copies are waited
// for).
type closeHookBox struct {
	provider.Mailbox
	beforeSend  func()
	beforeClose func()
}

func (b closeHookBox) Send(ctx context.Context, m provider.OutgoingMessage) (provider.SentMessage, error) {
	b.beforeSend()
	return b.Mailbox.Send(ctx, m)
}

func (b closeHookBox) Close() error {
	b.beforeClose()
	return b.Mailbox.Close()
}

// twoBatches launches a one-step campaign over two mailboxes, a lead each,
// and an engine that claims one job per batch: a claim adds its mailboxes'
// other due jobs, so one mailbox would make one batch.
func twoBatches(t *testing.T) (h *harness, e *sending.Engine, campaignID string, leads []string, a, b store.Mailbox) {
	h = newHarness(t, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	a, b = h.mailbox("pipe-a@sender.test", 10, 0, 0, 0), h.mailbox("pipe-b@sender.test", 10, 0, 0, 0)
	leads = h.leads(2)
	campaignID = h.campaignWith(allWeek("Pipe", a.ID, b.ID), oneStep(), leads)
	h.launch(campaignID)
	return h, h.newEngine(sending.Config{BatchSize: 1, Workers: 1}), campaignID, leads, a, b
}

// TestNextBatchSendsWhileCopiesAreStored: a batch is recorded only once its
// mailboxes are closed, and the next batch is claimed and sent meanwhile,
// so a mailbox's copies to Sent are not on the send path.
func TestNextBatchSendsWhileCopiesAreStored(t *testing.T) {
	h, e, id, leads, a, b := twoBatches(t)

	var sends, closes atomic.Int32
	secondSend := make(chan struct{})
	h.wrap = func(mb provider.Mailbox) provider.Mailbox {
		return closeHookBox{Mailbox: mb,
			beforeSend: func() {
				if sends.Add(1) == 2 {
					close(secondSend)
				}
			},
			beforeClose: func() {
				if closes.Add(1) != 1 {
					return
				}
				select {
				case <-secondSend:
				case <-time.After(10 * time.Second):
					t.Error("the second batch was not sent while the first one's mailbox was closing")
					return
				}
				var sending int
				for _, l := range leads {
					if j := h.jobs(id, l)[0]; j.Status == store.JobSending {
						sending++
					}
				}
				if sending != 2 {
					t.Errorf("%d jobs sending while the first batch's mailbox closes, want 2 (neither recorded)", sending)
				}
			},
		}
	}
	res, err := e.Tick(h.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 2 {
		t.Fatalf("tick: %+v, want 2 sent", res)
	}
	for _, l := range leads {
		if j := h.jobs(id, l)[0]; j.Status != store.JobSent {
			t.Fatalf("job of lead %s after the tick: %s", l, j.Status)
		}
	}
	h.assertOnceEach(a.ID, 1)
	h.assertOnceEach(b.ID, 1)
}

// TestBatchAfterAFailedRecordIsRecorded: when a batch cannot be recorded,
// the next one, already sent, is still recorded before the tick gives up;
// only the failed batch's job is left sending, for recovery to resolve.
func TestBatchAfterAFailedRecordIsRecorded(t *testing.T) {
	h, e, id, leads, _, _ := twoBatches(t)
	var finishes atomic.Int32
	recordFailed := errors.New("the database went away")
	sending.SetBeforeFinish(e, func() error {
		if finishes.Add(1) == 1 {
			return recordFailed
		}
		return nil
	})
	if _, err := e.Tick(h.ctx); !errors.Is(err, recordFailed) {
		t.Fatalf("tick: %v, want the record's error", err)
	}
	var status []string
	for _, l := range leads {
		status = append(status, h.jobs(id, l)[0].Status)
	}
	slices.Sort(status)
	if want := []string{store.JobSending, store.JobSent}; !slices.Equal(status, want) {
		t.Fatalf("jobs after the failed record: %v, want %v", status, want)
	}
}
