package provider_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
)

func TestBackoffRetry(t *testing.T) {
	transient := &provider.Error{Kind: provider.Transient}
	permanent := &provider.Error{Kind: provider.Permanent}
	longWait := &provider.Error{Kind: provider.RateLimited, RetryAfter: time.Hour}
	shortWait := &provider.Error{Kind: provider.RateLimited, RetryAfter: 2 * time.Second}
	retryable := func(err error) bool {
		k := provider.Kind(err)
		return k == provider.Transient || k == provider.RateLimited
	}
	tests := []struct {
		name      string
		errs      []error // returned by successive calls; nil = success
		wantCalls int
		wantErr   error
		wantWaits []time.Duration // exact waits (only checked when set)
	}{
		{"success first", []error{nil}, 1, nil, nil},
		{"recovers", []error{transient, transient, nil}, 3, nil, nil},
		{"gives up after attempts", []error{transient, transient, transient, nil}, 3, transient, nil},
		{"permanent not retried", []error{permanent, nil}, 1, permanent, nil},
		{"retry-after honoured", []error{shortWait, nil}, 2, nil, []time.Duration{2 * time.Second}},
		{"too long retry-after returned", []error{longWait, nil}, 1, longWait, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var waits []time.Duration
			b := provider.Backoff{Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
			calls := 0
			err := b.Retry(context.Background(), retryable, func() error {
				e := tt.errs[calls]
				calls++
				return e
			})
			if calls != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tt.wantCalls)
			}
			if !errors.Is(err, tt.wantErr) && err != tt.wantErr {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantWaits != nil && !equalDurations(waits, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", waits, tt.wantWaits)
			}
		})
	}
}

func TestBackoffDelaysGrowWithJitter(t *testing.T) {
	var waits []time.Duration
	b := provider.Backoff{Attempts: 5, Base: 100 * time.Millisecond, Max: 300 * time.Millisecond,
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	_ = b.Retry(context.Background(), func(error) bool { return true }, func() error { return errors.New("x") })
	// Nominal waits 100, 200, 300(capped), 300; each jittered into [d/2, d].
	nominal := []time.Duration{100, 200, 300, 300}
	if len(waits) != len(nominal) {
		t.Fatalf("waits = %v", waits)
	}
	for i, n := range nominal {
		d := n * time.Millisecond
		if waits[i] < d/2 || waits[i] > d {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, waits[i], d/2, d)
		}
	}
}

func TestBackoffStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	err := provider.Backoff{Base: time.Hour}.Retry(ctx, func(error) bool { return true }, func() error {
		calls++
		return errors.New("down")
	})
	if calls != 1 || err == nil {
		t.Fatalf("calls = %d, err = %v; want 1 call and the call's error", calls, err)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
