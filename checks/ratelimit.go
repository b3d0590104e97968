package checks

import (
	"context"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Rate is a token bucket: Burst calls at once, then PerSecond calls a second.
type Rate struct {
	PerSecond float64
	Burst     int
}

// RateLimits maps an IAM action ("securityhub:GetFindings") or a service
// wildcard ("securityhub:*") to the rate AWS allows per account and region.
type RateLimits map[string]Rate

// For returns the rate of an action: its own entry, else its service's
// wildcard, else DefaultRate.
func (l RateLimits) For(service, operation string) Rate {
	if r, ok := l[service+":"+operation]; ok {
		return r
	}
	if r, ok := l[service+":*"]; ok {
		return r
	}
	return DefaultRate
}

// DefaultRate paces an action no table entry names: conservative, below
// every documented Describe/Get/List rate of the services scanned.
var DefaultRate = Rate{PerSecond: 5, Burst: 5}

// RateLimiter paces API calls per (account, region, action) with token
// buckets. It is shared by every client of a scan, so the pace holds
// whatever the concurrency.
type RateLimiter struct {
	limits RateLimits
	names  SigningNames
	mu     sync.Mutex
	bucket map[limitKey]*tokenBucket
}

type limitKey struct{ account, region, service, operation string }

// NewRateLimiter returns a limiter pacing each action to limits, with the
// IAM prefix names gives the client's SDK service id. A scan of services
// svcs uses RateLimitsOf(svcs) and SigningNamesOf(svcs): the request rates
// AWS applies per account and region, from its documentation where it
// publishes them and conservative figures where it does not, so that a
// scan normally meets no throttling at all; throttles that still happen
// (other tools sharing the account's quota) are retried with backoff.
func NewRateLimiter(limits RateLimits, names SigningNames) *RateLimiter {
	return &RateLimiter{limits: limits, names: names, bucket: map[limitKey]*tokenBucket{}}
}

// Wait blocks until the action may be called in account and region, or ctx ends.
func (l *RateLimiter) Wait(ctx context.Context, account, region, service, operation string) error {
	k := limitKey{account, region, service, operation}
	l.mu.Lock()
	b := l.bucket[k]
	if b == nil {
		r := l.limits.For(service, operation)
		b = newTokenBucket(r.PerSecond, r.Burst)
		l.bucket[k] = b
	}
	l.mu.Unlock()
	d := b.reserve(time.Now())
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Middleware paces every attempt (retries included) of the clients built
// from a config acting in account. It runs inside the SDK's retry loop,
// before signing.
func (l *RateLimiter) Middleware(account string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("baseline/RateLimit",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				svc := l.names.Of(awsmiddleware.GetServiceID(ctx))
				if err := l.Wait(ctx, account, awsmiddleware.GetRegion(ctx), svc, awsmiddleware.GetOperationName(ctx)); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, err
				}
				return next.HandleFinalize(ctx, in)
			}), "Retry", middleware.After)
	}
}

// tokenBucket is a reservation token bucket: reserve takes a token now or
// in the future and says how long to wait for it, so waiters are served in
// order without polling.
type tokenBucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newTokenBucket(perSecond float64, burst int) *tokenBucket {
	if burst < 1 {
		burst = 1
	}
	return &tokenBucket{rate: perSecond, burst: float64(burst), tokens: float64(burst)}
}

// reserve takes one token and returns how long after now it is available.
func (b *tokenBucket) reserve(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate <= 0 {
		return 0
	}
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	if now.After(b.last) {
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}
