package ratelimit

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// Run with: go test -run '^$' -bench . ./internal/ratelimit

func BenchmarkMemoryAllow(b *testing.B) {
	benchmarkAllow(b, NewMemory(nil))
}

func BenchmarkRedisAllow(b *testing.B) {
	c := newTestRedisClient(b)
	benchmarkAllow(b, NewRedis(c, testPrefix(b, c)))
}

// benchmarkAllow spreads calls over 1000 keys with a limit that is mostly
// reached, so both the allow and the deny paths run.
func benchmarkAllow(b *testing.B, l Limiter) {
	ctx := context.Background()
	limit := Limit{Count: 10, Per: time.Second}
	i := 0
	for b.Loop() {
		if _, err := l.Allow(ctx, "k"+strconv.Itoa(i%1000), limit); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
