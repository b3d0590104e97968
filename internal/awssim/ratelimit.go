package awssim

import (
	"net/http"
	"sync"
	"time"
)

// Rate is a token bucket: Burst calls at once, then PerSecond calls a second.
type Rate struct {
	PerSecond float64
	Burst     int
}

// AWSRateLimits are request rates per account and region like AWS's, keyed
// by "service:Operation" or "service:*" (the service's other operations).
// Where AWS documents a rate it is used (Security Hub, CloudTrail, EC2,
// STS, Account); elsewhere the figure is a conservative guess. The scanner
// keeps its own copy (each service's descriptor, checks.RateLimitsOf): the
// simulator models AWS, it does not trust the client.
func AWSRateLimits() map[string]Rate {
	return map[string]Rate{
		"securityhub:GetFindings": {3, 6},
		"securityhub:*":           {10, 30},
		"cloudtrail:*":            {10, 10},
		"account:*":               {5, 5},
		"ec2:*":                   {20, 100},
		"guardduty:*":             {10, 20},
		"ssm:*":                   {10, 20},
		"sts:*":                   {600, 600},
		"organizations:*":         {5, 10},
	}
}

// rateFor looks an action up in limits: its own entry, else its service's.
func rateFor(limits map[string]Rate, service, op string) (Rate, bool) {
	if r, ok := limits[service+":"+op]; ok {
		return r, true
	}
	r, ok := limits[service+":*"]
	return r, ok
}

// throttleTolerance is how early a call may come before its token and still
// pass: requests paced exactly at the rate reach the server with a few
// milliseconds of jitter, and AWS's buckets are not exact either.
const throttleTolerance = 50 * time.Millisecond

type rateKey struct{ account, region, service, op string }

// rateLimiter holds one token bucket per (account, region, action).
type rateLimiter struct {
	limits  map[string]Rate
	mu      sync.Mutex
	buckets map[rateKey]*simBucket
}

type simBucket struct {
	rate, burst, tokens float64
	last                time.Time
}

// allow takes a token for the call if its bucket has one (within the
// tolerance); a throttled call takes none, as with AWS.
func (l *rateLimiter) allow(c *call, now time.Time) bool {
	if l == nil || c.account == nil {
		return true
	}
	r, ok := rateFor(l.limits, c.service, c.op)
	if !ok || r.PerSecond <= 0 {
		return true
	}
	k := rateKey{string(c.account.ID), c.region, c.service, c.op}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[k]
	if b == nil {
		b = &simBucket{rate: r.PerSecond, burst: float64(max(r.Burst, 1)), tokens: float64(max(r.Burst, 1)), last: now}
		l.buckets[k] = b
	}
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens+throttleTolerance.Seconds()*b.rate < 1 {
		return false
	}
	b.tokens--
	return true
}

// throttleError is the throttling answer of each protocol, as AWS sends it:
// restJson1 services 429 TooManyRequestsException, awsJson1_1 services 400
// ThrottlingException (Organizations: TooManyRequestsException), EC2 503
// RequestLimitExceeded, STS 400 Throttling.
func throttleError(service string) *apiError {
	switch service {
	case "ec2":
		return errorf(http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
	case "sts":
		return errorf(http.StatusBadRequest, "Throttling", "Rate exceeded")
	case "organizations":
		return errorf(http.StatusBadRequest, "TooManyRequestsException", "AWS Organizations can't complete your request because the request rate is too high. Try again later.")
	case "cloudtrail", "ssm":
		return errorf(http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
	}
	e := errorf(http.StatusTooManyRequests, "TooManyRequestsException", "Rate exceeded")
	if service == "guardduty" {
		e.jsonType = "TooManyRequestsException"
	}
	return e
}

// throttle answers a call with the protocol's throttling error when its
// rate limit is exhausted, or at random with Options.ThrottleRate.
func (s *Server) throttle(c *call) *apiError {
	if !s.limiter.allow(c, time.Now()) {
		s.throttled.Add(1)
		return throttleError(c.service)
	}
	if s.opts.ThrottleRate > 0 {
		s.mu.Lock()
		fire := s.rng.Float64() < s.opts.ThrottleRate
		s.mu.Unlock()
		if fire {
			s.throttled.Add(1)
			return throttleError(c.service)
		}
	}
	return nil
}

// Throttled is the number of calls answered with a throttling error so far.
func (s *Server) Throttled() int { return int(s.throttled.Load()) }
