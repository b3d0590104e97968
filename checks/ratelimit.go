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

// AWSRateLimits are the request rates AWS applies per account and region,
// from its documentation where it publishes them and conservative figures
// where it does not. The scanner paces every call to them, so a scan
// normally meets no throttling at all; throttles that still happen (other
// tools sharing the account's quota) are retried with backoff.
var AWSRateLimits = RateLimits{
	// Security Hub API reference, "Throttling limits": GetFindings 3/s burst 6;
	// every other operation 10/s burst 30.
	"securityhub:GetFindings": {3, 6},
	"securityhub:*":           {10, 30},
	// CloudTrail quotas (AWS General Reference, "AWS CloudTrail endpoints and
	// quotas"): DescribeTrails, GetTrailStatus, GetEventSelectors 10 TPS.
	"cloudtrail:*": {10, 10},
	// Account Management API quotas: ListRegions 5/s.
	"account:ListRegions": {5, 5},
	// EC2 API request throttling ("Request token limits"): unfiltered and
	// paginated non-mutating actions refill 20 tokens/s into a bucket of 100.
	"ec2:*": {20, 100},
	// GuardDuty publishes no per-operation API rates; 10/s burst 20 is below
	// what it sustains in practice (conservative).
	"guardduty:*": {10, 20},
	// Systems Manager's Describe* throughput quotas are at least 10 TPS
	// (Service Quotas, "Systems Manager"); 10/s burst 20, conservative.
	"ssm:*": {10, 20},
	// STS request quota: 600 requests per second per account and region;
	// AssumeRole calls all come from the scanning account.
	"sts:*": {600, 600},
	// Organizations publishes no ListAccounts rate and throttles its API at
	// a low rate; 5/s burst 10, conservative.
	"organizations:*": {5, 10},
}

// RateLimiter paces API calls per (account, region, action) with token
// buckets. It is shared by every client of a scan, so the pace holds
// whatever the concurrency.
type RateLimiter struct {
	limits RateLimits
	mu     sync.Mutex
	bucket map[limitKey]*tokenBucket
}

type limitKey struct{ account, region, service, operation string }

// NewRateLimiter returns a limiter with limits (AWSRateLimits when nil).
func NewRateLimiter(limits RateLimits) *RateLimiter {
	if limits == nil {
		limits = AWSRateLimits
	}
	return &RateLimiter{limits: limits, bucket: map[limitKey]*tokenBucket{}}
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
				svc := signingName(awsmiddleware.GetServiceID(ctx))
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
