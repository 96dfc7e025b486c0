package provider_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/leadbitz/leadbitz/internal/provider"
)

func TestKind(t *testing.T) {
	rate := &provider.Error{Kind: provider.RateLimited, RetryAfter: 3 * time.Second, Code: "429"}
	tests := []struct {
		name  string
		err   error
		kind  provider.ErrorKind
		after time.Duration
	}{
		{"nil", nil, 0, 0},
		{"plain error is transient", io.ErrUnexpectedEOF, provider.Transient, 0},
		{"context canceled is transient", context.Canceled, provider.Transient, 0},
		{"direct", &provider.Error{Kind: provider.Auth}, provider.Auth, 0},
		{"wrapped", fmt.Errorf("send: %w", rate), provider.RateLimited, 3 * time.Second},
		{"double wrapped", fmt.Errorf("a: %w", fmt.Errorf("b: %w", &provider.Error{Kind: provider.Permanent})), provider.Permanent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := provider.Kind(tt.err); got != tt.kind {
				t.Errorf("Kind = %v, want %v", got, tt.kind)
			}
			if got := provider.RetryAfter(tt.err); got != tt.after {
				t.Errorf("RetryAfter = %v, want %v", got, tt.after)
			}
		})
	}
}

func TestErrorAsAndUnwrap(t *testing.T) {
	cause := io.ErrUnexpectedEOF
	err := fmt.Errorf("fetch: %w", &provider.Error{Kind: provider.Transient, Code: "500", Message: "backend error", Err: cause})
	var pe *provider.Error
	if !errors.As(err, &pe) || pe.Code != "500" {
		t.Fatalf("errors.As failed: %v", err)
	}
	if !errors.Is(err, cause) {
		t.Errorf("errors.Is does not reach the cause")
	}
	if got := err.Error(); !strings.Contains(got, "transient 500: backend error: unexpected EOF") {
		t.Errorf("Error() = %q", got)
	}
	if !provider.IsAuth(&provider.Error{Kind: provider.Auth}) || provider.IsAuth(cause) {
		t.Errorf("IsAuth wrong")
	}
	if !provider.IsPermanent(&provider.Error{Kind: provider.Permanent}) || provider.IsPermanent(nil) {
		t.Errorf("IsPermanent wrong")
	}
}

func TestKindString(t *testing.T) {
	want := map[provider.ErrorKind]string{0: "none", provider.Transient: "transient", provider.RateLimited: "rate_limited",
		provider.Auth: "auth", provider.Permanent: "permanent", provider.CursorExpired: "cursor_expired", 99: "unknown"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("%d.String() = %q, want %q", int(k), k.String(), s)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 0 ", 0},
		{"-3", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http1123), 90 * time.Second},
		{now.Add(-time.Minute).Format(http1123), 0},
	}
	for _, tt := range tests {
		if got := provider.ParseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

const http1123 = "Mon, 02 Jan 2006 15:04:05 GMT"
