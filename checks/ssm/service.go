package ssm

import (
	"context"
	"errors"
	"fmt"
	"time"

	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/baseline-scanner/baseline/checks"
)

// Service describes Systems Manager (and the EC2 instances it should
// manage) to the scanner (see checks.Service).
var Service = checks.Service{
	Name:          "ssm",
	SDKServiceIDs: map[string]string{"SSM": "ssm", "EC2": "ec2"},
	Actions: []string{
		"ec2:DescribeInstances",
		"ssm:DescribeInstanceInformation",
		"ssm:DescribeInstancePatchStates",
		// --collection auto|admin: the delegated administrator's node
		// inventory (AWS-QuickSetup-ManagedNode sync).
		"ssm:ListNodes",
		"ssm:ListNodesSummary",
		"ssm:ListResourceDataSync",
	},
	RateLimits: checks.RateLimits{
		// Systems Manager's Describe* throughput quotas are at least 10 TPS
		// (Service Quotas, "Systems Manager"); 10/s burst 20, conservative.
		"ssm:*": {PerSecond: 10, Burst: 20},
	},
	// Managed nodes and patch states; EC2 instances.
	FactSources: []string{"ssm", "ec2"},
	New:         func() checks.Collector { return New() },
	Admin:       chooseAdmin,
	Coverage:    coverage,
}

// coverage: enabled when every running EC2 instance is a managed node (a
// region without running instances included), disabled when at least one
// is not managed, error when not observed. Stopped instances are never
// managed nodes: AWS does not list them (DescribeInstanceInformation).
func coverage(acct *checks.AccountFacts, region string) checks.CoverageState {
	facts := acct.SSM[region]
	if facts == nil || facts.Instances == nil || facts.ManagedNodes == nil {
		return checks.CoverageError
	}
	managed := make(map[string]bool, len(facts.ManagedNodes))
	for _, n := range facts.ManagedNodes {
		managed[n.InstanceID] = true
	}
	for _, i := range facts.Instances {
		if i.State == "running" && !managed[i.InstanceID] {
			return checks.CoverageDisabled
		}
	}
	return checks.CoverageEnabled
}

// chooseAdmin chooses how Systems Manager nodes are read, in auto and admin
// modes alike: through the caller's node inventory (the Systems Manager
// delegated administrator's AWS-QuickSetup-ManagedNode sync in the home
// region) when it has one, else directly. The inventory never stands for
// a region's facts: it only spares the reads of regions without nodes, so
// --collection admin does not require it.
func chooseAdmin(ctx context.Context, env checks.AdminEnv) (checks.AdminCollection, error) {
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	maxAge := env.SyncMaxAge
	if maxAge <= 0 {
		maxAge = DefaultSyncMaxAge
	}
	api := awsssm.NewFromConfig(env.Caller, func(o *awsssm.Options) { o.Region = env.Home })
	inv, err := DiscoverInventory(ctx, api, InventoryOptions{Home: env.Home, Accounts: env.Accounts, Regions: env.Regions, Now: now(), MaxAge: maxAge})
	if err != nil {
		if !errors.Is(err, ErrNoSync) {
			env.Status(fmt.Sprintf("ssm: %v; collecting each account directly", err))
		}
		return checks.AdminCollection{Collector: New()}, nil
	}
	if env.AccountsPending {
		// Whether the inventory is read, and for which cells, depends on
		// the accounts.
		return checks.AdminCollection{}, checks.ErrAccountsNeeded
	}
	env.Status(inv.Describe(env.Home, now()))
	if inv.unusable == "" && !inv.listed { // too many nodes to be worth listing
		return checks.AdminCollection{Collector: New()}, nil
	}
	return checks.AdminCollection{Collector: NewInventoried(inv), Gaps: inv.Gaps, CoveredBy: "node inventory"}, nil
}
