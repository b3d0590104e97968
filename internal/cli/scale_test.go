package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// scaleWorld is a small organization whose clean scan has no ERROR result
// (Security Hub and GuardDuty on everywhere) and nothing failing at
// critical, so a collection error alone makes a scan exit 3.
var scaleWorld = func() string {
	var b strings.Builder
	b.WriteString("regions: [us-east-1, eu-west-1]\naccounts:\n")
	for i, name := range []string{"mgmt", "prod", "dev", "test"} {
		fmt.Fprintf(&b, "  - id: \"%d00000000%03d\"\n    name: %s\n", i+1, i+1, name)
		if i == 0 {
			b.WriteString("    management: true\n")
		}
		b.WriteString("    regions:\n")
		for _, r := range []string{"us-east-1", "eu-west-1"} {
			fmt.Fprintf(&b, "      %s:\n        securityhub: {enabled: true}\n        guardduty: {detectors: [{}]}\n", r)
		}
	}
	return b.String()
}()

func writeWorld(t *testing.T, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(path, []byte(scaleWorld+extra), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStatusLinesWhenStderrIsNotATerminal(t *testing.T) {
	calls := checks.NewCallCounter()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := start
	p := &checks.Progress{Calls: calls, Now: func() time.Time { return clock }}
	tick := make(chan time.Time)
	out := syncBuffer{wrote: make(chan struct{}, 1)}
	stop := startProgress(&out, false, p, func() time.Time { return start }, tick)
	// Each tick is drawn before the phase changes: wait for its line.
	draw := func(at time.Duration) {
		tick <- start.Add(at)
		<-out.wrote
	}
	// Progress shows from the first tick, before any account is known.
	draw(time.Second)
	clock = start.Add(2 * time.Second)
	p.SetPhase(checks.PhaseDiscovery)
	draw(10 * time.Second)
	clock = start.Add(15 * time.Second)
	p.SetPhase(checks.PhaseCollecting)
	draw(20 * time.Second)
	stop()
	want := "baseline: starting, 0 API calls, 1s elapsed\n" +
		"baseline: discovering accounts: 0 listed, 0 API calls, 10s elapsed\n" +
		"baseline: accounts 0/0, regions 0/0, 0 roles assumed, 0 API calls, 0 retries, 0 errors, 20s elapsed\n"
	if got := out.String(); got != want {
		t.Errorf("status lines:\n%s\nwant:\n%s", got, want)
	}

	for _, tc := range []struct {
		name string
		s    checks.ProgressState
		at   time.Duration // since the scan started
		want string
	}{
		{"discovery", checks.ProgressState{Phase: checks.PhaseDiscovery, Listed: 340, Calls: 18}, 4 * time.Second,
			"baseline: discovering accounts: 340 listed, 18 API calls, 4s elapsed"},
		{"team tags", checks.ProgressState{Phase: checks.PhaseTeamTags, TagsDone: 120, TagsTotal: 340, Calls: 139, Errors: 1}, 31 * time.Second,
			"baseline: reading team tags: 120/340 accounts, 139 API calls, 1 errors, 31s elapsed"},
		// A quarter of the cells in the 12 s since collection began: 36 s
		// to go, whatever discovery took before (not 60 s).
		{"collecting, ETA from the collection's own rate", checks.ProgressState{Phase: checks.PhaseCollecting, PhaseStart: start.Add(8 * time.Second),
			AccountsDone: 50, AccountsTotal: 200, RegionsDone: 200, RegionsTotal: 800, RolesAssumed: 60, Calls: 5321, Retries: 12, Errors: 1}, 20 * time.Second,
			"baseline: accounts 50/200, regions 200/800, 60 roles assumed, 5321 API calls, 12 retries, 1 errors, 20s elapsed, ETA 36s"},
		{"collecting while team tags are read", checks.ProgressState{Phase: checks.PhaseCollecting, PhaseStart: start.Add(2 * time.Second),
			AccountsDone: 10, AccountsTotal: 340, RegionsDone: 40, RegionsTotal: 1360, TagsDone: 120, TagsTotal: 340, Calls: 900}, 12 * time.Second,
			"baseline: accounts 10/340, regions 40/1360, 0 roles assumed, 900 API calls, 0 retries, 0 errors, 12s elapsed, team tags 120/340, ETA 5m30s"},
	} {
		if line := statusLine(tc.s, start.Add(tc.at), start); line != tc.want {
			t.Errorf("%s: statusLine = %q, want %q", tc.name, line, tc.want)
		}
	}
	summary := callSummary([]checks.ServiceStats{{Service: "guardduty", Calls: 40, Retries: 2}, {Service: "sts", Calls: 3}}, 1500*time.Millisecond, 0)
	if want := "baseline: collected in 1.5s: 43 API calls (guardduty 40, sts 3), 2 retries (guardduty 2), 0 collection error(s)"; summary != want {
		t.Errorf("callSummary = %q, want %q", summary, want)
	}
}

// syncBuffer is a bytes.Buffer safe for the display goroutine and the test.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
	// wrote, when set, gets a value after every Write.
	wrote chan struct{}
}

func (b *syncBuffer) lock() {
	if b.mu == nil {
		b.mu = make(chan struct{}, 1)
	}
	b.mu <- struct{}{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.lock()
	n, err := b.buf.Write(p)
	<-b.mu
	if b.wrote != nil {
		b.wrote <- struct{}{}
	}
	return n, err
}

func (b *syncBuffer) String() string {
	b.lock()
	defer func() { <-b.mu }()
	return b.buf.String()
}

func TestCollectionErrorsExitIncomplete(t *testing.T) {
	scan := func(world string) (*report.Report, string, int) {
		path := filepath.Join(t.TempDir(), "r.json")
		_, stderr, code := run(t, "scan", "--world", world, "--fail-on", "critical", "--format", "json", "-o", path)
		return readReport(t, path), stderr, code
	}
	clean, stderr, code := scan(writeWorld(t, ""))
	if code != ExitOK {
		t.Fatalf("clean scan: exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	rep, stderr, code := scan(writeWorld(t, `
faults:
  - {account: "300000000003", service: sts, operation: AssumeRole, code: AccessDenied}
`))
	if code != ExitIncomplete {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, ExitIncomplete, stderr)
	}
	if !strings.Contains(stderr, "1 collection error(s)") || !strings.Contains(stderr, "API calls (") {
		t.Errorf("stderr has no end summary:\n%s", stderr)
	}
	others := func(r *report.Report) []report.Result {
		return slices.DeleteFunc(slices.Clone(r.Results), func(res report.Result) bool { return res.AccountID == "300000000003" })
	}
	if got, want := others(rep), others(clean); !reflect.DeepEqual(got, want) {
		t.Errorf("the other accounts' results changed:\n%+v\nwant:\n%+v", got, want)
	}
	for _, r := range rep.Results {
		if r.AccountID == "300000000003" && r.Status != report.StatusError {
			t.Errorf("dev result %s %s is %s, want ERROR", r.ControlID, r.Region, r.Status)
		}
	}
}

func TestRegionsAll(t *testing.T) {
	t.Run("account:ListRegions", func(t *testing.T) {
		snap := collectSnapshot(t, writeWorld(t, ""), "--regions", "all", "--exclude-regions", "eu-west-1")
		if !slices.Equal(snap.Scope.Regions, []string{"us-east-1"}) {
			t.Errorf("scope regions = %v, want [us-east-1]", snap.Scope.Regions)
		}
	})
	t.Run("falls back to ec2:DescribeRegions", func(t *testing.T) {
		world := writeWorld(t, `
faults:
  - {service: account, operation: ListRegions, code: AccessDeniedException}
`)
		snap := collectSnapshot(t, world, "--regions", "all")
		if !slices.Equal(snap.Scope.Regions, []string{"eu-west-1", "us-east-1"}) {
			t.Errorf("scope regions = %v, want [eu-west-1 us-east-1]", snap.Scope.Regions)
		}
		for _, a := range snap.Accounts {
			if len(a.Errors) > 0 {
				t.Errorf("account %s errors: %+v", a.AccountID, a.Errors)
			}
		}
	})
	if _, stderr, code := run(t, "collect", "--demo", "--regions", "all,us-east-1"); code != ExitUsage || !strings.Contains(stderr, `unknown region "all"`) {
		t.Errorf("--regions all,us-east-1: exit %d, stderr %q", code, stderr)
	}
}

func collectSnapshot(t *testing.T, world string, args ...string) *checks.Snapshot {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snap.json")
	_, stderr, code := run(t, append([]string{"collect", "--world", world, "-q", "-o", path}, args...)...)
	if code != ExitOK {
		t.Fatalf("collect %v: exit %d; stderr:\n%s", args, code, stderr)
	}
	snap, err := checks.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestShardsMerge(t *testing.T) {
	world := writeWorld(t, "")
	dir := t.TempDir()
	var shards []string
	seen := map[string]bool{}
	for k := 1; k <= 3; k++ {
		path := filepath.Join(dir, "shard"+string(rune('0'+k))+".json")
		if _, stderr, code := run(t, "scan", "--world", world, "--shard", string(rune('0'+k))+"/3", "-q", "--format", "json", "-o", path); code > ExitFailing {
			t.Fatalf("shard %d: exit %d; stderr:\n%s", k, code, stderr)
		}
		for _, a := range readReport(t, path).Scope.Accounts {
			if seen[a] {
				t.Errorf("account %s is in two shards", a)
			}
			seen[a] = true
			if checks.Shard(a, 3) != k-1 {
				t.Errorf("account %s in shard %d, want %d", a, k, checks.Shard(a, 3)+1)
			}
		}
		shards = append(shards, path)
	}
	if len(seen) != 4 {
		t.Errorf("the shards cover %d accounts, want 4", len(seen))
	}

	full := filepath.Join(dir, "full.json")
	_, stderr, fullCode := run(t, "scan", "--world", world, "-q", "--format", "json", "-o", full)
	if fullCode == ExitUsage {
		t.Fatalf("full scan: exit %d; stderr:\n%s", fullCode, stderr)
	}
	merged := filepath.Join(dir, "merged.json")
	// merge exits with the verdict one scan of every account gave.
	if _, stderr, code := run(t, append(append([]string{"merge"}, shards...), "-o", merged)...); code != fullCode {
		t.Fatalf("merge: exit %d, want the full scan's %d; stderr:\n%s", code, fullCode, stderr)
	}
	if _, stderr, code := run(t, append(append([]string{"merge"}, shards...), "-o", merged, "--fail-on", "critical")...); code != ExitOK && code != ExitIncomplete {
		t.Fatalf("merge --fail-on critical: exit %d; stderr:\n%s", code, stderr)
	}
	want, got := readReport(t, full), readReport(t, merged)
	if !slices.Equal(got.Scope.Accounts, want.Scope.Accounts) || got.Summary.Total != want.Summary.Total || got.Summary.Fail != want.Summary.Fail {
		t.Errorf("merged scope %v summary %+v, want %v %+v", got.Scope.Accounts, got.Summary, want.Scope.Accounts, want.Summary)
	}

	if _, stderr, code := run(t, "merge", shards[0], shards[1], shards[0]); code != ExitUsage || !strings.Contains(stderr, "shards must not overlap") {
		t.Errorf("overlapping merge: exit %d, stderr %q", code, stderr)
	}
	other := filepath.Join(dir, "other-regions.json")
	if _, stderr, code := run(t, "scan", "--world", world, "--shard", "1/3", "--regions", "us-east-1", "-q", "--format", "json", "-o", other); code > ExitFailing {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if _, stderr, code := run(t, "merge", other, shards[1]); code != ExitUsage || !strings.Contains(stderr, "same regions") {
		t.Errorf("regions mismatch: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := run(t, "scan", "--demo", "--shard", "4/3"); code != ExitUsage || !strings.Contains(stderr, "--shard") {
		t.Errorf("--shard 4/3: exit %d, stderr %q", code, stderr)
	}
}
