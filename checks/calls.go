package checks

import (
	"context"
	"sort"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// CallCounter counts the AWS API operations a scan makes, by IAM-style
// action ("securityhub:GetFindings"). Retries of one operation count once.
type CallCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

// NewCallCounter returns an empty counter.
func NewCallCounter() *CallCounter { return &CallCounter{counts: map[string]int{}} }

// Middleware is an APIOptions entry for aws.Config that counts every
// operation made through clients built from that config.
func (c *CallCounter) Middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("baseline/CountCalls",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			action := signingName(awsmiddleware.GetServiceID(ctx)) + ":" + awsmiddleware.GetOperationName(ctx)
			c.mu.Lock()
			c.counts[action]++
			c.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
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

// signingName maps the SDK's service ids to IAM service prefixes.
func signingName(serviceID string) string {
	switch serviceID {
	case "SecurityHub":
		return "securityhub"
	case "GuardDuty":
		return "guardduty"
	case "CloudTrail":
		return "cloudtrail"
	case "SSM":
		return "ssm"
	case "EC2":
		return "ec2"
	case "STS":
		return "sts"
	case "Organizations":
		return "organizations"
	case "Account":
		return "account"
	}
	return serviceID
}
