package guardduty

import (
	"context"
	"errors"
	"fmt"

	awsguardduty "github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/smithy-go"

	"github.com/baseline-scanner/baseline/checks"
)

// Service describes GuardDuty to the scanner (see checks.Service).
var Service = checks.Service{
	Name:          service,
	SDKServiceIDs: map[string]string{"GuardDuty": service},
	Actions: []string{
		"guardduty:DescribeOrganizationConfiguration", // --collection auto|admin, from the administrator: guardduty.org_auto_enable
		"guardduty:GetDetector",
		"guardduty:GetFindings",
		"guardduty:GetFindingsStatistics",
		"guardduty:GetMalwareProtectionPlan",
		"guardduty:ListCoverage",
		"guardduty:ListDetectors",
		"guardduty:ListFindings",
		"guardduty:ListMalwareProtectionPlans",
		"guardduty:GetMembers",  // --collection auto|admin in a shard: the shard's accounts' membership
		"guardduty:ListMembers", // --collection auto|admin: is the caller the GuardDuty administrator?
	},
	RateLimits: checks.RateLimits{
		// GuardDuty publishes no per-operation API rates; 10/s burst 20 is below
		// what it sustains in practice (conservative).
		"guardduty:*": {PerSecond: 10, Burst: 20},
	},
	New:      func() checks.Collector { return New() },
	Admin:    chooseAdmin,
	Coverage: coverage,
}

// chooseAdmin chooses how GuardDuty findings are read: in auto and admin
// modes it asks whether the caller is the GuardDuty administrator with
// members; auto falls back to direct collection when it is not, admin
// fails.
func chooseAdmin(ctx context.Context, env checks.AdminEnv) (checks.AdminCollection, error) {
	// With the accounts still being listed, the caller's own membership
	// decides: the members are looked up by id among no accounts, then one
	// entry of ListMembers says whether the caller administers any account
	// (the same two calls as listing members that are not there).
	byID := env.Sharded() || env.AccountsPending
	admin, err := DiscoverAdministration(ctx, func(region string) AdminAPI {
		return awsguardduty.NewFromConfig(env.Caller, func(o *awsguardduty.Options) { o.Region = region })
	}, env.Home, env.Accounts, byID)
	if err != nil {
		if env.Mode == checks.ModeAdmin {
			return checks.AdminCollection{}, fmt.Errorf("--collection admin: %w; run as the GuardDuty delegated administrator, or use --collection direct", err)
		}
		if !errors.Is(err, ErrNotAdministrator) {
			env.Status(fmt.Sprintf("guardduty: %v; collecting each account directly", err))
		}
		// A call that failed leaves open whether the caller administers
		// GuardDuty: the organization configuration is then unknown, not
		// absent (GD-43).
		var oe *smithy.OperationError
		if errors.As(err, &oe) {
			return checks.AdminCollection{Collector: Collector{adminUnknown: &adminUnknown{op: oe.Operation(), err: err}}}, nil
		}
		return checks.AdminCollection{Collector: New()}, nil
	}
	if env.AccountsPending {
		return checks.AdminCollection{}, checks.ErrAccountsNeeded
	}
	env.Status(fmt.Sprintf("guardduty: findings of %d member account(s) in %s from administrator %s's detector", admin.Members(ctx, env.Home), env.Home, admin.Admin))
	return checks.AdminCollection{Collector: NewAdministered(admin), Gaps: admin.Gaps, CoveredBy: "administrator"}, nil
}

// coverage: enabled when a detector's status is ENABLED, disabled when
// there is no detector or none is enabled, error when not observed.
func coverage(acct *checks.AccountFacts, region string) checks.CoverageState {
	gd := acct.GuardDuty[region]
	if gd == nil || gd.Detectors == nil {
		return checks.CoverageError
	}
	for _, d := range gd.Detectors {
		if d.Status == "ENABLED" {
			return checks.CoverageEnabled
		}
	}
	return checks.CoverageDisabled
}
