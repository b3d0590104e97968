package checks_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/ssm"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
	"github.com/baseline-scanner/baseline/policies"
)

const (
	ssmAdmin     = "100000000000"
	ssmNotSynced = "200000000003"
	ssmNoNodes   = "200000000005"
)

// ssmAdminWorld: the management account is the Systems Manager delegated
// administrator with an AWS-QuickSetup-ManagedNode sync in us-east-1 over
// us-east-1 and eu-west-1 (not ap-southeast-2). Accounts have nodes in
// some regions (managed and not, online and not, running, stopped and
// terminated, hybrid) and none in others; one account's nodes are not in
// the sync, one account has none anywhere. sync is the ssm_sync block.
func ssmAdminWorld(sync string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "regions: [us-east-1, eu-west-1, ap-southeast-2]\ndelegated_admin:\n  ssm: %q\n", ssmAdmin)
	if sync != "" {
		fmt.Fprintf(&b, "  ssm_sync: %s\n", sync)
	}
	b.WriteString("accounts:\n")
	ids := []string{ssmAdmin}
	for i := 1; i <= 12; i++ {
		ids = append(ids, fmt.Sprintf("2000000000%02d", i))
	}
	for i, id := range ids {
		fmt.Fprintf(&b, "  - id: %q\n    name: acct-%d\n    management: %t\n    regions:\n", id, i, id == ssmAdmin)
		if id == ssmNoNodes {
			b.WriteString("      us-east-1: {}\n")
			continue
		}
		for j, r := range aggRegions {
			if (i+j)%3 == 2 && id != ssmNotSynced {
				continue // no nodes here
			}
			fmt.Fprintf(&b, "      %s:\n        ec2:\n          instances:\n", r)
			pre := id[9:] + fmt.Sprint(j)
			fmt.Fprintf(&b, "            - {id: i-0%s000000000001, name: web-%d}\n", pre, i)
			fmt.Fprintf(&b, "            - {id: i-0%s000000000002, state: stopped}\n", pre)
			fmt.Fprintf(&b, "            - {id: i-0%s000000000003}\n", pre)
			fmt.Fprintf(&b, "            - {id: i-0%s000000000004, state: terminated}\n", pre)
			fmt.Fprintf(&b, "        ssm:\n          managed_nodes:\n")
			fmt.Fprintf(&b, "            - {id: i-0%s000000000001, last_ping: 1m, patch: {missing: %d, operation_start: 2d}}\n", pre, i%2)
			fmt.Fprintf(&b, "            - {id: i-0%s000000000002, ping_status: ConnectionLost, last_ping: 5d}\n", pre)
			if (i+j)%2 == 0 {
				fmt.Fprintf(&b, "            - {id: mi-0%s000000000005, ping_status: ConnectionLost, last_ping: 2d}\n", pre)
			}
		}
	}
	return b.String()
}

func collectSSM(t *testing.T, world string, mode string, maxAge time.Duration) (*checks.Snapshot, awssim.CallCounts, []string) {
	t.Helper()
	srv, cfg := awssimtest.Start(t, world)
	ctx := t.Context()
	targets, err := discover(ctx, cfg, checks.TargetOptions{Org: true, Regions: aggRegions})
	if err != nil {
		t.Fatal(err)
	}
	var accounts []string
	for _, tg := range targets {
		accounts = append(accounts, tg.AccountID)
	}
	var status []string
	var collector checks.Collector = ssm.New()
	var gaps func() []checks.CoverageGap
	if mode != checks.ModeDirect {
		got, err := ssm.Service.Admin(ctx, checks.AdminEnv{
			Caller: cfg, Accounts: accounts, Home: "us-east-1", Regions: aggRegions, Mode: mode,
			Status: func(s string) { status = append(status, s) }, Now: awssimtest.Clock, SyncMaxAge: maxAge,
		})
		if err != nil {
			t.Fatal(err)
		}
		collector, gaps = got.Collector, got.Gaps
	}
	snap := checks.Collect(ctx, targets, checks.CollectOptions{Collectors: []checks.Collector{collector}, Tool: tool, Now: awssimtest.Clock})
	if gaps != nil {
		snap.CoverageGaps = gaps()
	}
	return snap, srv.Calls(), status
}

func ssmCalls(c awssim.CallCounts) (direct, inventory int) {
	for _, op := range []string{"DescribeInstanceInformation", "DescribeInstancePatchStates"} {
		direct += c.Count(awssim.Call{Service: "ssm", Operation: op})
	}
	direct += c.Count(awssim.Call{Service: "ec2", Operation: "DescribeInstances"})
	for _, op := range []string{"ListResourceDataSync", "ListNodesSummary", "ListNodes"} {
		inventory += c.Count(awssim.Call{Service: "ssm", Operation: op})
	}
	return direct, inventory
}

// TestSSMInventoryGivesTheSameFactsAndVerdicts: collecting through the
// delegated administrator's node inventory gives exactly the direct
// path's facts, errors and verdicts on the same world; the cells the
// sync does not cover are coverage gaps; covered cells without nodes make
// no call.
func TestSSMInventoryGivesTheSameFactsAndVerdicts(t *testing.T) {
	world := ssmAdminWorld(fmt.Sprintf("{region: us-east-1, regions: [us-east-1, eu-west-1], not_synced: [%q]}", ssmNotSynced))
	direct, directCalls, _ := collectSSM(t, world, checks.ModeDirect, 0)
	admin, adminCalls, status := collectSSM(t, world, checks.ModeAuto, 0)

	empty := 0
	for i := range direct.Accounts {
		id := direct.Accounts[i].AccountID
		awssimtest.Equal(t, "ssm facts of "+id, admin.Accounts[i].SSM, direct.Accounts[i].SSM)
		awssimtest.Equal(t, "errors of "+id, admin.Accounts[i].Errors, direct.Accounts[i].Errors)
		for _, r := range direct.Accounts[i].SSM {
			if len(r.Instances) == 0 && len(r.ManagedNodes) == 0 {
				empty++
			}
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
	if len(dv.Results) == 0 || empty == 0 {
		t.Fatalf("%d results, %d empty regions: the world exercises nothing", len(dv.Results), empty)
	}
	awssimtest.Equal(t, "results", av.Results, dv.Results)

	var wantGaps []checks.CoverageGap
	for _, a := range admin.Accounts {
		for _, r := range []string{"ap-southeast-2", "eu-west-1", "us-east-1"} {
			switch {
			case r == "ap-southeast-2":
				wantGaps = append(wantGaps, checks.CoverageGap{AccountID: a.AccountID, Region: r, Service: "ssm", Reason: "region not in the sync's source regions"})
			case a.AccountID == ssmNotSynced || a.AccountID == ssmNoNodes:
				wantGaps = append(wantGaps, checks.CoverageGap{AccountID: a.AccountID, Region: r, Service: "ssm", Reason: "the sync lists no node of the account: its data is not shown to be synced"})
			}
		}
	}
	awssimtest.Equal(t, "coverage gaps", admin.CoverageGaps, wantGaps)
	if len(status) != 1 || !strings.Contains(status[0], "regions without nodes are not read") {
		t.Errorf("status = %q", status)
	}

	d, _ := ssmCalls(directCalls)
	a, inv := ssmCalls(adminCalls)
	t.Logf("direct reads: direct %d; inventory path %d + %d inventory calls", d, a, inv)
	skippedCells := 0
	for _, acct := range admin.Accounts {
		for r, f := range acct.SSM {
			if r != "ap-southeast-2" && acct.AccountID != ssmNotSynced && acct.AccountID != ssmNoNodes && len(f.Instances) == 0 && len(f.ManagedNodes) == 0 {
				skippedCells++
			}
		}
	}
	// Each covered cell without nodes saves DescribeInstances and
	// DescribeInstanceInformation; the inventory costs ListResourceDataSync,
	// ListNodesSummary and two ListNodes pages (50 to 100 nodes).
	if skippedCells == 0 || a != d-2*skippedCells || inv != 4 {
		t.Errorf("direct reads %d (direct path %d), inventory calls %d, %d cells skipped: want %d direct reads and 4 inventory calls", a, d, inv, skippedCells, d-2*skippedCells)
	}
}

// TestSSMInventoryFallsBack: a sync that is absent, failed, stale, never
// succeeded, cut off from the organization or too large to be worth
// listing is not used; auto and admin modes read every cell directly,
// with a coverage gap when the sync exists but cannot stand for the nodes.
func TestSSMInventoryFallsBack(t *testing.T) {
	tests := []struct {
		name, sync string
		maxAge     time.Duration
		gapReason  string // "" when no cell is a gap
		status     string
	}{
		{"absent", "", 0, "", ""},
		{"failed", "{status: Failed}", 0, "the sync's last run failed: The sync failed for one or more accounts or Regions.", "is not used"},
		{"stale", "{last_success: 2d}", 0, "the sync is stale: it last succeeded 48h0m0s ago, more than 24h0m0s", "is not used"},
		{"stale for a shorter max age", "{last_success: 3h}", 2 * time.Hour, "the sync is stale: it last succeeded 3h0m0s ago, more than 2h0m0s", "is not used"},
		{"never succeeded", "{status: InProgress, last_success: never}", 0, "the sync never succeeded", "is not used"},
		{"trusted access disabled", "{state: TrustedAccessDisabled}", 0, "the sync's state is TrustedAccessDisabled", "is not used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			world := ssmAdminWorld(tt.sync)
			direct, _, _ := collectSSM(t, world, checks.ModeDirect, 0)
			auto, calls, status := collectSSM(t, world, checks.ModeAuto, tt.maxAge)
			for i := range direct.Accounts {
				awssimtest.Equal(t, "ssm facts of "+direct.Accounts[i].AccountID, auto.Accounts[i].SSM, direct.Accounts[i].SSM)
			}
			var wantGaps []checks.CoverageGap
			if tt.gapReason != "" {
				for _, a := range auto.Accounts {
					for _, r := range []string{"ap-southeast-2", "eu-west-1", "us-east-1"} {
						wantGaps = append(wantGaps, checks.CoverageGap{AccountID: a.AccountID, Region: r, Service: "ssm", Reason: tt.gapReason})
					}
				}
			}
			awssimtest.Equal(t, "coverage gaps", auto.CoverageGaps, wantGaps)
			if _, inv := ssmCalls(calls); inv != 1 {
				t.Errorf("%d inventory calls, want 1 (ListResourceDataSync)", inv)
			}
			if tt.status == "" && len(status) != 0 || tt.status != "" && (len(status) != 1 || !strings.Contains(status[0], tt.status)) {
				t.Errorf("status = %q, want one line with %q", status, tt.status)
			}

			// --collection admin does not require the inventory: it only
			// spares reads, so admin collects like auto.
			admin, _, _ := collectSSM(t, world, checks.ModeAdmin, tt.maxAge)
			awssimtest.Equal(t, "admin coverage gaps", admin.CoverageGaps, wantGaps)
		})
	}
}

// TestSSMInventoryTooLargeToList: the inventory is listed only when the
// organization's nodes average at most 5 per account and region in scope
// (one ListNodesSummary counts them): listing a denser one would cost more
// calls than its regions without nodes save.
func TestSSMInventoryTooLargeToList(t *testing.T) {
	world := ssmAdminWorld("{}")
	srv, cfg := awssimtest.Start(t, world)
	api := awsssm.NewFromConfig(cfg, func(o *awsssm.Options) { o.Region = "us-east-1" })
	all := []string{ssmAdmin}
	for i := 1; i <= 12; i++ {
		all = append(all, fmt.Sprintf("2000000000%02d", i))
	}
	for _, tt := range []struct {
		name     string
		accounts []string
		listed   bool
	}{
		{"two accounts in scope", all[:2], false}, // 6 cells: at most 30 nodes
		{"every account in scope", all, true},     // 39 cells: at most 195 nodes
	} {
		before := srv.Calls().Count(awssim.Call{Service: "ssm", Operation: "ListNodes"})
		inv, err := ssm.DiscoverInventory(t.Context(), api, ssm.InventoryOptions{Home: "us-east-1", Accounts: tt.accounts, Regions: aggRegions, Now: awssimtest.Now, MaxAge: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		pages := srv.Calls().Count(awssim.Call{Service: "ssm", Operation: "ListNodes"}) - before
		if inv.Used() != tt.listed || (pages > 0) != tt.listed || inv.Nodes <= 30 || inv.Nodes > 195 {
			t.Errorf("%s: used %t after %d ListNodes calls, %d nodes; want used %t", tt.name, inv.Used(), pages, inv.Nodes, tt.listed)
		}
	}
	if _, err := ssm.DiscoverInventory(t.Context(), awsssm.NewFromConfig(cfg, func(o *awsssm.Options) { o.Region = "eu-west-1" }), ssm.InventoryOptions{Home: "eu-west-1", Now: awssimtest.Now, MaxAge: time.Hour}); !errors.Is(err, ssm.ErrNoSync) {
		t.Errorf("another region: err = %v, want ErrNoSync", err)
	}
}
