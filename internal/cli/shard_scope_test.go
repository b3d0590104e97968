package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// gapsWorld (a copy of adminWorld in collection_test.go): the management
// account administers Security Hub with an aggregator in us-east-1 that
// links no other region; 333333333333 is not a member. With --shard K/3
// the accounts split one per shard: 333… in 1, 222… in 2, 111… in 3.
const gapsWorld = `
regions: [us-east-1, eu-west-1]
delegated_admin:
  securityhub: "111111111111"
  not_members: ["333333333333"]
  finding_aggregator: {region: us-east-1, region_linking_mode: SPECIFIED_REGIONS}
accounts:
  - id: "111111111111"
    name: mgmt
    management: true
    regions:
      us-east-1: {securityhub: {enabled: true}}
  - id: "222222222222"
    name: member
    regions:
      us-east-1:
        securityhub:
          enabled: true
          findings: [{id: m1, title: open, control: S3.8, severity: CRITICAL, first_observed: "2026-01-02T00:00:00Z"}]
      eu-west-1:
        securityhub:
          enabled: true
          findings: [{id: m2, title: open, control: S3.8, severity: HIGH, first_observed: "2026-01-02T00:00:00Z"}]
  - id: "333333333333"
    name: outsider
    regions:
      us-east-1:
        securityhub:
          enabled: true
          findings: [{id: o1, title: open, control: S3.8, severity: CRITICAL, first_observed: "2026-01-02T00:00:00Z"}]
`

// scanShards runs `scan --shard K/n --format json` for each k of ks and
// returns the report paths.
func scanShards(t *testing.T, world string, n int, ks []int, args ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, k := range ks {
		shard := string(rune('0'+k)) + "/" + string(rune('0'+n))
		path := filepath.Join(dir, "shard"+string(rune('0'+k))+".json")
		if _, stderr, code := run(t, append([]string{"scan", "--world", world, "--shard", shard, "-q", "--format", "json", "-o", path}, args...)...); code > ExitIncomplete {
			t.Fatalf("scan --shard %s: exit %d; stderr:\n%s", shard, code, stderr)
		}
		paths = append(paths, path)
	}
	return paths
}

func mergeTo(t *testing.T, paths ...string) (path, stderr string, code int) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "merged.json")
	_, stderr, code = run(t, append(append([]string{"merge"}, paths...), "-o", path)...)
	return path, stderr, code
}

func TestMergeRequiresEveryShardOnce(t *testing.T) {
	world := writeWorld(t, "")
	shards := scanShards(t, world, 3, []int{1, 2, 3})
	for k, path := range shards {
		sh := readReport(t, path).Scope.Shard
		if sh == nil || sh.Index != k+1 || sh.Count != 3 {
			t.Errorf("%s: scope.shard = %+v, want {%d 3}", path, sh, k+1)
		}
	}

	merged, stderr, code := mergeTo(t, shards[2], shards[0], shards[1])
	if code == ExitUsage {
		t.Fatalf("merge of every shard: exit %d; stderr:\n%s", code, stderr)
	}
	if rep := readReport(t, merged); rep.Scope.Shard != nil || rep.Scope.RegionsMode != checks.RegionsList || len(rep.Scope.Accounts) != 4 {
		t.Errorf("merged scope = %+v, want 4 accounts, regions_mode list and no shard", rep.Scope)
	}
	data, err := os.ReadFile(merged)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"shard"`) {
		t.Error("the merged report has a shard field")
	}

	oneLine := func(name, stderr string, code int, want string) {
		t.Helper()
		if code != ExitUsage || !strings.Contains(stderr, want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and one line with %q", name, code, stderr, ExitUsage, want)
		}
	}
	_, stderr, code = mergeTo(t, shards[0], shards[2])
	oneLine("missing shard", stderr, code, "shard 2/3 is missing")
	_, stderr, code = mergeTo(t, shards[0], shards[1], shards[2], shards[2])
	oneLine("duplicate shard", stderr, code, "are both shard 3/3")
	_, stderr, code = mergeTo(t, shards[0], shards[1])
	oneLine("last shard missing", stderr, code, "shard 3/3 is missing")
	other := scanShards(t, world, 2, []int{2})[0]
	_, stderr, code = mergeTo(t, shards[0], other)
	oneLine("different counts", stderr, code, "same count")
	whole := filepath.Join(t.TempDir(), "whole.json")
	if _, stderr, code := run(t, "scan", "--world", world, "-q", "--format", "json", "-o", whole); code > ExitFailing {
		t.Fatalf("scan: exit %d; stderr:\n%s", code, stderr)
	}
	_, stderr, code = mergeTo(t, shards[0], whole)
	oneLine("shard and whole scan", stderr, code, "is not a shard")

	// Snapshots of collect --shard are checked the same way.
	dir := t.TempDir()
	var snaps []string
	for _, k := range []string{"1", "2", "3"} {
		path := filepath.Join(dir, "snap"+k+".json")
		if _, stderr, code := run(t, "collect", "--world", world, "--shard", k+"/3", "-q", "-o", path); code != ExitOK {
			t.Fatalf("collect --shard %s/3: exit %d; stderr:\n%s", k, code, stderr)
		}
		snaps = append(snaps, path)
	}
	_, stderr, code = mergeTo(t, snaps[1], snaps[2])
	oneLine("missing snapshot shard", stderr, code, "shard 1/3 is missing")
	path, stderr, code := mergeTo(t, snaps...)
	if code != ExitOK {
		t.Fatalf("merge of every snapshot shard: exit %d; stderr:\n%s", code, stderr)
	}
	snap, err := checks.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Scope.Shard != nil || len(snap.Accounts) != 4 {
		t.Errorf("merged snapshot scope = %+v with %d accounts, want no shard and 4 accounts", snap.Scope, len(snap.Accounts))
	}
}

// With --regions all, each shard's scope is the union of its own accounts'
// enabled regions: shards whose accounts enable different regions merge,
// and the merged regions are the union.
func TestMergeAllRegionsShardsWithDifferentRegions(t *testing.T) {
	narrow := writeWorld(t, "")
	wide := filepath.Join(t.TempDir(), "wide.yaml")
	if err := os.WriteFile(wide, []byte(strings.Replace(scaleWorld, "regions: [us-east-1, eu-west-1]", "regions: [us-east-1, eu-west-1, eu-central-1]", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	shards := append(scanShards(t, narrow, 3, []int{1, 3}, "--regions", "all"), scanShards(t, wide, 3, []int{2}, "--regions", "all")...)
	r1, r2 := readReport(t, shards[0]), readReport(t, shards[2])
	if slices.Equal(r1.Scope.Regions, r2.Scope.Regions) || r1.Scope.RegionsMode != checks.RegionsAll {
		t.Fatalf("shard scopes %+v and %+v: want different regions, regions_mode all", r1.Scope, r2.Scope)
	}
	merged, stderr, code := mergeTo(t, shards...)
	if code == ExitUsage {
		t.Fatalf("merge: exit %d; stderr:\n%s", code, stderr)
	}
	rep := readReport(t, merged)
	if want := []string{"eu-central-1", "eu-west-1", "us-east-1"}; !slices.Equal(rep.Scope.Regions, want) || rep.Scope.RegionsMode != checks.RegionsAll {
		t.Errorf("merged scope = %+v, want regions %v, regions_mode all", rep.Scope, want)
	}

	// A named list must still be the same in every shard, and shards must
	// choose regions the same way.
	listed := scanShards(t, narrow, 3, []int{2}, "--regions", "us-east-1")[0]
	if _, stderr, code := mergeTo(t, shards[0], listed, shards[1]); code != ExitUsage || !strings.Contains(stderr, "choose regions the same way") {
		t.Errorf("all and list shards: exit %d, stderr %q", code, stderr)
	}
}

func TestCoverageGapsInReport(t *testing.T) {
	world := filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(world, []byte(gapsWorld), 0o600); err != nil {
		t.Fatal(err)
	}
	want := []report.CoverageGap{
		{AccountID: "111111111111", Region: "eu-west-1", Service: "securityhub", Reason: "region not linked"},
		{AccountID: "222222222222", Region: "eu-west-1", Service: "securityhub", Reason: "region not linked"},
		{AccountID: "333333333333", Region: "eu-west-1", Service: "securityhub", Reason: "not a member"},
		{AccountID: "333333333333", Region: "us-east-1", Service: "securityhub", Reason: "not a member"},
	}
	dir := t.TempDir()
	if _, stderr, code := run(t, "scan", "--world", world, "-q", "--format", "json,table,markdown,html", "--out-dir", dir); code > ExitFailing {
		t.Fatalf("scan: exit %d; stderr:\n%s", code, stderr)
	}
	if got := readReport(t, filepath.Join(dir, "report.json")).CoverageGaps; !slices.Equal(got, want) {
		t.Errorf("report coverage_gaps = %+v, want %+v", got, want)
	}
	for file, wantText := range map[string][]string{
		"report.txt":  {"Administrator coverage gaps (4)", "  333333333333  us-east-1  securityhub  not a member\n"},
		"report.md":   {"## Administrator coverage gaps (4)", "- 111111111111 · eu-west-1 · securityhub: region not linked\n"},
		"report.html": {`<section id="coverage-gaps">`, "<td>not a member</td>"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wantText {
			if !strings.Contains(string(data), w) {
				t.Errorf("%s has no %q", file, w)
			}
		}
	}

	// Evaluating the snapshot gives the same gaps; a scan without an
	// aggregator writes none.
	snap := filepath.Join(t.TempDir(), "snap.json")
	if _, stderr, code := run(t, "collect", "--world", world, "-q", "-o", snap); code != ExitOK {
		t.Fatalf("collect: exit %d; stderr:\n%s", code, stderr)
	}
	evaluated := filepath.Join(t.TempDir(), "evaluated.json")
	if _, stderr, code := run(t, "evaluate", snap, "--format", "json", "-o", evaluated); code > ExitFailing {
		t.Fatalf("evaluate: exit %d; stderr:\n%s", code, stderr)
	}
	if got := readReport(t, evaluated).CoverageGaps; !slices.Equal(got, want) {
		t.Errorf("evaluated coverage_gaps = %+v, want %+v", got, want)
	}
	direct := filepath.Join(t.TempDir(), "direct.json")
	if _, stderr, code := run(t, "scan", "--world", world, "--collection", "direct", "-q", "--format", "json", "-o", direct); code > ExitFailing {
		t.Fatalf("scan --collection direct: exit %d; stderr:\n%s", code, stderr)
	}
	var doc map[string]json.RawMessage
	if data, err := os.ReadFile(direct); err != nil || json.Unmarshal(data, &doc) != nil {
		t.Fatalf("read %s: %v", direct, err)
	}
	if _, ok := doc["coverage_gaps"]; ok {
		t.Error("a direct scan writes coverage_gaps")
	}

	// Merge keeps every shard's gaps.
	merged, stderr, code := mergeTo(t, scanShards(t, world, 3, []int{1, 2, 3})...)
	if code == ExitUsage {
		t.Fatalf("merge: exit %d; stderr:\n%s", code, stderr)
	}
	if got := readReport(t, merged).CoverageGaps; !slices.Equal(got, want) {
		t.Errorf("merged coverage_gaps = %+v, want %+v", got, want)
	}
}
