package checks_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	awsguardduty "github.com/aws/aws-sdk-go-v2/service/guardduty"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/guardduty"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
	"github.com/baseline-scanner/baseline/policies"
)

const (
	gdAdmin      = "100000000000"
	gdNonMember  = "199999999999"
	gdUnassoc    = "200000000001"
	gdMemberSize = 60 // more than one 50-account read
)

// gdAdminWorld: the management account administers GuardDuty; every
// account has a detector with findings (high, low, archived) in every
// region but ap-southeast-2 for odd accounts; one account is not a member,
// one is not associated.
func gdAdminWorld() string {
	var b strings.Builder
	fmt.Fprintf(&b, "regions: [us-east-1, eu-west-1, ap-southeast-2]\ndelegated_admin:\n  guardduty: %q\n  not_members: [%q]\n  guardduty_not_associated: [%q]\naccounts:\n", gdAdmin, gdNonMember, gdUnassoc)
	ids := []string{gdAdmin, gdNonMember}
	for i := 1; i <= gdMemberSize; i++ {
		ids = append(ids, fmt.Sprintf("2000000000%02d", i))
	}
	for i, id := range ids {
		fmt.Fprintf(&b, "  - id: %q\n    name: acct-%d\n    management: %t\n    regions:\n", id, i, id == gdAdmin)
		for j, r := range aggRegions {
			if r == "ap-southeast-2" && i%2 == 1 {
				continue
			}
			status := "ENABLED"
			if (i+j)%5 == 4 {
				status = "DISABLED"
			}
			coverage := "HEALTHY"
			if (i+j)%3 == 0 {
				coverage = "UNHEALTHY"
			}
			fmt.Fprintf(&b, "      %s:\n        guardduty:\n          detectors:\n            - status: %s\n              features: {S3_DATA_EVENTS: %s}\n              coverage: [{type: EC2, name: i-0%s%d, status: %s, issue: no agent}]\n              findings:\n", r, status, status, id, j, coverage)
			for k := 0; k < (i+j)%4; k++ {
				fmt.Fprintf(&b, "                - {id: %s%s%d, type: \"Recon:EC2/PortProbeUnprotectedPort\", title: probe, severity: %s, archived: %t, updated: \"2026-01-0%dT00:00:00Z\", resource: {type: Instance, id: i-0123456789abcdef%d}}\n",
					id[8:], strings.ReplaceAll(r, "-", ""), k, []string{"8.5", "2.5", "9.5"}[k], k == 1, k+1, k)
			}
		}
	}
	return b.String()
}

func collectGuardDuty(t *testing.T, admin bool) (*checks.Snapshot, awssim.CallCounts) {
	return collectGuardDutyShard(t, admin, false, nil)
}

// collectGuardDutyShard collects the accounts keep keeps (all when nil),
// through the administrator when admin, its members looked up among them
// (GetMembers) when byID.
func collectGuardDutyShard(t *testing.T, admin, byID bool, keep func(string) bool) (*checks.Snapshot, awssim.CallCounts) {
	t.Helper()
	srv, cfg := awssimtest.Start(t, gdAdminWorld())
	ctx := t.Context()
	targets, err := discover(ctx, cfg, checks.TargetOptions{Org: true, Regions: aggRegions})
	if err != nil {
		t.Fatal(err)
	}
	if keep != nil {
		targets = slices.DeleteFunc(targets, func(tg checks.Target) bool { return !keep(tg.AccountID) })
	}
	gd := guardduty.New()
	var adm *guardduty.Administration
	if admin {
		var accounts []string
		for _, tg := range targets {
			accounts = append(accounts, tg.AccountID)
		}
		adm, err = guardduty.DiscoverAdministration(ctx, func(region string) guardduty.AdminAPI {
			return awsguardduty.NewFromConfig(cfg, func(o *awsguardduty.Options) { o.Region = region })
		}, "us-east-1", accounts, byID)
		if err != nil {
			t.Fatal(err)
		}
		gd = guardduty.NewAdministered(adm)
	}
	snap := checks.Collect(ctx, targets, checks.CollectOptions{Collectors: []checks.Collector{gd}, Tool: tool, Now: awssimtest.Clock})
	if adm != nil {
		snap.CoverageGaps = adm.Gaps()
	}
	return snap, srv.Calls()
}

func TestGuardDutyAdministratorGivesTheSameFactsAndVerdicts(t *testing.T) {
	direct, directCalls := collectGuardDuty(t, false)
	admin, adminCalls := collectGuardDuty(t, true)
	high := 0
	// The organization configuration is read from the administrator only
	// (GD-43): observed on it in every region, absent from the direct scan.
	for _, a := range admin.Accounts {
		for region, r := range a.GuardDuty {
			if got := r.Organization != nil; got != (a.AccountID == gdAdmin) {
				t.Errorf("%s %s: organization configuration observed = %t", a.AccountID, region, got)
			}
			r.Organization = nil
		}
	}
	for i := range direct.Accounts {
		awssimtest.Equal(t, "guardduty facts of "+direct.Accounts[i].AccountID, admin.Accounts[i].GuardDuty, direct.Accounts[i].GuardDuty)
		awssimtest.Equal(t, "errors of "+direct.Accounts[i].AccountID, admin.Accounts[i].Errors, direct.Accounts[i].Errors)
		for _, r := range direct.Accounts[i].GuardDuty {
			high += len(r.HighFindings)
		}
	}
	engine, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	evaluate := func(snap *checks.Snapshot) policies.Evaluation {
		ev, err := engine.Evaluate(context.Background(), snap, policies.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	dv, av := evaluate(direct), evaluate(admin)
	for _, r := range av.Results {
		if r.ControlID == "guardduty.org_auto_enable" && r.Status != "NOT_APPLICABLE" {
			t.Errorf("org_auto_enable without the organization configuration: %+v", r)
		}
	}
	if len(dv.Results) == 0 || high == 0 {
		t.Fatalf("%d results, %d high findings: the world exercises nothing", len(dv.Results), high)
	}
	awssimtest.Equal(t, "results", av.Results, dv.Results)

	var wantGaps []checks.CoverageGap
	for _, a := range admin.Accounts {
		for _, r := range []string{"ap-southeast-2", "eu-west-1", "us-east-1"} {
			switch {
			case a.AccountID == gdNonMember:
				wantGaps = append(wantGaps, checks.CoverageGap{AccountID: a.AccountID, Region: r, Service: "guardduty", Reason: "not a member"})
			case a.AccountID == gdUnassoc:
				wantGaps = append(wantGaps, checks.CoverageGap{AccountID: a.AccountID, Region: r, Service: "guardduty", Reason: "not associated (relationship status Removed)"})
			case a.AccountID != gdAdmin && r == "ap-southeast-2" && len(a.GuardDuty[r].Detectors) == 0:
				wantGaps = append(wantGaps, checks.CoverageGap{AccountID: a.AccountID, Region: r, Service: "guardduty", Reason: "not associated (relationship status Disabled)"})
			}
		}
	}
	awssimtest.Equal(t, "coverage gaps", admin.CoverageGaps, wantGaps)

	total := func(c awssim.CallCounts) int {
		n := 0
		for _, op := range []string{"ListDetectors", "GetDetector", "GetFindingsStatistics", "ListFindings", "GetFindings", "ListMembers", "ListCoverage", "ListMalwareProtectionPlans", "DescribeOrganizationConfiguration"} {
			n += c.Count(awssim.Call{Service: "guardduty", Operation: op})
		}
		return n
	}
	d, a := total(directCalls), total(adminCalls)
	t.Logf("GuardDuty calls: direct %d, admin %d", d, a)
	for _, op := range []string{"ListDetectors", "GetDetector", "GetFindingsStatistics", "ListFindings", "GetFindings", "ListMembers", "ListCoverage", "ListMalwareProtectionPlans", "DescribeOrganizationConfiguration"} {
		c := awssim.Call{Service: "guardduty", Operation: op}
		t.Logf("  %s: direct %d, admin %d", op, directCalls.Count(c), adminCalls.Count(c))
	}
	if a*2 > d {
		t.Errorf("admin made %d GuardDuty calls, direct %d: want at most half", a, d)
	}
}

// TestGuardDutyShardLooksUpItsOwnMembers: a shard of a larger scan looks
// up its own accounts' membership (GetMembers, 50 at a time, GD-47)
// instead of listing the administrator's whole organization: the same
// facts, gaps and verdicts as the listing, for its accounts, whichever
// they are (the administrator, a non-member and an unassociated account
// included), and no ListMembers call.
func TestGuardDutyShardLooksUpItsOwnMembers(t *testing.T) {
	for _, tc := range []struct {
		name string
		keep func(string) bool
		// noMember: none of the shard's accounts is a member; one entry
		// of ListMembers in each region says the caller administers others.
		noMember bool
	}{
		{"every account", nil, false},
		{"a shard with the administrator and the odd ones out", func(id string) bool {
			return id == gdAdmin || id == gdNonMember || id == gdUnassoc || id[len(id)-1]%3 == 0
		}, false},
		{"a shard of members only", func(id string) bool { return id != gdAdmin && id != gdNonMember && id[len(id)-1]%2 == 1 }, false},
		{"the administrator and a non-member only", func(id string) bool { return id == gdAdmin || id == gdNonMember }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			listed, _ := collectGuardDutyShard(t, true, false, tc.keep)
			byID, calls := collectGuardDutyShard(t, true, true, tc.keep)
			if len(listed.Accounts) < 2 {
				t.Fatalf("%d accounts: the shard exercises nothing", len(listed.Accounts))
			}
			for i := range listed.Accounts {
				awssimtest.Equal(t, "guardduty facts of "+listed.Accounts[i].AccountID, byID.Accounts[i].GuardDuty, listed.Accounts[i].GuardDuty)
				awssimtest.Equal(t, "errors of "+listed.Accounts[i].AccountID, byID.Accounts[i].Errors, listed.Accounts[i].Errors)
			}
			awssimtest.Equal(t, "coverage gaps", byID.CoverageGaps, listed.CoverageGaps)
			wantList := 0
			if tc.noMember {
				wantList = len(aggRegions)
			}
			if n := calls.Count(awssim.Call{Service: "guardduty", Operation: "ListMembers"}); n != wantList {
				t.Errorf("%d ListMembers calls, want %d", n, wantList)
			}
			want := (len(listed.Accounts) + 49) / 50
			for _, r := range aggRegions {
				if n := calls.Count(awssim.Call{Service: "guardduty", Operation: "GetMembers", Region: r}); n != want {
					t.Errorf("%s: %d GetMembers calls for %d accounts, want %d", r, n, len(listed.Accounts), want)
				}
			}
		})
	}
}
