package ratelimit_test

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/leadbitz/leadbitz/internal/ratelimit"
)

// Login throttling: count attempts per account, forget them on success,
// and turn a denial into a Retry-After in whole seconds.
func ExampleLimiter() {
	ctx := context.Background()
	limiter, _ := ratelimit.FromURL(ctx, "") // REDIS_URL unset: in memory
	defer limiter.Close()
	perAccount := ratelimit.Limit{Count: 3, Per: 15 * time.Minute}

	for attempt := 1; attempt <= 4; attempt++ {
		res, err := limiter.Allow(ctx, "login:account:ada@example.com", perAccount)
		if err != nil {
			fmt.Println("limiter unavailable:", err)
			return
		}
		if !res.Allowed {
			seconds := int(math.Ceil(res.RetryAfter.Seconds()))
			fmt.Printf("attempt %d: 429, Retry-After: %d\n", attempt, seconds)
			continue
		}
		fmt.Printf("attempt %d: checked, %d left\n", attempt, res.Remaining)
	}
	_ = limiter.Reset(ctx, "login:account:ada@example.com") // after a successful login
	// Output:
	// attempt 1: checked, 2 left
	// attempt 2: checked, 1 left
	// attempt 3: checked, 0 left
	// attempt 4: 429, Retry-After: 900
}
