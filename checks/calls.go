package checks

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// CallCounter counts the AWS API operations a scan makes, by IAM-style
// action ("securityhub:GetFindings"). Retries of one operation count once;
// they are counted apart, by service, with the throttling errors met.
type CallCounter struct {
	mu        sync.Mutex
	counts    map[string]int
	attempts  map[string]int // by service: every HTTP attempt, retries included
	throttled map[string]int // by service: attempts answered with a throttling error
	failed    map[string]int // by service: operations that failed after their retries
}

// NewCallCounter returns an empty counter.
func NewCallCounter() *CallCounter {
	return &CallCounter{counts: map[string]int{}, attempts: map[string]int{}, throttled: map[string]int{}, failed: map[string]int{}}
}

// Middleware returns an APIOptions entry for aws.Config that counts every
// operation made through clients built from that config, and every attempt
// inside the SDK's retry loop, by the IAM prefix names gives the client's
// SDK service id (SigningNamesOf).
func (c *CallCounter) Middleware(names SigningNames) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error { return c.middleware(names, stack) }
}

func (c *CallCounter) middleware(names SigningNames, stack *middleware.Stack) error {
	err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("baseline/CountCalls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			svc := names.Of(awsmiddleware.GetServiceID(ctx))
			action := svc + ":" + awsmiddleware.GetOperationName(ctx)
			c.mu.Lock()
			c.counts[action]++
			c.mu.Unlock()
			out, md, err := next.HandleInitialize(ctx, in)
			if err != nil {
				c.mu.Lock()
				c.failed[svc]++
				c.mu.Unlock()
			}
			return out, md, err
		}), middleware.After)
	if err != nil {
		return err
	}
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("baseline/CountAttempts",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			svc := names.Of(awsmiddleware.GetServiceID(ctx))
			out, md, err := next.HandleFinalize(ctx, in)
			c.mu.Lock()
			c.attempts[svc]++
			if err != nil && IsThrottle(err) {
				c.throttled[svc]++
			}
			c.mu.Unlock()
			return out, md, err
		}), "Retry", middleware.After)
}

// ServiceStats are one service's call counts.
type ServiceStats struct {
	Service   string `json:"service"`
	Calls     int    `json:"calls"`     // operations, a retried one once
	Retries   int    `json:"retries"`   // attempts beyond the first
	Throttled int    `json:"throttled"` // attempts answered with a throttling error
	Failed    int    `json:"failed"`    // operations that failed after their retries
}

// ByService returns the counts by service, sorted by service.
func (c *CallCounter) ByService() []ServiceStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	by := map[string]*ServiceStats{}
	get := func(svc string) *ServiceStats {
		if by[svc] == nil {
			by[svc] = &ServiceStats{Service: svc}
		}
		return by[svc]
	}
	for action, n := range c.counts {
		svc, _, _ := strings.Cut(action, ":")
		get(svc).Calls += n
	}
	for svc, n := range c.attempts {
		get(svc).Retries += n
	}
	for svc, s := range by {
		s.Retries = max(0, s.Retries-s.Calls)
		s.Throttled = c.throttled[svc]
		s.Failed = c.failed[svc]
	}
	out := make([]ServiceStats, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b ServiceStats) int { return strings.Compare(a.Service, b.Service) })
	return out
}

// Retries is the number of attempts beyond the first of each operation.
func (c *CallCounter) Retries() int {
	n := 0
	for _, s := range c.ByService() {
		n += s.Retries
	}
	return n
}

// Counts returns a copy of the counts by action.
func (c *CallCounter) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// Total is the number of operations counted.
func (c *CallCounter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.counts {
		n += v
	}
	return n
}

// Actions lists the actions counted, sorted.
func (c *CallCounter) Actions() []string {
	counts := c.Counts()
	out := make([]string, 0, len(counts))
	for k := range counts {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Count is the number of operations of one action made so far, e.g.
// Count("sts:AssumeRole").
func (c *CallCounter) Count(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[action]
}
