package ratelimit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func testRedisURL() string {
	if u := os.Getenv("LEADBITZ_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// newTestRedisClient connects to the test server; a separate client per
// call stands for a separate replica with its own connection pool.
func newTestRedisClient(t testing.TB) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(testRedisURL())
	if err != nil {
		t.Fatalf("LEADBITZ_TEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis is not reachable at %s (set LEADBITZ_TEST_REDIS_URL): %v", opts.Addr, err)
	}
	return c
}

// testPrefix is unique per test and run; keys under it are deleted after the
// test (they would expire anyway).
func testPrefix(t testing.TB, c *redis.Client) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "leadbitz-test:ratelimit:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, err := c.Keys(ctx, prefix+"*").Result()
		if err == nil && len(keys) > 0 {
			c.Del(ctx, keys...)
		}
	})
	return prefix
}

func TestRedis(t *testing.T) {
	testLimiter(t, func(t *testing.T) harness {
		c := newTestRedisClient(t)
		return harness{limiter: NewRedis(c, testPrefix(t, c)), wait: time.Sleep}
	})
}

func TestRedisReplicasShareCounters(t *testing.T) {
	c1, c2 := newTestRedisClient(t), newTestRedisClient(t)
	prefix := testPrefix(t, c1)
	a, b := NewRedis(c1, prefix), NewRedis(c2, prefix)
	limit := Limit{Count: 5, Per: time.Minute}

	for range 3 {
		mustAllow(t, a, "login:acct:1", limit)
	}
	for want := 1; want >= 0; want-- {
		if res := mustAllow(t, b, "login:acct:1", limit); !res.Allowed || res.Remaining != want {
			t.Fatalf("replica b after 3 on replica a: %+v, want allowed with %d remaining", res, want)
		}
	}
	if mustAllow(t, a, "login:acct:1", limit).Allowed {
		t.Fatal("replica a allowed a request after replica b used the last slot")
	}
	if err := b.Reset(context.Background(), "login:acct:1"); err != nil {
		t.Fatal(err)
	}
	if res := mustAllow(t, a, "login:acct:1", limit); !res.Allowed || res.Remaining != 4 {
		t.Fatalf("replica a after replica b reset the key: %+v", res)
	}

	t.Run("concurrently", func(t *testing.T) {
		limit := Limit{Count: 20, Per: time.Minute}
		if got := countAllowed(t, []Limiter{a, b}, "hot", limit, 50, 4); got != limit.Count {
			t.Fatalf("%d of 200 requests across two replicas allowed, want exactly %d", got, limit.Count)
		}
	})
}

func TestRedisKeysArePrefixedAndExpire(t *testing.T) {
	c := newTestRedisClient(t)
	prefix := testPrefix(t, c)
	l := NewRedis(c, prefix)
	ctx := context.Background()

	mustAllow(t, l, "k", Limit{Count: 3, Per: 90 * time.Second})
	ttl, err := c.PTTL(ctx, prefix+"k").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 80*time.Second || ttl > 90*time.Second {
		t.Errorf("TTL of %sk = %v, want just under the 90s window", prefix, ttl)
	}
	if n, _ := c.ZCard(ctx, prefix+"k").Result(); n != 1 {
		t.Errorf("sorted set holds %d members, want 1", n)
	}

	// A denied request records nothing, so the set never exceeds Count.
	for range 10 {
		mustAllow(t, l, "k", Limit{Count: 3, Per: 90 * time.Second})
	}
	if n, _ := c.ZCard(ctx, prefix+"k").Result(); n != 3 {
		t.Errorf("sorted set holds %d members after 11 requests, want 3", n)
	}

	// With a short window the key disappears on its own: Redis expires it
	// within the window.
	mustAllow(t, l, "short", Limit{Count: 1, Per: 50 * time.Millisecond})
	if ttl, err := c.PTTL(ctx, prefix+"short").Result(); err != nil || ttl <= 0 || ttl > 50*time.Millisecond {
		t.Errorf("key with a 50ms window expires in %v (%v), want within 50ms", ttl, err)
	}
}

func TestRedisErrorsAreWrapped(t *testing.T) {
	c := newTestRedisClient(t)
	l := NewRedis(c, testPrefix(t, c))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Allow(ctx, "k", Limit{Count: 1, Per: time.Second})
	if err == nil || !strings.HasPrefix(err.Error(), "ratelimit: redis: ") {
		t.Fatalf("Allow with a cancelled context: err = %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Close of a NewRedis limiter closed the caller's client: %v", err)
	}
}
