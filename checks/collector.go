package checks

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Target is one account to collect from, with credentials that act in it.
type Target struct {
	AccountID   string
	AccountName string
	// Team is the value of the account's team tag in AWS Organizations
	// (TargetOptions.TeamTag); empty when untagged or not looked up.
	Team string
	// Errors are discovery failures about this account (e.g. its tags
	// could not be read); the scheduler records them in the snapshot.
	Errors []CollectionError
	// Regions are the regions in scope for this account.
	Regions []string
	// Config carries the account's credentials (a cached AssumeRole provider
	// for member accounts); collectors set the region per client.
	Config aws.Config
}

// Collector observes one AWS service. It returns a partial AccountFacts that
// holds only its own service's facts and the errors it met; the scheduler
// merges the parts. A collector never fails as a whole: every failed call is a
// CollectionError in the returned facts.
type Collector interface {
	// Service is the IAM service prefix the collector calls, e.g. "guardduty".
	Service() string
	// Regional collectors are called once per region with Target.Regions
	// holding that one region; account-wide ones once with every region.
	Regional() bool
	Collect(ctx context.Context, t Target) AccountFacts
}

// Merge copies the facts and errors of part into dst. Parts come from
// different collectors or regions, so they never set the same map key.
func (dst *AccountFacts) Merge(part AccountFacts) {
	dst.SecurityHub = mergeRegions(dst.SecurityHub, part.SecurityHub)
	dst.GuardDuty = mergeRegions(dst.GuardDuty, part.GuardDuty)
	dst.SSM = mergeRegions(dst.SSM, part.SSM)
	if part.CloudTrail != nil {
		dst.CloudTrail = part.CloudTrail
	}
	for name, f := range part.Other {
		if cur := dst.Other[name]; cur != nil {
			cur.MergeFacts(f)
			continue
		}
		if dst.Other == nil {
			dst.Other = OtherFacts{}
		}
		dst.Other[name] = f
	}
	dst.Errors = append(dst.Errors, part.Errors...)
}

func mergeRegions[T any](dst, src map[string]*T) map[string]*T {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]*T, len(src))
	}
	for region, facts := range src {
		dst[region] = facts
	}
	return dst
}
