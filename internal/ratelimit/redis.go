package ratelimit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// slidingWindow is the whole decision, run atomically in Redis so that
// replicas racing on one key cannot both take the last slot. Time comes from
// the server (TIME), so replicas with skewed clocks still agree.
//
// KEYS[1] is a sorted set of allowed requests scored by microsecond
// timestamp. ARGV: limit count, window in microseconds, a unique member.
// Returns {allowed 0/1, remaining, retry-after in microseconds}.
var slidingWindow = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return {1, limit - n - 1, 0}
end
local pivot = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
return {0, 0, tonumber(pivot[2]) + window - now}
`)

// Redis is a Limiter whose counters live in Redis, shared by every replica
// that uses the same server and prefix. Each key is one sorted set holding
// at most Count members, expiring one window after its newest request.
type Redis struct {
	client redis.UniversalClient
	prefix string
	owned  bool // client was opened by FromURL and is closed by Close
}

// NewRedis returns a limiter storing its keys under prefix (for example
// "leadbitz:ratelimit:"). The caller keeps ownership of client.
func NewRedis(client redis.UniversalClient, prefix string) *Redis {
	return &Redis{client: client, prefix: prefix}
}

// Allow implements Limiter.
func (r *Redis) Allow(ctx context.Context, key string, limit Limit) (Result, error) {
	if err := limit.validate(); err != nil {
		return Result{}, err
	}
	member := strconv.FormatUint(rand.Uint64(), 36)
	vals, err := slidingWindow.Run(ctx, r.client, []string{r.prefix + key},
		limit.Count, limit.Per.Microseconds(), member).Int64Slice()
	if err != nil {
		return Result{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	if len(vals) != 3 {
		return Result{}, fmt.Errorf("ratelimit: redis: script returned %d values, want 3", len(vals))
	}
	if vals[0] == 1 {
		return Result{Allowed: true, Remaining: int(vals[1])}, nil
	}
	retry := time.Duration(vals[2]) * time.Microsecond
	return Result{RetryAfter: clampRetry(retry, limit.Per)}, nil
}

// Reset implements Limiter.
func (r *Redis) Reset(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.prefix+key).Err(); err != nil {
		return fmt.Errorf("ratelimit: redis: %w", err)
	}
	return nil
}

// Close implements Limiter: it closes the client only if FromURL opened it.
func (r *Redis) Close() error {
	if !r.owned {
		return nil
	}
	return r.client.Close()
}
