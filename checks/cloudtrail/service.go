package cloudtrail

import (
	"slices"

	"github.com/baseline-scanner/baseline/checks"
)

// Service describes CloudTrail to the scanner (see checks.Service).
var Service = checks.Service{
	Name:          service,
	SDKServiceIDs: map[string]string{"CloudTrail": service},
	Actions: []string{
		"cloudtrail:DescribeTrails",
		"cloudtrail:GetEventSelectors",
		"cloudtrail:GetTrailStatus",
	},
	RateLimits: checks.RateLimits{
		// CloudTrail quotas (AWS General Reference, "AWS CloudTrail endpoints and
		// quotas"): DescribeTrails, GetTrailStatus, GetEventSelectors 10 TPS.
		"cloudtrail:*": {PerSecond: 10, Burst: 10},
	},
	New:      func() checks.Collector { return New() },
	Coverage: coverage,
}

// coverage: enabled when a logging trail covers the region (a multi-region
// trail, organization trails included, or one homed there), disabled when
// none does, error when the trails or a candidate's status were not
// observed.
func coverage(acct *checks.AccountFacts, region string) checks.CoverageState {
	if acct.CloudTrail == nil || acct.CloudTrail.Trails == nil {
		return checks.CoverageError
	}
	unobserved := slices.ContainsFunc(acct.Errors, func(e checks.CollectionError) bool {
		return e.Action() == "cloudtrail:DescribeTrails" && e.Region == region
	})
	for _, t := range acct.CloudTrail.Trails {
		if !t.IsMultiRegion && t.HomeRegion != region {
			continue
		}
		if t.Status == nil {
			unobserved = true
			continue
		}
		if t.Status.IsLogging {
			return checks.CoverageEnabled
		}
	}
	if unobserved {
		return checks.CoverageError
	}
	return checks.CoverageDisabled
}
