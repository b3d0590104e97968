package checks_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	awssecurityhub "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/securityhub"
	"github.com/baseline-scanner/baseline/checks/services"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

const (
	adminAccount = "100000000000"
	nonMember    = "199999999999"
	aggMembers   = 24 // more than one 20-account chunk
)

var aggRegions = []string{"us-east-1", "eu-west-1", "ap-southeast-2"}

// aggregatorWorld is an organization whose management account is the
// Security Hub administrator with an aggregator in us-east-1 whose region
// linking is linking (e.g. `region_linking_mode: SPECIFIED_REGIONS, regions:
// [eu-west-1]`); every account has a hub with findings in every region
// (passing, failing and filtered-out ones), and one account is not a member.
func aggregatorWorld(linking string) string {
	var b strings.Builder
	b.WriteString(`regions: [us-east-1, eu-west-1, ap-southeast-2]
delegated_admin:
  securityhub: "100000000000"
  not_members: ["199999999999"]
  finding_aggregator: {region: us-east-1, ` + linking + `}
accounts:
`)
	ids := []string{adminAccount, nonMember}
	for i := 1; i <= aggMembers; i++ {
		ids = append(ids, fmt.Sprintf("2000000000%02d", i))
	}
	for i, id := range ids {
		fmt.Fprintf(&b, "  - id: %q\n    name: acct-%d\n    management: %t\n    regions:\n", id, i, id == adminAccount)
		for j, r := range aggRegions {
			fmt.Fprintf(&b, "      %s:\n        securityhub:\n          enabled: %t\n          standards: [{arn: aws-foundational-security-best-practices/v/1.0.0}]\n          findings:\n", r, (i+j)%7 != 3)
			for k := 0; k < (i+j)%3; k++ {
				fmt.Fprintf(&b, "            - {id: %s-%s-%d, title: open finding, control: S3.%d, severity: CRITICAL, first_observed: %dd}\n", id, r, k, k+1, 10+k*40)
			}
			fmt.Fprintf(&b, "            - {id: %s-%s-medium, title: medium, control: EC2.7, severity: MEDIUM}\n", id, r)
			if (i+j)%3 == 0 || id == adminAccount {
				// The new Security Hub, enabled in every region of the
				// administrator, which reads its members' exposure findings.
				fmt.Fprintf(&b, "          v2:\n            enabled: true\n            findings:\n")
				fmt.Fprintf(&b, "              - {id: %s-%s-x, title: exposure, severity: Critical, first_seen: %dd}\n", id, r, 3+i*5)
			}
		}
	}
	return b.String()
}

// collectWith collects the aggregator world with the Security Hub
// collector of mode, and returns the snapshot and the server's counts.
func collectWith(t *testing.T, mode, linking string, extra ...string) (*checks.Snapshot, awssim.CallCounts) {
	return collectShardWith(t, mode, linking, false, nil, extra...)
}

// collectShardWith is collectWith of the accounts keep keeps (all when
// nil), the administrator looking up its members among them (GetMembers)
// when byID.
func collectShardWith(t *testing.T, mode, linking string, byID bool, keep func(string) bool, extra ...string) (*checks.Snapshot, awssim.CallCounts) {
	t.Helper()
	srv, cfg := awssimtest.Start(t, aggregatorWorld(linking)+strings.Join(extra, ""))
	ctx := t.Context()
	targets, err := discover(ctx, cfg, checks.TargetOptions{Org: true, Regions: aggRegions})
	if err != nil {
		t.Fatal(err)
	}
	if keep != nil {
		targets = slices.DeleteFunc(targets, func(tg checks.Target) bool { return !keep(tg.AccountID) })
	}
	sh := securityhub.New()
	var agg *securityhub.Aggregation
	if mode == securityhub.ModeAdmin {
		var accounts []string
		for _, tg := range targets {
			accounts = append(accounts, tg.AccountID)
		}
		agg, err = securityhub.DiscoverAggregation(ctx, func(region string) securityhub.AdminAPI {
			return awssecurityhub.NewFromConfig(cfg, func(o *awssecurityhub.Options) { o.Region = region })
		}, "us-east-1", accounts, byID)
		if err != nil {
			t.Fatal(err)
		}
		org, err := organizations.NewFromConfig(cfg).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		if err != nil {
			t.Fatal(err)
		}
		agg.ReadExposuresAsAdministrator(aws.ToString(org.Organization.Id))
		// As the scan does: the streams start before collection, and the
		// cells find them read or being read (the call counts below are
		// the same either way).
		agg.Prefetch(ctx, aggRegions)
		sh = securityhub.NewAggregated(agg)
	}
	snap := checks.Collect(ctx, targets, checks.CollectOptions{
		Collectors: replaceCollector(services.Collectors(services.All), sh),
		Tool:       tool,
		Now:        awssimtest.Clock,
	})
	if agg != nil {
		snap.CoverageGaps = agg.Gaps()
	}
	return snap, srv.Calls()
}

// TestAggregatedCollectionGivesTheSameVerdicts runs every region linking
// mode of the Security Hub API model (CreateFindingAggregator's
// RegionLinkingMode): NO_REGIONS links no region but the aggregation region.
func TestAggregatedCollectionGivesTheSameVerdicts(t *testing.T) {
	for _, tc := range []struct {
		linking string
		linked  []string // the regions whose findings reach the aggregator
	}{
		{"region_linking_mode: SPECIFIED_REGIONS, regions: [eu-west-1]", []string{"us-east-1", "eu-west-1"}},
		{"region_linking_mode: ALL_REGIONS_EXCEPT_SPECIFIED, regions: [eu-west-1]", []string{"us-east-1", "ap-southeast-2"}},
		{"region_linking_mode: ALL_REGIONS", aggRegions},
		{"region_linking_mode: NO_REGIONS", []string{"us-east-1"}},
	} {
		t.Run(strings.Fields(tc.linking)[1], func(t *testing.T) { testAggregation(t, tc.linking, tc.linked) })
	}
}

func testAggregation(t *testing.T, linking string, linked []string) {
	direct, directCalls := collectWith(t, securityhub.ModeDirect, linking)
	admin, adminCalls := collectWith(t, securityhub.ModeAdmin, linking)

	for i := range direct.Accounts {
		awssimtest.Equal(t, "securityhub facts of "+direct.Accounts[i].AccountID, admin.Accounts[i].SecurityHub, direct.Accounts[i].SecurityHub)
		awssimtest.Equal(t, "errors of "+direct.Accounts[i].AccountID, admin.Accounts[i].Errors, direct.Accounts[i].Errors)
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
	findings := 0
	for _, a := range admin.Accounts {
		for _, h := range a.SecurityHub {
			findings += len(h.Findings)
		}
	}
	if len(dv.Results) == 0 || findings == 0 {
		t.Fatalf("%d results, %d findings: the world exercises nothing", len(dv.Results), findings)
	}
	awssimtest.Equal(t, "results", av.Results, dv.Results)

	// Direct reads every subscribed (account, region); the administrator
	// two 20-account streams in each linked region, read in that region,
	// plus the cells it does not cover.
	getFindings := awssim.Call{Service: "securityhub", Operation: "GetFindings"}
	subscribed := func(snap *checks.Snapshot, covered func(account, region string) bool) int {
		n := 0
		for _, a := range snap.Accounts {
			for r, h := range a.SecurityHub {
				if aws.ToBool(h.Enabled) && covered(a.AccountID, r) {
					n++
				}
			}
		}
		return n
	}
	all := func(string, string) bool { return true }
	uncovered := func(account, region string) bool { return account == nonMember || !slices.Contains(linked, region) }
	wantDirect := subscribed(direct, all)
	wantAdmin := 2*len(linked) + subscribed(direct, uncovered)
	if got := directCalls.Count(getFindings); got != wantDirect {
		t.Errorf("direct: %d GetFindings calls, want %d", got, wantDirect)
	}
	if got := adminCalls.Count(getFindings); got != wantAdmin {
		t.Errorf("admin: %d GetFindings calls, want %d", got, wantAdmin)
	}
	for _, r := range linked {
		c := awssim.Call{Account: adminAccount, Region: r, Service: "securityhub", Operation: "GetFindings"}
		if got := adminCalls.Count(c); got != 2 {
			t.Errorf("admin: %d GetFindings calls of the administrator in %s, want its two streams there", got, r)
		}
		if got := adminCalls.Count(awssim.Call{Account: adminAccount, Region: r, Service: "securityhub", Operation: "ListMembers"}); got != 1 {
			t.Errorf("admin: %d ListMembers calls in %s, want 1 (membership is regional)", got, r)
		}
	}
	t.Logf("GetFindings calls: direct %d, admin %d (of which %d for coverage gaps)", directCalls.Count(getFindings), adminCalls.Count(getFindings), wantAdmin-2*len(linked))
	for _, op := range []string{"DescribeHub", "GetEnabledStandards", "DescribeSecurityHubV2"} {
		c := awssim.Call{Service: "securityhub", Operation: op}
		d, a := directCalls.Count(c), adminCalls.Count(c)
		if op == "DescribeSecurityHubV2" {
			d += len(aggRegions) // the administrator's own check per region before its stream
		}
		if d != a {
			t.Errorf("%s: %d calls direct, %d admin; it is not aggregated and stays per account", op, d, a)
		}
	}

	// Exposure findings: direct reads every cell with the new Security
	// Hub; the administrator one organization-scoped stream per region and
	// 20-account chunk with such a cell, and the non-member's cells itself.
	v2 := func(a checks.AccountFacts, r string) bool {
		h := a.SecurityHub[r]
		return h != nil && aws.ToBool(h.V2Enabled)
	}
	var members []checks.AccountFacts
	wantV2Direct, wantV2Admin := 0, 0
	for _, a := range direct.Accounts {
		for r := range a.SecurityHub {
			if v2(a, r) {
				wantV2Direct++
				if a.AccountID == nonMember {
					wantV2Admin++
				}
			}
		}
		if a.AccountID != nonMember {
			members = append(members, a)
		}
	}
	slices.SortFunc(members, func(x, y checks.AccountFacts) int { return strings.Compare(x.AccountID, y.AccountID) })
	for _, r := range aggRegions {
		for ch := range slices.Chunk(members, 20) {
			if slices.ContainsFunc(ch, func(a checks.AccountFacts) bool { return v2(a, r) }) {
				wantV2Admin++
			}
		}
	}
	getFindingsV2 := awssim.Call{Service: "securityhub", Operation: "GetFindingsV2"}
	if got := directCalls.Count(getFindingsV2); got != wantV2Direct {
		t.Errorf("direct: %d GetFindingsV2 calls, want %d", got, wantV2Direct)
	}
	if got := adminCalls.Count(getFindingsV2); got != wantV2Admin || wantV2Admin >= wantV2Direct {
		t.Errorf("admin: %d GetFindingsV2 calls, want %d (direct: %d)", got, wantV2Admin, wantV2Direct)
	}
	exposures := 0
	for _, a := range admin.Accounts {
		for _, h := range a.SecurityHub {
			exposures += len(h.ExposureFindings)
		}
	}
	if exposures == 0 {
		t.Fatal("no exposure finding in the world: the administrator's stream is not exercised")
	}

	// The non-member everywhere and every account's unlinked region are gaps.
	var wantGaps []checks.CoverageGap
	for _, a := range admin.Accounts {
		for _, r := range []string{"ap-southeast-2", "eu-west-1", "us-east-1"} {
			switch {
			case a.AccountID == nonMember:
				wantGaps = append(wantGaps, checks.CoverageGap{AccountID: a.AccountID, Region: r, Service: "securityhub", Reason: "not a member"})
			case !slices.Contains(linked, r):
				wantGaps = append(wantGaps, checks.CoverageGap{AccountID: a.AccountID, Region: r, Service: "securityhub", Reason: "region not linked"})
			}
		}
	}
	awssimtest.Equal(t, "coverage gaps", admin.CoverageGaps, wantGaps)
	if direct.CoverageGaps != nil {
		t.Errorf("direct collection reported gaps: %v", direct.CoverageGaps)
	}
}

// TestAdministratorExposureStreamFailures: when the administrator is
// refused the organization scope in a region, its members' exposure
// findings there are read per account (coverage gaps) and come out as
// direct collection's; when its stream fails otherwise, every cell it
// stands for is a collection error and the exposure control is ERROR there,
// never PASS.
func TestAdministratorExposureStreamFailures(t *testing.T) {
	const linking = "region_linking_mode: ALL_REGIONS"
	fault := func(code string) string {
		return "faults:\n  - {account: \"" + adminAccount + "\", region: eu-west-1, service: securityhub, operation: GetFindingsV2, code: " + code + "}\n"
	}
	t.Run("refused", func(t *testing.T) {
		direct, _ := collectWith(t, securityhub.ModeDirect, linking, fault("AccessDeniedException"))
		admin, calls := collectWith(t, securityhub.ModeAdmin, linking, fault("AccessDeniedException"))
		for i := range direct.Accounts {
			awssimtest.Equal(t, "securityhub facts of "+direct.Accounts[i].AccountID, admin.Accounts[i].SecurityHub, direct.Accounts[i].SecurityHub)
			awssimtest.Equal(t, "errors of "+direct.Accounts[i].AccountID, admin.Accounts[i].Errors, direct.Accounts[i].Errors)
		}
		refused := 0
		for _, g := range admin.CoverageGaps {
			if strings.Contains(g.Reason, "organization scope of GetFindingsV2 was refused") {
				refused++
				if g.Region != "eu-west-1" {
					t.Errorf("gap %+v outside the refused region", g)
				}
			}
		}
		members := calls.Count(awssim.Call{Region: "eu-west-1", Service: "securityhub", Operation: "GetFindingsV2"}) - calls.Count(awssim.Call{Account: adminAccount, Region: "eu-west-1", Service: "securityhub", Operation: "GetFindingsV2"})
		if refused == 0 || members == 0 {
			t.Errorf("%d refused gaps and %d member reads in eu-west-1: the fallback is not exercised", refused, members)
		}
	})
	t.Run("administrator without the new Security Hub", func(t *testing.T) {
		noV2 := fault("AccessDeniedException")
		noV2 = strings.Replace(noV2, "operation: GetFindingsV2, code: AccessDeniedException", "operation: DescribeSecurityHubV2, code: ResourceNotFoundException", 1)
		direct, _ := collectWith(t, securityhub.ModeDirect, linking, noV2)
		admin, calls := collectWith(t, securityhub.ModeAdmin, linking, noV2)
		for i := range direct.Accounts {
			awssimtest.Equal(t, "securityhub facts of "+direct.Accounts[i].AccountID, admin.Accounts[i].SecurityHub, direct.Accounts[i].SecurityHub)
		}
		if n := calls.Count(awssim.Call{Account: adminAccount, Region: "eu-west-1", Service: "securityhub", Operation: "GetFindingsV2"}); n != 0 {
			t.Errorf("the administrator without the new Security Hub in eu-west-1 made %d GetFindingsV2 calls there", n)
		}
		gaps := 0
		for _, g := range admin.CoverageGaps {
			if strings.Contains(g.Reason, "has no new Security Hub in eu-west-1") {
				gaps++
			}
		}
		if gaps == 0 {
			t.Error("no coverage gap says the administrator has no new Security Hub in eu-west-1")
		}
	})
	t.Run("failed", func(t *testing.T) {
		admin, _ := collectWith(t, securityhub.ModeAdmin, linking, fault("OrganizationNotFoundException"))
		engine, err := policies.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		ev, err := engine.Evaluate(t.Context(), admin, policies.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		failedCells := map[string]bool{}
		for _, a := range admin.Accounts {
			h := a.SecurityHub["eu-west-1"]
			if h == nil || !aws.ToBool(h.V2Enabled) || a.AccountID == nonMember {
				continue
			}
			if h.ExposureFindings != nil {
				t.Errorf("%s eu-west-1: exposure findings %v from a failed stream", a.AccountID, h.ExposureFindings)
			}
			if !slices.ContainsFunc(a.Errors, func(e checks.CollectionError) bool {
				return e.Region == "eu-west-1" && e.Operation == "GetFindingsV2"
			}) {
				t.Errorf("%s eu-west-1: no GetFindingsV2 error recorded: %v", a.AccountID, a.Errors)
			}
			failedCells[a.AccountID] = true
		}
		if len(failedCells) < 2 {
			t.Fatalf("%d member cells behind the failed stream: not exercised", len(failedCells))
		}
		seen := 0
		for _, r := range ev.Results {
			if r.ControlID != "securityhub.exposure_findings" || r.Region != "eu-west-1" || !failedCells[r.AccountID] {
				continue
			}
			seen++
			if r.Status != report.StatusError {
				t.Errorf("%s eu-west-1 %s: %s, want ERROR: %s", r.AccountID, r.ControlID, r.Status, r.Message)
			}
		}
		if seen == 0 {
			t.Error("no exposure_findings result for the failed cells")
		}
	})
}

// TestAdministratorUnavailableInARegion: when the administrator cannot
// list its members in a linked region, that region's cells are read per
// account, listed as coverage gaps, and come out as direct collection's.
func TestAdministratorUnavailableInARegion(t *testing.T) {
	const linking = "region_linking_mode: ALL_REGIONS"
	fault := "faults:\n  - {account: \"" + adminAccount + "\", region: eu-west-1, service: securityhub, operation: ListMembers, code: AccessDeniedException}\n"
	direct, _ := collectWith(t, securityhub.ModeDirect, linking, fault)
	admin, _ := collectWith(t, securityhub.ModeAdmin, linking, fault)
	for i := range direct.Accounts {
		awssimtest.Equal(t, "securityhub facts of "+direct.Accounts[i].AccountID, admin.Accounts[i].SecurityHub, direct.Accounts[i].SecurityHub)
		awssimtest.Equal(t, "errors of "+direct.Accounts[i].AccountID, admin.Accounts[i].Errors, direct.Accounts[i].Errors)
	}
	unavailable := 0
	for _, g := range admin.CoverageGaps {
		if strings.HasPrefix(g.Reason, "administrator unavailable: ") {
			unavailable++
			if g.Region != "eu-west-1" {
				t.Errorf("gap %+v outside the failing region", g)
			}
		}
	}
	if unavailable != aggMembers+1 {
		t.Errorf("%d cells of eu-west-1 are gaps of an unavailable administrator, want %d (every member and the administrator)", unavailable, aggMembers+1)
	}
}

// TestNamedAccountsReadExposuresPerAccount: accounts named on the command
// line may be invited members from outside the organization, which an
// organization-scoped stream would miss; only accounts listed from the
// organization use it. An organization id already known (from the account
// list) is used without asking organizations:DescribeOrganization again.
func TestNamedAccountsReadExposuresPerAccount(t *testing.T) {
	for _, tc := range []struct {
		fromOrg, knownID bool
	}{{false, false}, {true, false}, {true, true}} {
		t.Run(fmt.Sprintf("from organization %v, id known %v", tc.fromOrg, tc.knownID), func(t *testing.T) {
			srv, cfg := awssimtest.Start(t, aggregatorWorld("region_linking_mode: ALL_REGIONS"))
			ctx := t.Context()
			targets, err := discover(ctx, cfg, checks.TargetOptions{Org: true, Regions: aggRegions})
			if err != nil {
				t.Fatal(err)
			}
			var accounts []string
			for _, tg := range targets {
				accounts = append(accounts, tg.AccountID)
			}
			orgID := ""
			if tc.knownID {
				org, err := organizations.NewFromConfig(cfg).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
				if err != nil {
					t.Fatal(err)
				}
				orgID = aws.ToString(org.Organization.Id)
			}
			before := srv.Calls().Count(awssim.Call{Service: "organizations", Operation: "DescribeOrganization"})
			var status []string
			got, err := securityhub.Service.Admin(ctx, checks.AdminEnv{
				Caller: cfg, Accounts: accounts, Home: "us-east-1", Regions: aggRegions,
				Mode: securityhub.ModeAuto, Status: func(l string) { status = append(status, l) }, FromOrganization: tc.fromOrg, OrganizationID: orgID,
			})
			if err != nil {
				t.Fatal(err)
			}
			checks.Collect(ctx, targets, checks.CollectOptions{
				Collectors: replaceCollector(services.Collectors(services.All), got.Collector),
				Tool:       tool,
				Now:        awssimtest.Clock,
			})
			calls := srv.Calls()
			described := calls.Count(awssim.Call{Service: "organizations", Operation: "DescribeOrganization"}) - before
			memberReads := calls.Count(awssim.Call{Service: "securityhub", Operation: "GetFindingsV2"}) - calls.Count(awssim.Call{Account: adminAccount, Service: "securityhub", Operation: "GetFindingsV2"})
			wantDescribed := map[bool]int{false: 1, true: 0}[tc.knownID]
			if tc.fromOrg && (described != wantDescribed || memberReads != calls.Count(awssim.Call{Account: nonMember, Service: "securityhub", Operation: "GetFindingsV2"})) {
				t.Errorf("listed from the organization: %d DescribeOrganization calls, %d member GetFindingsV2 reads; want %d and only the non-member's", described, memberReads, wantDescribed)
			}
			if tc.knownID && !slices.ContainsFunc(status, func(l string) bool {
				return strings.Contains(l, "scoped to organization "+orgID+" (from the account list)")
			}) {
				t.Errorf("status %q does not say the organization came from the list", status)
			}
			if !tc.fromOrg && (described != 0 || memberReads <= aggMembers/2) {
				t.Errorf("named accounts: %d DescribeOrganization calls, %d member GetFindingsV2 reads; want none and every member's own", described, memberReads)
			}
		})
	}
}

func TestDiscoverAggregationWithoutAggregator(t *testing.T) {
	_, cfg := awssimtest.Start(t, faultWorld)
	_, err := securityhub.DiscoverAggregation(t.Context(), func(region string) securityhub.AdminAPI {
		return awssecurityhub.NewFromConfig(cfg, func(o *awssecurityhub.Options) { o.Region = region })
	}, "us-east-1", []string{"100000000001"}, false)
	if !errors.Is(err, securityhub.ErrNoAggregator) {
		t.Fatalf("err = %v, want ErrNoAggregator", err)
	}
}

// replaceCollector puts c in place of the collector of the same service.
func replaceCollector(all []checks.Collector, c checks.Collector) []checks.Collector {
	for i := range all {
		if all[i].Service() == c.Service() {
			all[i] = c
		}
	}
	return all
}

// TestSecurityHubShardLooksUpItsOwnMembers: a shard of a larger scan looks
// up its own accounts' membership in each linked region (GetMembers, 50 at
// a time, SH-65) instead of listing the administrator's whole
// organization's: the same facts, gaps and verdicts as the listing, for a
// shard with the administrator and the non-member and for one without,
// and no ListMembers call.
func TestSecurityHubShardLooksUpItsOwnMembers(t *testing.T) {
	const linking = "region_linking_mode: SPECIFIED_REGIONS, regions: [eu-west-1]"
	for _, tc := range []struct {
		name string
		keep func(string) bool
	}{
		{"every account", nil},
		{"the administrator, the non-member and a third", func(id string) bool {
			return id == adminAccount || id == nonMember || id[len(id)-1]%3 == 0
		}},
		{"members only", func(id string) bool { return id != adminAccount && id != nonMember && id[len(id)-1]%2 == 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			listed, _ := collectShardWith(t, securityhub.ModeAdmin, linking, false, tc.keep)
			byID, calls := collectShardWith(t, securityhub.ModeAdmin, linking, true, tc.keep)
			if len(listed.Accounts) < 5 {
				t.Fatalf("%d accounts: the shard exercises nothing", len(listed.Accounts))
			}
			for i := range listed.Accounts {
				awssimtest.Equal(t, "securityhub facts of "+listed.Accounts[i].AccountID, byID.Accounts[i].SecurityHub, listed.Accounts[i].SecurityHub)
				awssimtest.Equal(t, "errors of "+listed.Accounts[i].AccountID, byID.Accounts[i].Errors, listed.Accounts[i].Errors)
			}
			awssimtest.Equal(t, "coverage gaps", byID.CoverageGaps, listed.CoverageGaps)
			if n := calls.Count(awssim.Call{Service: "securityhub", Operation: "ListMembers"}); n != 0 {
				t.Errorf("%d ListMembers calls, want 0", n)
			}
			for _, r := range []string{"us-east-1", "eu-west-1"} {
				if n := calls.Count(awssim.Call{Account: adminAccount, Region: r, Service: "securityhub", Operation: "GetMembers"}); n != 1 {
					t.Errorf("%s: %d GetMembers calls, want 1 (fewer than 50 accounts)", r, n)
				}
			}
		})
	}
}
