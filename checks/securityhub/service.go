package securityhub

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	awssecurityhub "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/baseline-scanner/baseline/checks"
)

// Service describes Security Hub to the scanner (see checks.Service).
var Service = checks.Service{
	Name:          service,
	SDKServiceIDs: map[string]string{"SecurityHub": service},
	Actions: []string{
		"securityhub:DescribeHub",
		"securityhub:DescribeSecurityHubV2", // the new Security Hub; GetFindingsV2 is authorized by securityhub:GetFindings
		"securityhub:GetEnabledStandards",
		"securityhub:GetFindingAggregator", // --collection auto|admin, as delegated administrator
		"securityhub:GetFindings",
		"securityhub:GetMembers",             // --collection auto|admin in a shard: the shard's accounts' membership
		"securityhub:ListFindingAggregators", // --collection auto|admin: is the caller an administrator with an aggregator?
		"securityhub:ListMembers",            // --collection auto|admin, as delegated administrator
		// --collection auto|admin: the organization id that scopes the
		// administrator's GetFindingsV2 (SH-63).
		"organizations:DescribeOrganization",
	},
	RateLimits: checks.RateLimits{
		// Security Hub API reference, "Throttling limits": GetFindings 3/s burst 6;
		// every other operation 10/s burst 30.
		"securityhub:GetFindings": {PerSecond: 3, Burst: 6},
		"securityhub:*":           {PerSecond: 10, Burst: 30},
	},
	New:      func() checks.Collector { return New() },
	Admin:    chooseAdmin,
	Coverage: coverage,
}

// chooseAdmin chooses how Security Hub findings are read: in auto and
// admin modes it looks for the caller's finding aggregator; auto falls
// back to direct collection without one, admin fails.
func chooseAdmin(ctx context.Context, env checks.AdminEnv) (checks.AdminCollection, error) {
	agg, err := DiscoverAggregation(ctx, func(region string) AdminAPI {
		return awssecurityhub.NewFromConfig(env.Caller, func(o *awssecurityhub.Options) { o.Region = region })
	}, env.Home, env.Accounts, env.Sharded() || env.AccountsPending)
	if err != nil {
		if env.Mode == ModeAdmin {
			return checks.AdminCollection{}, fmt.Errorf("--collection admin: %w; run as the Security Hub delegated administrator, or use --collection direct", err)
		}
		if !errors.Is(err, ErrNoAggregator) {
			env.Status(fmt.Sprintf("securityhub: %v; collecting each account directly", err))
		}
		return checks.AdminCollection{Collector: New()}, nil
	}
	if env.AccountsPending {
		return checks.AdminCollection{}, checks.ErrAccountsNeeded
	}
	env.Status(fmt.Sprintf("securityhub: findings of %d member account(s) from administrator %s in each region its aggregator in %s links (%s)", agg.Members(), agg.Admin, agg.Region, agg.LinkingMode))
	if !env.FromOrganization {
		// An invited member from outside the organization would be
		// missing from an organization-scoped stream (SH-63).
		env.Status("securityhub: exposure findings are read per account: the accounts were named, not listed from the organization")
		return aggregated(ctx, env, agg), nil
	}
	id, source := env.OrganizationID, " (from the account list)"
	if id == "" {
		org, err := organizations.NewFromConfig(env.Caller).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		if err != nil {
			env.Status(fmt.Sprintf("securityhub: the organization is unknown (organizations:DescribeOrganization: %v); exposure findings are read per account", err))
			return aggregated(ctx, env, agg), nil
		}
		id, source = aws.ToString(org.Organization.Id), ""
	}
	if id != "" {
		agg.ReadExposuresAsAdministrator(id)
		env.Status(fmt.Sprintf("securityhub: exposure findings of the members from administrator %s with GetFindingsV2 scoped to organization %s%s, per region", agg.Admin, id, source))
	}
	return aggregated(ctx, env, agg), nil
}

// aggregated starts reading the administrator's streams in the scan's
// regions (when they are known) and returns its collection, scheduled
// after the other services'.
func aggregated(ctx context.Context, env checks.AdminEnv, agg *Aggregation) checks.AdminCollection {
	background := env.Regions != nil
	if background {
		agg.Prefetch(ctx, env.Regions)
	}
	return checks.AdminCollection{Collector: NewAggregated(agg), Gaps: agg.Gaps, CoveredBy: "administrator", Background: background}
}

// coverage: enabled when DescribeHub succeeded, disabled when the account
// is not subscribed, error when not observed.
func coverage(acct *checks.AccountFacts, region string) checks.CoverageState {
	hub := acct.SecurityHub[region]
	switch {
	case hub == nil || hub.Enabled == nil:
		return checks.CoverageError
	case *hub.Enabled:
		return checks.CoverageEnabled
	}
	return checks.CoverageDisabled
}
