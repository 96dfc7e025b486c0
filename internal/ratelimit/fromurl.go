package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// RedisPrefix is the key prefix FromURL uses.
const RedisPrefix = "leadbitz:ratelimit:"

// FromURL returns the limiter the configuration asks for: Memory (on the
// real clock) when redisURL (REDIS_URL) is empty, otherwise a Redis limiter
// on that server, after a PING so that a wrong URL fails at start-up rather
// than at the first login. redis:// and rediss:// URLs are accepted as
// go-redis parses them. Errors name the server by scheme, host and path
// only, never user info, password or query.
func FromURL(ctx context.Context, redisURL string) (Limiter, error) {
	if redisURL == "" {
		return NewMemory(nil), nil
	}
	u, err := url.Parse(redisURL)
	if err != nil {
		// url.Parse quotes the whole input, password included.
		return nil, errors.New("ratelimit: REDIS_URL is not a valid URL (want redis://[:password@]host:port/db)")
	}
	password, _ := u.User.Password()
	// Name the server without user info or query, either of which may
	// carry a credential.
	where := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()

	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("ratelimit: REDIS_URL %s: %s", where, redact(err.Error(), redisURL, password))
	}
	client := redis.NewClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, &redactedError{
			msg: fmt.Sprintf("ratelimit: connecting to REDIS_URL %s: %s", where, redact(err.Error(), redisURL, password)),
			err: err,
		}
	}
	return &Redis{client: client, prefix: RedisPrefix, owned: true}, nil
}

// redact removes the URL and its password from a message produced by a
// library that might echo them.
func redact(msg, rawURL, password string) string {
	msg = strings.ReplaceAll(msg, rawURL, "REDIS_URL")
	if password != "" {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
	}
	return msg
}

// redactedError keeps the cause available to errors.Is (a context deadline,
// say) while its message is the redacted one.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
