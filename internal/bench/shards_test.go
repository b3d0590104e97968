package main

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/report"
)

// TestShardedScan: a world scanned as 8 shards, each listing the
// organization itself or all from one account list, merges into the
// report one scan of the whole organization gives (results, coverage,
// collection errors and summary); the shards partition
// the accounts, and a shard's Organizations calls are the listing's pages
// and its own accounts' team tags, or none from the list.
func TestShardedScan(t *testing.T) {
	const accounts, shards = 16, 8
	regions := allRegions[:2]
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	clock := func() time.Time { return now }
	world := awssim.Generate(awssim.GenerateOptions{Accounts: accounts, Regions: regions, Seed: 1})
	srv, err := awssim.Start(world, awssim.Options{Now: clock, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A collection error, so that the merged errors are compared too.
	if err := srv.AddFault(awssim.Fault{Account: world.Accounts[3].ID, Region: regions[1], Service: "guardduty", Operation: "ListDetectors", Code: "AccessDeniedException", Message: "denied"}); err != nil {
		t.Fatal(err)
	}
	keyID, secret := srv.Credentials()
	cfg := simConfig(srv.URL(), keyID, secret, regions[0])
	f := flags{accounts: accounts, regions: len(regions), concurrency: 8, collection: scan.ModeDirect, teamTag: "team", pipeline: pipelineStreamed}
	ctx := context.Background()
	dir := t.TempDir()

	// The whole organization in one scan.
	whole := filepath.Join(dir, "whole.json")
	if _, err := runShard(ctx, shardSpec{flags: f, cfg: cfg, out: whole, now: clock}, func() {}); err != nil {
		t.Fatal(err)
	}
	wholeRep, err := report.ReadReport(whole)
	if err != nil {
		t.Fatal(err)
	}
	if len(wholeRep.Errors) == 0 {
		t.Fatal("the fault made no collection error")
	}

	// The listing, as baseline accounts --org.
	listPath := filepath.Join(dir, "accounts.json")
	before := srv.Calls()
	list, listingCalls, allCalls, err := listAccounts(ctx, cfg, listPath, regions, false, clock)
	if err != nil {
		t.Fatal(err)
	}
	served := srv.Calls()
	if trails := served.Count(awssim.Call{Account: string(world.Accounts[0].ID), Service: "cloudtrail"}) - before.Count(awssim.Call{Account: string(world.Accounts[0].ID), Service: "cloudtrail"}); allCalls != served.Total-before.Total || trails == 0 || allCalls != listingCalls+1+trails {
		t.Errorf("listing: %d API calls counted, the simulator served %d (%d of them the management account's CloudTrail); want the Organizations calls, one GetCallerIdentity and the trails", allCalls, served.Total-before.Total, trails)
	}
	listed := orgCalls(srv.Calls(), before)
	pages := listed["ListAccounts"]
	if pages != 1 || listed["ListTagsForResource"] != accounts || listed["DescribeOrganization"] != 1 || listingCalls != pages+accounts+1 {
		t.Fatalf("listing: %d Organizations calls (%v), want 1 ListAccounts page, %d ListTagsForResource and 1 DescribeOrganization", listingCalls, listed, accounts)
	}
	if len(list.Accounts) != accounts {
		t.Fatalf("listing: %d accounts, want %d", len(list.Accounts), accounts)
	}

	for _, fromList := range []bool{false, true} {
		t.Run(fmt.Sprintf("accounts-from=%v", fromList), func(t *testing.T) {
			var paths []string
			seen := map[string]int{}
			for k := 1; k <= shards; k++ {
				spec := shardSpec{flags: f, cfg: cfg, index: k, count: shards, out: filepath.Join(dir, fmt.Sprintf("%v-%d.json", fromList, k)), now: clock}
				if fromList {
					spec.accountsFrom = listPath
				}
				before := srv.Calls()
				res, err := runShard(ctx, spec, func() {})
				if err != nil {
					t.Fatal(err)
				}
				served := orgCalls(srv.Calls(), before)
				rep, err := report.ReadReport(spec.out)
				if err != nil {
					t.Fatal(err)
				}
				mine := rep.Scope.Accounts
				for _, a := range mine {
					seen[a]++
				}
				if res.Shard != fmt.Sprintf("%d/%d", k, shards) || res.Accounts != len(mine) {
					t.Errorf("shard %d: result says shard %q of %d accounts, its report has %d", k, res.Shard, res.Accounts, len(mine))
				}
				wantOrg := map[string]int{}
				if !fromList {
					wantOrg["organizations:ListAccounts"] = pages
					if len(mine) > 0 {
						wantOrg["organizations:ListTagsForResource"] = len(mine)
					}
				}
				if !maps.Equal(res.OrganizationsByOperation, wantOrg) || res.OrganizationsCalls != sum(wantOrg) {
					t.Errorf("shard %d of %d accounts: Organizations calls %d %v, want %v", k, len(mine), res.OrganizationsCalls, res.OrganizationsByOperation, wantOrg)
				}
				// The simulator saw what the shard counted.
				if served["ListAccounts"] != wantOrg["organizations:ListAccounts"] || served["ListTagsForResource"] != wantOrg["organizations:ListTagsForResource"] {
					t.Errorf("shard %d: the simulator served %v, want %v", k, served, wantOrg)
				}
				paths = append(paths, spec.out)
			}
			if len(seen) != accounts {
				t.Errorf("the shards cover %d accounts, want %d", len(seen), accounts)
			}
			for a, n := range seen {
				if n != 1 {
					t.Errorf("account %s is in %d shards", a, n)
				}
			}
			var ids []string
			if fromList {
				for _, a := range list.Accounts {
					ids = append(ids, a.ID)
				}
			}
			mergedLikeOneScan(t, paths, accounts, ids, whole)
		})
	}
	if err := runMergeProcess(filepath.Join(dir, "partial.json"), "auto", []string{filepath.Join(dir, "false-1.json"), filepath.Join(dir, "false-2.json")}); err == nil {
		t.Error("merging 2 of 8 shards: no error")
	}
}

// TestShardsFromAListAsDelegatedAdministrator: shards that read findings
// through the delegated administrator (--collection admin) from an account
// list make no Organizations call either (the list has the organization's
// id, which Security Hub's organization-scoped exposure reads need), and
// their merge is the one scan of the whole organization.
func TestShardsFromAListAsDelegatedAdministrator(t *testing.T) {
	const accounts, shards = 12, 3
	regions := allRegions[:2]
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	clock := func() time.Time { return now }
	world := awssim.Generate(awssim.GenerateOptions{Accounts: accounts, Regions: regions, Seed: 3})
	withDelegatedAdmin(world, regions[0], regions)
	// The new Security Hub everywhere, so that exposure findings are read:
	// through the administrator's organization-scoped stream when the
	// organization's id is known.
	for i := range world.Accounts {
		for _, st := range world.Accounts[i].Regions {
			if st != nil && st.SecurityHub != nil {
				st.SecurityHub.V2 = &awssim.SecurityHubV2State{Enabled: true}
			}
		}
	}
	srv, err := awssim.Start(world, awssim.Options{Now: clock, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	keyID, secret := srv.Credentials()
	cfg := simConfig(srv.URL(), keyID, secret, regions[0])
	f := flags{accounts: accounts, regions: len(regions), concurrency: 8, collection: scan.ModeAdmin, teamTag: "team", pipeline: pipelineStreamed}
	ctx := context.Background()
	dir := t.TempDir()

	// Exposure findings read from the members themselves, not through the
	// administrator's organization-scoped stream.
	admin := string(world.Accounts[0].ID)
	memberV2 := func(c awssim.CallCounts) int {
		return c.Count(awssim.Call{Service: "securityhub", Operation: "GetFindingsV2"}) - c.Count(awssim.Call{Account: admin, Service: "securityhub", Operation: "GetFindingsV2"})
	}
	whole := filepath.Join(dir, "whole.json")
	before := srv.Calls()
	if _, err := runShard(ctx, shardSpec{flags: f, cfg: cfg, out: whole, now: clock}, func() {}); err != nil {
		t.Fatal(err)
	}
	wholeV2, wholeAdminV2 := memberV2(srv.Calls())-memberV2(before), srv.Calls().Count(awssim.Call{Account: admin, Service: "securityhub", Operation: "GetFindingsV2"})
	if wholeAdminV2 == 0 {
		t.Fatal("the one scan read no exposure finding through the administrator")
	}
	listPath := filepath.Join(dir, "accounts.json")
	list, _, _, err := listAccounts(ctx, cfg, listPath, regions, false, clock)
	if err != nil {
		t.Fatal(err)
	}
	if list.OrganizationID == "" {
		t.Fatal("the list has no organization id")
	}
	var paths []string
	shardsBefore := srv.Calls()
	for k := 1; k <= shards; k++ {
		spec := shardSpec{flags: f, cfg: cfg, index: k, count: shards, out: filepath.Join(dir, fmt.Sprintf("%d.json", k)), now: clock, accountsFrom: listPath}
		before := srv.Calls()
		res, err := runShard(ctx, spec, func() {})
		if err != nil {
			t.Fatal(err)
		}
		if served := orgCalls(srv.Calls(), before); res.OrganizationsCalls != 0 || len(served) != 0 {
			t.Errorf("shard %d: %d Organizations calls %v (the simulator served %v), want none", k, res.OrganizationsCalls, res.OrganizationsByOperation, served)
		}
		// Each shard looks up its own accounts' membership (GetMembers)
		// instead of listing the organization's members.
		after := srv.Calls()
		for _, svc := range []string{"guardduty", "securityhub"} {
			list := after.Count(awssim.Call{Service: svc, Operation: "ListMembers"}) - before.Count(awssim.Call{Service: svc, Operation: "ListMembers"})
			get := after.Count(awssim.Call{Service: svc, Operation: "GetMembers"}) - before.Count(awssim.Call{Service: svc, Operation: "GetMembers"})
			if list != 0 || get == 0 {
				t.Errorf("shard %d: %d %s:ListMembers and %d GetMembers calls, want none and some", k, list, svc, get)
			}
		}
		paths = append(paths, spec.out)
	}
	if got := memberV2(srv.Calls()) - memberV2(shardsBefore); got != wholeV2 {
		t.Errorf("the shards read %d members' exposure findings from the members themselves, the one scan %d: the organization-scoped stream was not used", got, wholeV2)
	}
	var ids []string
	for _, a := range list.Accounts {
		ids = append(ids, a.ID)
	}
	mergedLikeOneScan(t, paths, accounts, ids, whole)
}

// mergedLikeOneScan merges the shards' reports at paths (accounts in all,
// each once; exactly ids when given) and holds the merge to the one scan's
// report at whole: the same results (status, team, message), coverage,
// collection errors and summary.
func mergedLikeOneScan(t *testing.T, paths []string, accounts int, ids []string, whole string) {
	t.Helper()
	want := readResults(t, whole)
	wholeRep, err := report.ReadReport(whole)
	if err != nil {
		t.Fatal(err)
	}
	// What the bench measures: baseline merge's command writing the
	// merged report, read back.
	out := filepath.Join(t.TempDir(), "merged.json")
	if err := runMergeProcess(out, "auto", paths); err != nil {
		t.Fatal(err)
	}
	merged, err := checkMerged(out, accounts, ids)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := checkMerged(out, accounts+1, nil); err == nil {
		t.Errorf("a merged report of %d accounts passed for %d", accounts, accounts+1)
	}
	got := results(merged)
	if len(got) != len(want) || len(got) != len(merged.Results) {
		t.Fatalf("merged: %d results (%d ids), one scan: %d", len(merged.Results), len(got), len(want))
	}
	for id, w := range want {
		if g, ok := got[id]; !ok || g != w {
			t.Errorf("result %s: merged %+v, one scan %+v", id, g, w)
		}
	}
	if !reflect.DeepEqual(merged.Coverage, wholeRep.Coverage) || !reflect.DeepEqual(merged.Errors, wholeRep.Errors) || !reflect.DeepEqual(merged.Summary, wholeRep.Summary) {
		t.Errorf("merged coverage, errors or summary differ from one scan's:\nmerged %+v\n       %+v\n       %+v\none    %+v\n       %+v\n       %+v", merged.Coverage, merged.Errors, merged.Summary, wholeRep.Coverage, wholeRep.Errors, wholeRep.Summary)
	}
}

// outcome is what must match between a merged report and one scan's.
type outcome struct {
	Status  report.Status
	Team    string
	Message string
}

func results(r *report.Report) map[string]outcome {
	out := map[string]outcome{}
	for _, res := range r.Results {
		out[res.ID] = outcome{res.Status, res.Team, res.Message}
	}
	return out
}

func readResults(t *testing.T, path string) map[string]outcome {
	t.Helper()
	r, err := report.ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	out := results(r)
	if len(r.Results) == 0 || len(out) != len(r.Results) {
		t.Fatalf("%s: %d results, %d ids", path, len(r.Results), len(out))
	}
	return out
}

// orgCalls are the Organizations requests the simulator served since
// before, by operation.
func orgCalls(now, before awssim.CallCounts) map[string]int {
	out := map[string]int{}
	for k, n := range now.ByCall {
		if k.Service == "organizations" {
			if d := n - before.ByCall[k]; d > 0 {
				out[k.Operation] += d
			}
		}
	}
	return out
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestShardWorldsScan: with -shard-worlds each shard scans a simulator of
// its own that holds the services of its accounts and the management
// account only; listing the organization itself or from a list made
// against a simulator of the organization and the management account's
// services (the list keeps its trails), the shards' reports merge
// into the report one scan of the whole world gives, and each shard makes
// the calls its bound counts.
func TestShardWorldsScan(t *testing.T) {
	const accounts, shards = 24, 4
	regions := allRegions[:2]
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	clock := func() time.Time { return now }
	f := flags{accounts: accounts, regions: len(regions), concurrency: 8, collection: scan.ModeDirect, teamTag: "team", pipeline: pipelineStreamed}
	ctx := context.Background()
	dir := t.TempDir()
	serve := func(t *testing.T, only func(int, awssim.AccountID) bool) (*awssim.World, *awssim.Server) {
		t.Helper()
		w := awssim.Generate(awssim.GenerateOptions{Accounts: accounts, Regions: regions, Seed: 2, Only: only})
		srv, err := awssim.Start(w, awssim.Options{Now: clock, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		return w, srv
	}
	config := func(srv *awssim.Server) aws.Config {
		keyID, secret := srv.Credentials()
		return simConfig(srv.URL(), keyID, secret, regions[0])
	}

	// The whole world in one scan.
	_, wholeSrv := serve(t, nil)
	whole := filepath.Join(dir, "whole.json")
	if _, err := runShard(ctx, shardSpec{flags: f, cfg: config(wholeSrv), out: whole, now: clock}, func() {}); err != nil {
		t.Fatal(err)
	}

	// The listing, against the organization and the management account's
	// services (the listing reads its trails).
	_, orgSrv := serve(t, func(i int, _ awssim.AccountID) bool { return i == 0 })
	listPath := filepath.Join(dir, "accounts.json")
	list, _, _, err := listAccounts(ctx, config(orgSrv), listPath, regions, false, clock)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range list.Accounts {
		ids = append(ids, a.ID)
	}

	for _, fromList := range []bool{false, true} {
		t.Run(fmt.Sprintf("accounts-from=%v", fromList), func(t *testing.T) {
			var paths []string
			for k := 1; k <= shards; k++ {
				w, srv := serve(t, shardWorld(k, shards))
				spec := shardSpec{flags: f, cfg: config(srv), index: k, count: shards, out: filepath.Join(dir, fmt.Sprintf("worlds-%v-%d.json", fromList, k)), now: clock}
				if fromList {
					spec.accountsFrom = listPath
				}
				res, err := runShard(ctx, spec, func() {})
				if err != nil {
					t.Fatal(err)
				}
				if res.Errors != 0 {
					t.Errorf("shard %d: %d collection errors", k, res.Errors)
				}
				b := ComputeShardBound(w, regions, f.latency, nil, false, true, k, shards, fromList)
				if res.APICalls != b.Calls {
					t.Errorf("shard %d: %d calls, its bound counts %d", k, res.APICalls, b.Calls)
				}
				paths = append(paths, spec.out)
			}
			var wantIDs []string
			if fromList {
				wantIDs = ids
			}
			mergedLikeOneScan(t, paths, accounts, wantIDs, whole)
		})
	}
}
