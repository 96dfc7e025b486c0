package ratelimit

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestFromURLEmptyIsMemory(t *testing.T) {
	l, err := FromURL(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, ok := l.(*Memory); !ok {
		t.Fatalf("FromURL(\"\") = %T, want *Memory", l)
	}
	if !mustAllow(t, l, "k", Limit{Count: 1, Per: time.Second}).Allowed {
		t.Fatal("first request denied")
	}
}

func TestFromURLRedis(t *testing.T) {
	ctx := context.Background()
	l, err := FromURL(ctx, testRedisURL())
	if err != nil {
		t.Fatalf("FromURL: %v", err)
	}
	r, ok := l.(*Redis)
	if !ok {
		t.Fatalf("FromURL = %T, want *Redis", l)
	}
	if r.prefix != RedisPrefix {
		t.Errorf("prefix = %q, want %q", r.prefix, RedisPrefix)
	}
	c := newTestRedisClient(t)
	r.prefix = "" // keep the test's keys under its own prefix for cleanup
	key := testPrefix(t, c) + "k"
	if !mustAllow(t, l, key, Limit{Count: 1, Per: time.Second}).Allowed {
		t.Fatal("first request denied")
	}
	if mustAllow(t, l, key, Limit{Count: 1, Per: time.Second}).Allowed {
		t.Fatal("second request allowed with Count 1")
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := l.Allow(ctx, key, Limit{Count: 1, Per: time.Second}); err == nil {
		t.Fatal("Allow after Close succeeded; FromURL's client was not closed")
	}
}

// TestFromURLErrorsHidePassword checks every failure path for the password.
func TestFromURLErrorsHidePassword(t *testing.T) {
	const password = "s3cr3t-Hunter2"
	closedPort := unusedPort(t)
	tests := []struct {
		name string
		url  string
		want string
	}{
		{"unparseable URL", "redis://:" + password + "@127.0.0.1:6379/%zz", "is not a valid URL"},
		{"no scheme", "127.0.0.1:6379", "is not a valid URL"},
		{"wrong scheme", "http://user:" + password + "@127.0.0.1:6379/0", "invalid URL scheme"},
		{"bad database", "redis://:" + password + "@127.0.0.1:6379/zero", "invalid database number"},
		{"unknown option", "redis://:" + password + "@127.0.0.1:6379/0?passwd=" + password, "unexpected option"},
		{"nothing listening", "redis://:" + password + "@127.0.0.1:" + closedPort + "/0?max_retries=-1", "connection refused"},
		{"wrong password", strings.Replace(testRedisURL(), "redis://", "redis://nosuchuser:"+password+"@", 1), "WRONGPASS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			l, err := FromURL(ctx, tc.url)
			if err == nil {
				l.Close()
				t.Fatal("FromURL succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("err = %q, want it to contain %q", msg, tc.want)
			}
			if strings.Contains(msg, password) {
				t.Errorf("err = %q contains the password", msg)
			}
		})
	}
}

func TestFromURLKeepsCause(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := FromURL(ctx, "redis://:pw@127.0.0.1:"+unusedPort(t)+"/0?max_retries=-1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want it to wrap context.Canceled", err)
	}
}

// unusedPort returns a local port with nothing listening on it.
func unusedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}
