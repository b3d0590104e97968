package checks

import (
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Client defaults. Throttling is expected at organization scale, so
// throttles get many attempts; the client-side rate limiter already paces
// calls to AWS's documented rates, so a throttle is a transient collision
// (another tool using the same quota) and a short first backoff suffices.
const (
	DefaultMaxAttempts = 10
	DefaultCallTimeout = 30 * time.Second
	DefaultBackoffBase = 100 * time.Millisecond
	DefaultMaxBackoff  = 20 * time.Second
)

// ClientOptions tune the SDK clients of a scan.
type ClientOptions struct {
	// MaxAttempts per operation, the first included (DefaultMaxAttempts).
	MaxAttempts int
	// CallTimeout bounds one HTTP attempt; a timed-out attempt is retried
	// like a 5xx (DefaultCallTimeout).
	CallTimeout time.Duration
	// BackoffBase is the first retry's delay; it doubles per attempt, with
	// jitter, up to MaxBackoff.
	BackoffBase time.Duration
	MaxBackoff  time.Duration
	// MaxConnsPerHost is the concurrency the pool of keep-alive
	// connections is sized for: idleConnsPerWorkItem idle connections per
	// endpoint for each, or connections churn under load.
	MaxConnsPerHost int
}

func (o ClientOptions) withDefaults() ClientOptions {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = DefaultBackoffBase
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxConnsPerHost <= 0 {
		o.MaxConnsPerHost = DefaultConcurrency
	}
	return o
}

// ConfigureClients sets the HTTP client (per-attempt timeout, keep-alive
// pool sized for the concurrency) and the retryer of every client built
// from cfg. A custom HTTP client that is neither the SDK's buildable one
// nor one ConfigureClients made is replaced.
func ConfigureClients(cfg *aws.Config, o ClientOptions) {
	o = o.withDefaults()
	// Build on the loaded client's transport when there is one, so that
	// its settings (AWS_CA_BUNDLE, proxies) survive.
	var tr *http.Transport
	switch c := cfg.HTTPClient.(type) {
	case *awshttp.BuildableClient:
		if c != nil {
			tr = c.GetTransport() // a copy
		}
	case *scanHTTPClient:
		tr = c.Transport.(*http.Transport).Clone()
	}
	if tr == nil {
		tr = awshttp.NewBuildableClient().GetTransport()
	}
	tr.MaxIdleConns = 0 // no global cap; the per-host one applies
	tr.MaxIdleConnsPerHost = idleConnsPerWorkItem * o.MaxConnsPerHost
	// A plain http.Client over the transport, not the SDK's BuildableClient:
	// that one wraps the transport (to give 301/302 answers without a
	// Location back as they are, which net/http now does itself), and
	// net/http enforces Timeout over a transport it does not know with a
	// goroutine, a timer and two channels per request; over its own
	// Transport, with the request's context. Redirects are followed as the
	// SDK's client follows them.
	cfg.HTTPClient = &scanHTTPClient{http.Client{Timeout: o.CallTimeout, Transport: tr, CheckRedirect: limitedRedirect}}
	cfg.Retryer = func() aws.Retryer { return NewRetryer(o) }
	cfg.RetryMaxAttempts = 0
}

// scanHTTPClient is the HTTP client ConfigureClients makes, so that a
// second ConfigureClients of the same config keeps its transport.
type scanHTTPClient struct{ http.Client }

// limitedRedirect follows only 307 and 308 redirects, which keep the
// method, and drops the session token on a redirect to another host: the
// redirect policy of the SDK's BuildableClient
// (aws/transport/http.limitedRedirect, aws-sdk-go-v2 v1.47.7). Any other
// 3xx answer is returned to the SDK's deserializer as it is.
func limitedRedirect(r *http.Request, via []*http.Request) error {
	switch r.Response.StatusCode {
	case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		if len(via) > 0 && via[len(via)-1].URL.Host != r.URL.Host {
			r.Header.Del("X-Amz-Security-Token")
		}
		return nil
	}
	return http.ErrUseLastResponse
}

// idleConnsPerWorkItem is how many connections to one endpoint a work
// item of the scheduler may hold at once: collectors make independent
// calls side by side (GuardDuty's detector, statistics, coverage, findings
// and Malware Protection plans; CloudTrail's regions), so the calls in
// flight are several times the concurrency. With only one idle connection
// kept per work item, each burst closed the connections above it and the
// next dialled them again (the bench at 100 accounts × 4 regions: 2,087
// connections for 7,698 calls; 1,664 with 4).
const idleConnsPerWorkItem = 4

// NewRetryer is the SDK's standard retryer with more attempts, an
// exponential jittered backoff from o.BackoffBase, and no retry quota: the
// standard retryer's shared token bucket (500 tokens, 5 per retry) would
// starve under the load of an organization scan and turn throttles into
// errors while the service would have answered.
func NewRetryer(o ClientOptions) aws.RetryerV2 {
	o = o.withDefaults()
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = o.MaxAttempts
		so.MaxBackoff = o.MaxBackoff
		so.Backoff = jitterBackoff{base: o.BackoffBase, max: o.MaxBackoff}
		so.RateLimiter = ratelimit.None
	})
}

// jitterBackoff waits base·2^(attempt-1), capped at max, times a random
// factor in [0.5, 1) so that retries of many callers spread out.
type jitterBackoff struct{ base, max time.Duration }

func (b jitterBackoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := b.base << min(max(attempt-1, 0), 20)
	if d <= 0 || d > b.max {
		d = b.max
	}
	return time.Duration(float64(d) * (0.5 + rand.Float64()/2)), nil
}

// IsThrottle reports whether err is an AWS throttling error.
func IsThrottle(err error) bool {
	return retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary
}

// expiredCodes are the answers to credentials that expired or were revoked
// before the cache thought they would.
var expiredCodes = map[string]bool{
	"ExpiredToken": true, "ExpiredTokenException": true, "RequestExpired": true,
}

// refreshingRetryer retries a call whose session expired early (revoked,
// clock skew) once the account's credentials cache is invalidated, so the
// next attempt assumes the role again instead of failing the call.
type refreshingRetryer struct {
	aws.RetryerV2
	cache *aws.CredentialsCache
}

func (r refreshingRetryer) IsErrorRetryable(err error) bool {
	if expiredCodes[ErrorCode(err)] {
		r.cache.Invalidate()
		return true
	}
	return r.RetryerV2.IsErrorRetryable(err)
}

// targetConfig returns t's config with the scan's per-account client
// behaviour: rate limits keyed by the account, and credential refresh on
// an expired session.
func targetConfig(t Target, limiter *RateLimiter) aws.Config {
	cfg := t.Config.Copy()
	if limiter != nil {
		cfg.APIOptions = append(cfg.APIOptions[:len(cfg.APIOptions):len(cfg.APIOptions)], limiter.Middleware(t.AccountID))
	}
	if cache, ok := cfg.Credentials.(*aws.CredentialsCache); ok {
		base := cfg.Retryer
		cfg.Retryer = func() aws.Retryer {
			var inner aws.Retryer
			if base != nil {
				inner = base()
			} else {
				inner = retry.NewStandard()
			}
			v2, ok := inner.(aws.RetryerV2)
			if !ok {
				v2 = retry.NewStandard()
			}
			return refreshingRetryer{RetryerV2: v2, cache: cache}
		}
	}
	return cfg
}
