package policies

import (
	"cmp"
	"slices"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// coverage is each service's state in each account and in-scope region:
//   - securityhub: enabled when DescribeHub succeeded, disabled when the
//     account is not subscribed;
//   - guardduty: enabled when a detector's status is ENABLED, disabled when
//     there is no detector or none is enabled;
//   - cloudtrail: enabled when a logging trail covers the region (a
//     multi-region trail, organization trails included, or one homed there),
//     disabled when none does;
//   - ssm: enabled when every running EC2 instance is a managed node (a
//     region without running instances included), disabled when at least
//     one is not managed. Stopped instances are never managed nodes: AWS
//     does not list them (DescribeInstanceInformation).
//
// The state is error when the facts it needs were not observed, or when the
// account's credentials failed (an STS error).
func coverage(snap *checks.Snapshot) []report.Coverage {
	out := []report.Coverage{}
	for i := range snap.Accounts {
		acct := &snap.Accounts[i]
		stsFailed := slices.ContainsFunc(acct.Errors, func(e checks.CollectionError) bool { return e.Service == "sts" })
		for _, region := range acct.Regions {
			states := map[string]report.CoverageState{
				"securityhub": securityHubCoverage(acct, region),
				"guardduty":   guardDutyCoverage(acct, region),
				"cloudtrail":  cloudTrailCoverage(acct, region),
				"ssm":         ssmCoverage(acct, region),
			}
			for service, state := range states {
				if stsFailed {
					state = report.CoverageError
				}
				out = append(out, report.Coverage{AccountID: acct.AccountID, Region: region, Service: service, State: state})
			}
		}
	}
	slices.SortFunc(out, func(a, b report.Coverage) int {
		return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Service, b.Service))
	})
	return out
}

func securityHubCoverage(acct *checks.AccountFacts, region string) report.CoverageState {
	hub := acct.SecurityHub[region]
	switch {
	case hub == nil || hub.Enabled == nil:
		return report.CoverageError
	case *hub.Enabled:
		return report.CoverageEnabled
	}
	return report.CoverageDisabled
}

func guardDutyCoverage(acct *checks.AccountFacts, region string) report.CoverageState {
	gd := acct.GuardDuty[region]
	if gd == nil || gd.Detectors == nil {
		return report.CoverageError
	}
	for _, d := range gd.Detectors {
		if d.Status == "ENABLED" {
			return report.CoverageEnabled
		}
	}
	return report.CoverageDisabled
}

func cloudTrailCoverage(acct *checks.AccountFacts, region string) report.CoverageState {
	if acct.CloudTrail == nil || acct.CloudTrail.Trails == nil {
		return report.CoverageError
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
			return report.CoverageEnabled
		}
	}
	if unobserved {
		return report.CoverageError
	}
	return report.CoverageDisabled
}

func ssmCoverage(acct *checks.AccountFacts, region string) report.CoverageState {
	facts := acct.SSM[region]
	if facts == nil || facts.Instances == nil || facts.ManagedNodes == nil {
		return report.CoverageError
	}
	managed := make(map[string]bool, len(facts.ManagedNodes))
	for _, n := range facts.ManagedNodes {
		managed[n.InstanceID] = true
	}
	for _, i := range facts.Instances {
		if i.State == "running" && !managed[i.InstanceID] {
			return report.CoverageDisabled
		}
	}
	return report.CoverageEnabled
}
