package checks_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
)

// sampleRegions are the regions of awssim.SampleWorld, sorted as the
// snapshot's scope lists them; worldRegions are the same in the world's order,
// as every account lists them.
var (
	sampleRegions = []string{"ap-northeast-1", "eu-west-1", "us-east-1"}
	worldRegions  = []string{"us-east-1", "eu-west-1", "ap-northeast-1"}
)

// sampleAccounts are the ACTIVE accounts of awssim.SampleWorld.
var sampleAccounts = []string{"111111111111", "222222222222", "333333333333", "444444444444"}

// sampleFaults are the errors the sample world's planned faults cause, by
// account, sorted as Collect sorts them.
var sampleFaults = map[string][]checks.CollectionError{
	"111111111111": {{
		AccountID: "111111111111", Region: "ap-northeast-1", Service: "guardduty", Operation: "ListDetectors",
		Code:    "AccessDeniedException",
		Message: "User: arn:aws:iam::111111111111:user/baseline-demo is not authorized to perform: guardduty:ListDetectors with an explicit deny in a service control policy",
	}},
	"222222222222": {{
		AccountID: "222222222222", Region: "ap-northeast-1", Service: "securityhub", Operation: "GetEnabledStandards",
		Code:    "AccessDeniedException",
		Message: "User: arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/baseline-scan is not authorized to perform: securityhub:GetEnabledStandards with an explicit deny in a permissions boundary",
	}},
	"333333333333": {
		{
			AccountID: "333333333333", Region: "eu-west-1", Service: "guardduty", Operation: "ListMalwareProtectionPlans",
			Code:    "AccessDeniedException",
			Message: "User: arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/baseline-scan is not authorized to perform: guardduty:ListMalwareProtectionPlans with an explicit deny in a service control policy",
		},
		{
			AccountID: "333333333333", Region: "eu-west-1", Service: "ssm", Operation: "DescribeInstanceInformation",
			Code:    "AccessDeniedException",
			Message: "User: arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/baseline-scan is not authorized to perform: ssm:* with an explicit deny in a service control policy",
		},
		{
			AccountID: "333333333333", Region: "us-east-1", Service: "securityhub", Operation: "DescribeHub",
			Code:    "AccessDeniedException",
			Message: "User: arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/baseline-scan is not authorized to perform: securityhub:* with an explicit deny in a service control policy",
		},
		{
			AccountID: "333333333333", Region: "us-east-1", Service: "securityhub", Operation: "DescribeSecurityHubV2",
			Code:    "AccessDeniedException",
			Message: "User: arn:aws:sts::333333333333:assumed-role/OrganizationAccountAccessRole/baseline-scan is not authorized to perform: securityhub:* with an explicit deny in a service control policy",
		},
	},
	"444444444444": {{
		AccountID: "444444444444", Region: "eu-west-1", Service: "cloudtrail", Operation: "DescribeTrails",
		Code:    "AccessDeniedException",
		Message: "User: arn:aws:sts::444444444444:assumed-role/OrganizationAccountAccessRole/baseline-scan is not authorized to perform: cloudtrail:DescribeTrails with an explicit deny in a service control policy",
	}},
}

var tool = checks.Tool{Name: "baseline", Version: "test"}

// startSample serves the sample organization with extra faults and returns
// it with the targets of an --org scan of every region.
func startSample(t *testing.T, faults ...awssim.Fault) (*awssim.Server, []checks.Target) {
	t.Helper()
	w, err := awssim.SampleWorld()
	if err != nil {
		t.Fatal(err)
	}
	srv, cfg := awssimtest.StartWorld(t, w)
	for _, f := range faults {
		if err := srv.AddFault(f); err != nil {
			t.Fatal(err)
		}
	}
	targets, err := discover(t.Context(), cfg, checks.TargetOptions{Org: true, Regions: slices.Clone(w.Regions)})
	if err != nil {
		t.Fatal(err)
	}
	return srv, targets
}

func collect(ctx context.Context, targets []checks.Target, concurrency int) *checks.Snapshot {
	return checks.Collect(ctx, targets, checks.CollectOptions{
		Collectors: allCollectors(), Concurrency: concurrency, Tool: tool, Now: awssimtest.Clock,
	})
}

func TestCollectSampleWorld(t *testing.T) {
	t.Parallel()
	srv, targets := startSample(t)
	snap := collect(t.Context(), targets, 0)

	if snap.SchemaVersion != checks.SnapshotSchemaVersion || snap.Tool != tool || !snap.CollectedAt.Equal(awssimtest.Now) {
		t.Errorf("header = %q %+v %v, want %q %+v %v", snap.SchemaVersion, snap.Tool, snap.CollectedAt, checks.SnapshotSchemaVersion, tool, awssimtest.Now)
	}
	awssimtest.Equal(t, "scope", snap.Scope, checks.Scope{Accounts: sampleAccounts, Regions: sampleRegions})

	var ids []string
	for _, a := range snap.Accounts {
		ids = append(ids, a.AccountID)
		if a.AccountName == "" {
			t.Errorf("account %s has no name", a.AccountID)
		}
		if !slices.Equal(a.Regions, worldRegions) {
			t.Errorf("account %s regions = %v, want %v", a.AccountID, a.Regions, worldRegions)
		}
		// Every region observed by every regional collector, even where a
		// call failed: a failed call is a null fact, not a missing region.
		for _, r := range sampleRegions {
			if a.SecurityHub[r] == nil || a.GuardDuty[r] == nil || a.SSM[r] == nil {
				t.Errorf("account %s region %s: securityhub %v, guardduty %v, ssm %v; want all set", a.AccountID, r, a.SecurityHub[r], a.GuardDuty[r], a.SSM[r])
			}
		}
		if len(a.SecurityHub) != 3 || len(a.GuardDuty) != 3 || len(a.SSM) != 3 {
			t.Errorf("account %s: %d, %d, %d regions of securityhub, guardduty, ssm; want 3 each", a.AccountID, len(a.SecurityHub), len(a.GuardDuty), len(a.SSM))
		}
		if a.CloudTrail == nil || a.CloudTrail.Trails == nil {
			t.Errorf("account %s: cloudtrail %+v, want trails observed", a.AccountID, a.CloudTrail)
		}
		awssimtest.Equal(t, "errors of "+a.AccountID, a.Errors, sampleFaults[a.AccountID])
	}
	awssimtest.Equal(t, "accounts", ids, sampleAccounts)

	// Where a fault hit, exactly that fact is null.
	byID := map[string]checks.AccountFacts{}
	for _, a := range snap.Accounts {
		byID[a.AccountID] = a
	}
	awssimtest.Equal(t, "111111111111 guardduty ap-northeast-1", byID["111111111111"].GuardDuty["ap-northeast-1"], &checks.GuardDutyRegion{MalwareProtectionPlans: []checks.MalwareProtectionPlan{}}) // the SCP denies ListDetectors only
	prodTokyo := byID["222222222222"].SecurityHub["ap-northeast-1"]
	awssimtest.Equal(t, "222222222222 securityhub ap-northeast-1", prodTokyo, &checks.SecurityHubRegion{
		Enabled: aws.Bool(true), HubARN: "arn:aws:securityhub:ap-northeast-1:222222222222:hub/default", Findings: []checks.SecurityHubFinding{},
		V2Enabled: aws.Bool(false),
	})
	awssimtest.Equal(t, "333333333333 securityhub us-east-1", byID["333333333333"].SecurityHub["us-east-1"], &checks.SecurityHubRegion{})
	awssimtest.Equal(t, "333333333333 securityhub ap-northeast-1", byID["333333333333"].SecurityHub["ap-northeast-1"], &checks.SecurityHubRegion{Enabled: aws.Bool(false), V2Enabled: aws.Bool(false)})
	awssimtest.Equal(t, "333333333333 ssm eu-west-1", byID["333333333333"].SSM["eu-west-1"], &checks.SSMRegion{
		Instances: []checks.EC2Instance{{InstanceID: "i-06b0d2e8a5c7f9413", State: "running", Name: "staging-eu-web-1", Platform: "Linux/UNIX", Tags: map[string]string{"Name": "staging-eu-web-1", "env": "staging", "team": "storefront"}}},
	})
	var sandboxTrails []string
	for _, tr := range byID["444444444444"].CloudTrail.Trails {
		sandboxTrails = append(sandboxTrails, tr.ARN)
	}
	awssimtest.Equal(t, "444444444444 trails", sandboxTrails, []string{"arn:aws:cloudtrail:us-east-1:111111111111:trail/acme-org-trail"})

	calls := srv.Calls()
	for _, c := range []struct {
		call awssim.Call
		want int
	}{
		{awssim.Call{Service: "sts", Operation: "GetCallerIdentity"}, 1},
		{awssim.Call{Service: "organizations", Operation: "ListAccounts"}, 1},
		{awssim.Call{Service: "sts", Operation: "AssumeRole"}, 3},
		{awssim.Call{Account: "111111111111", Region: "ap-northeast-1", Service: "guardduty", Operation: "ListDetectors"}, 1}, // a denial is not retried
		{awssim.Call{Account: "555555555555"}, 0},
	} {
		if got := calls.Count(c.call); got != c.want {
			t.Errorf("calls %+v = %d, want %d", c.call, got, c.want)
		}
	}
}

// TestCollectDeterministic collects the sample world three times: twice on
// one server (concurrent, then one item at a time) and once on another. The
// snapshots are identical.
func TestCollectDeterministic(t *testing.T) {
	t.Parallel()
	_, targets := startSample(t)
	first := awssimtest.JSON(t, collect(t.Context(), targets, 0))
	second := awssimtest.JSON(t, collect(t.Context(), targets, 1))
	_, otherTargets := startSample(t)
	third := awssimtest.JSON(t, collect(t.Context(), otherTargets, 0))
	awssimtest.Equal(t, "second snapshot", second, first)
	awssimtest.Equal(t, "snapshot from another server", third, first)
}

// TestCollectAssumeRoleDenied denies the role of one account: that account
// has one STS error and no facts, the others are untouched.
func TestCollectAssumeRoleDenied(t *testing.T) {
	t.Parallel()
	_, baseTargets := startSample(t)
	base := collect(t.Context(), baseTargets, 0)

	const staging = "333333333333"
	const message = "User: arn:aws:iam::111111111111:user/awssim is not authorized to perform: sts:AssumeRole with an explicit deny"
	srv, targets := startSample(t, awssim.Fault{Account: staging, Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: message})
	snap := collect(t.Context(), targets, 0)

	if len(snap.Accounts) != len(base.Accounts) {
		t.Fatalf("%d accounts, want %d", len(snap.Accounts), len(base.Accounts))
	}
	for i, a := range snap.Accounts {
		if a.AccountID != staging {
			awssimtest.Equal(t, "account "+a.AccountID, a, base.Accounts[i])
			continue
		}
		awssimtest.Equal(t, "account "+a.AccountID, a, checks.AccountFacts{
			AccountID: staging, AccountName: "staging", Regions: worldRegions,
			Errors: []checks.CollectionError{{
				AccountID: staging, Region: checks.Global, Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: message,
			}},
		})
	}
	if n := srv.Calls().Count(awssim.Call{Account: staging}); n != 0 {
		t.Errorf("%d calls acted in %s, want none", n, staging)
	}
}

// TestCollectAssumeRoleDeniedRegionScope: an account whose role is denied
// keeps the regions the scan named, minus --exclude-regions; with `all` it
// has none, since its enabled regions cannot be listed.
func TestCollectAssumeRoleDeniedRegionScope(t *testing.T) {
	const staging = "333333333333"
	tests := []struct {
		name  string
		scope checks.RegionScope
		want  []string
	}{
		{"named regions", checks.RegionScope{}, worldRegions},
		{"named regions minus excluded", checks.RegionScope{Exclude: []string{"eu-west-1"}}, []string{"us-east-1", "ap-northeast-1"}},
		{"all regions", checks.RegionScope{All: true}, nil},
		{"all regions minus excluded", checks.RegionScope{All: true, Exclude: []string{"eu-west-1"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, targets := startSample(t, awssim.Fault{Account: staging, Service: "sts", Operation: "AssumeRole", Code: "AccessDenied"})
			if tt.scope.All {
				for i := range targets {
					targets[i].Regions = nil
				}
			}
			snap := checks.Collect(t.Context(), targets, checks.CollectOptions{
				Collectors: allCollectors(), Tool: tool, Now: awssimtest.Clock, Regions: tt.scope,
			})
			for _, a := range snap.Accounts {
				if a.AccountID != staging {
					if slices.Contains(a.Regions, "eu-west-1") == slices.Contains(tt.scope.Exclude, "eu-west-1") {
						t.Errorf("account %s: regions %v with exclusions %v", a.AccountID, a.Regions, tt.scope.Exclude)
					}
					continue
				}
				awssimtest.Equal(t, "regions of "+staging, a.Regions, tt.want)
			}
		})
	}
}

// TestCollectCancelled cancels the context of a collection before it starts
// and while calls hang: Collect returns promptly, and what was not observed
// is an error of code Canceled.
func TestCollectCancelled(t *testing.T) {
	t.Run("before the collection", func(t *testing.T) {
		t.Parallel()
		_, targets := startSample(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		snap := collectWithin(t, ctx, targets, 30*time.Second)
		for _, a := range snap.Accounts {
			if len(a.Errors) == 0 {
				t.Errorf("account %s has no error", a.AccountID)
			}
			for _, e := range a.Errors {
				if e.Code != "Canceled" {
					t.Errorf("account %s: error %+v, want code Canceled", a.AccountID, e)
				}
			}
		}
	})
	t.Run("while calls are in flight", func(t *testing.T) {
		t.Parallel()
		srv, targets := startSample(t, awssim.Fault{Service: "securityhub", Latency: "10m"})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go func() {
			// Cancel once every account's DescribeHub hangs in every region.
			want := len(sampleAccounts) * len(sampleRegions)
			for srv.Calls().Count(awssim.Call{Service: "securityhub", Operation: "DescribeHub"}) < want && ctx.Err() == nil {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
		}()
		snap := collectWithin(t, ctx, targets, 60*time.Second)
		for _, a := range snap.Accounts {
			// DescribeHub was cancelled in every region. Other collectors
			// may or may not have finished when the cancel came: their
			// errors are the sample's faults or cancellations.
			var hub, others []checks.CollectionError
			for _, e := range a.Errors {
				switch {
				case e.Service == "securityhub":
					e.Message = "" // the SDK's wording
					hub = append(hub, e)
				case e.Code != "Canceled" && !slices.Contains(sampleFaults[a.AccountID], e):
					others = append(others, e)
				}
			}
			var want []checks.CollectionError
			for _, r := range sampleRegions {
				want = append(want, checks.CollectionError{AccountID: a.AccountID, Region: r, Service: "securityhub", Operation: "DescribeHub", Code: "Canceled"},
					checks.CollectionError{AccountID: a.AccountID, Region: r, Service: "securityhub", Operation: "DescribeSecurityHubV2", Code: "Canceled"})
				awssimtest.Equal(t, "securityhub "+r+" of "+a.AccountID, a.SecurityHub[r], &checks.SecurityHubRegion{})
			}
			awssimtest.Equal(t, "securityhub errors of "+a.AccountID, hub, want)
			if others != nil {
				t.Errorf("account %s: errors %+v are neither planned nor cancellations", a.AccountID, others)
			}
		}
	})
}

// collectWithin fails the test when Collect has not returned within limit.
func collectWithin(t *testing.T, ctx context.Context, targets []checks.Target, limit time.Duration) *checks.Snapshot {
	t.Helper()
	done := make(chan *checks.Snapshot, 1)
	go func() { done <- collect(ctx, targets, 0) }()
	select {
	case snap := <-done:
		return snap
	case <-time.After(limit):
		t.Fatalf("Collect did not return within %v of a cancelled context", limit)
		return nil
	}
}
