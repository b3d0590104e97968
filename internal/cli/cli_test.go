package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/services"
	"github.com/baseline-scanner/baseline/internal/awssim"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// run executes the command line in-process, as main does.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Execute(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), ExitCode(err)
}

func readReport(t *testing.T, path string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := report.ValidateJSON(data); err != nil {
		t.Fatalf("%s does not validate against the report schema: %v", path, err)
	}
	var rep report.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

func TestScanDemoTable(t *testing.T) {
	stdout, stderr, code := run(t, "scan", "--demo")
	if code != ExitFailing {
		t.Fatalf("exit code = %d, want %d (the sample organization has high-severity failures); stderr:\n%s", code, ExitFailing, stderr)
	}
	engine, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range engine.Controls() {
		if !strings.Contains(stdout, c.ID) {
			t.Errorf("table does not mention control %s", c.ID)
		}
	}
	for _, want := range []string{"management (111111111111)", "sandbox (444444444444)", "FAIL", "PASS", "ERROR", "Collection errors"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table does not contain %q", want)
		}
	}
	if strings.Contains(stdout, "555555555555") {
		t.Error("the SUSPENDED account was scanned")
	}
	if !strings.Contains(stderr, "API calls") {
		t.Errorf("no progress summary on stderr: %q", stderr)
	}
}

func TestScanDemoJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	_, stderr, code := run(t, "scan", "--demo", "-q", "--format", "json", "-o", path)
	if code != ExitFailing {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, ExitFailing, stderr)
	}
	if stderr != "" {
		t.Errorf("--quiet still wrote to stderr: %q", stderr)
	}
	rep := readReport(t, path)

	// Every control passes somewhere, fails somewhere and errors somewhere.
	statuses := map[string]map[report.Status]bool{}
	for _, r := range rep.Results {
		if statuses[r.ControlID] == nil {
			statuses[r.ControlID] = map[report.Status]bool{}
		}
		statuses[r.ControlID][r.Status] = true
	}
	if want := builtinControls(t); len(statuses) != want {
		t.Errorf("report has %d controls, want the %d built-in ones", len(statuses), want)
	}
	for id, seen := range statuses {
		for _, s := range []report.Status{report.StatusPass, report.StatusFail, report.StatusError} {
			if id == offByDefaultControl && s != report.StatusError {
				continue // judged with a config: TestScanDemoS3MalwareProtection
			}
			if !seen[s] {
				t.Errorf("control %s has no %s result in the demo", id, s)
			}
		}
	}

	// The one GetEnabledStandards denial makes standards ERROR in that cell
	// while securityhub.enabled keeps its verdict.
	cell := map[string]report.Status{}
	for _, r := range rep.Results {
		if r.AccountID == "222222222222" && r.Region == "ap-northeast-1" {
			cell[r.ControlID] = r.Status
		}
	}
	if cell["securityhub.standards"] != report.StatusError || cell["securityhub.enabled"] != report.StatusPass {
		t.Errorf("prod/ap-northeast-1: standards=%s enabled=%s, want ERROR and PASS", cell["securityhub.standards"], cell["securityhub.enabled"])
	}

	var gotErrs []string
	for _, e := range rep.Errors {
		gotErrs = append(gotErrs, strings.Join([]string{e.AccountID, e.Region, e.Service, e.Operation, e.Code}, " "))
	}
	wantErrs := []string{
		"111111111111 ap-northeast-1 guardduty DescribeOrganizationConfiguration AccessDeniedException", // the administrator's detector there is denied
		"111111111111 ap-northeast-1 guardduty ListDetectors AccessDeniedException",
		"222222222222 ap-northeast-1 securityhub GetEnabledStandards AccessDeniedException",
		"333333333333 eu-west-1 guardduty ListMalwareProtectionPlans AccessDeniedException",
		"333333333333 eu-west-1 ssm DescribeInstanceInformation AccessDeniedException",
		"333333333333 us-east-1 securityhub DescribeHub AccessDeniedException",
		"333333333333 us-east-1 securityhub DescribeSecurityHubV2 AccessDeniedException",
		"444444444444 eu-west-1 cloudtrail DescribeTrails AccessDeniedException",
	}
	if !slices.Equal(gotErrs, wantErrs) {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(gotErrs, "\n"), strings.Join(wantErrs, "\n"))
	}
	if got := strings.Join(rep.Scope.Accounts, ","); got != "111111111111,222222222222,333333333333,444444444444" {
		t.Errorf("scope accounts = %s", got)
	}
}

// TestEvaluateSnapshotEqualsScan holds the snapshot contract: evaluating
// the snapshot a scan collected gives the report the scan gave.
func TestEvaluateSnapshotEqualsScan(t *testing.T) {
	dir := t.TempDir()
	snap, scanned, evaluated := filepath.Join(dir, "snapshot.json"), filepath.Join(dir, "scanned.json"), filepath.Join(dir, "evaluated.json")
	if _, stderr, code := run(t, "scan", "--demo", "-q", "--snapshot", snap, "--format", "json", "-o", scanned); code != ExitFailing {
		t.Fatalf("scan exit code = %d; stderr:\n%s", code, stderr)
	}
	if _, stderr, code := run(t, "evaluate", snap, "--format", "json", "-o", evaluated); code != ExitFailing {
		t.Fatalf("evaluate exit code = %d; stderr:\n%s", code, stderr)
	}
	a, b := readReport(t, evaluated), readReport(t, scanned)
	if b.ScanSeconds <= 0 || a.ScanSeconds != 0 {
		t.Errorf("scan_seconds: scan %v (want > 0), evaluate %v (want absent: no scan)", b.ScanSeconds, a.ScanSeconds)
	}
	a.GeneratedAt, a.ScanSeconds = b.GeneratedAt, b.ScanSeconds
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Errorf("evaluate of the scan's snapshot differs from the scan's report")
	}
}

func TestCollectWritesAnEvaluableSnapshot(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "snapshot.json")
	if _, stderr, code := run(t, "collect", "--demo", "-q", "-o", snap); code != ExitIncomplete {
		t.Fatalf("collect exit code = %d, want 3 (the demo has planned collection errors); stderr:\n%s", code, stderr)
	}
	out := filepath.Join(dir, "r.json")
	if _, stderr, code := run(t, "evaluate", snap, "--format", "json", "-o", out); code != ExitFailing {
		t.Fatalf("evaluate exit code = %d; stderr:\n%s", code, stderr)
	}
	scanned := filepath.Join(dir, "scanned.json")
	if _, stderr, code := run(t, "scan", "--demo", "-q", "--format", "json", "-o", scanned); code != ExitFailing {
		t.Fatalf("scan exit code = %d; stderr:\n%s", code, stderr)
	}
	got, want := readReport(t, out), readReport(t, scanned)
	if got.Summary.Total != want.Summary.Total || len(got.Errors) != len(want.Errors) || got.Summary.Total == 0 {
		t.Errorf("evaluated snapshot: %d results and %d errors, want %d and %d as the demo scan gives", got.Summary.Total, len(got.Errors), want.Summary.Total, len(want.Errors))
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"all passing", []string{"scan", "--world", "testdata/healthy.yaml"}, ExitOK},
		{"incomplete, nothing failing at high", []string{"scan", "--world", "testdata/low-only-fault.yaml"}, ExitIncomplete},
		{"same scan failing at low", []string{"scan", "--world", "testdata/low-only-fault.yaml", "--fail-on", "low"}, ExitFailing},
		{"demo fails at critical too", []string{"scan", "--demo", "--fail-on", "critical"}, ExitFailing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, append(tt.args, "-q")...)
			if code != tt.want {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.want, stderr)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badSnap := write("bad-snapshot.json", "{\n  \"schema_version\": \"1\",\n  \"accounts\": [}\n")
	badConfig := write("bad-config.yaml", "securityhub:\n  critcal_sla_days: 3\n")
	badWorld := write("bad-world.yaml", "accounts:\n  - id: \"111111111111\"\n    name: x\n    status: ALIVE\n")

	tests := []struct {
		name string
		args []string
		want string // a regexp the one-line error must match
	}{
		{"unknown format", []string{"scan", "--demo", "--format", "xml"}, `--format: unknown format "xml"`},
		{"unknown fail-on", []string{"scan", "--demo", "--fail-on", "severe"}, `--fail-on: unknown severity "severe"`},
		{"unknown region", []string{"scan", "--demo", "--regions", "us-east-1,eu-wst-1"}, `--regions: unknown region "eu-wst-1"`},
		{"bad account id", []string{"scan", "--demo", "--accounts", "1234"}, `--accounts: "1234" is not a 12-digit AWS account id`},
		{"unknown flag", []string{"scan", "--demo", "--formt", "json"}, `unknown flag: --formt`},
		{"several formats to stdout", []string{"scan", "--demo", "--format", "table,json"}, `need --out-dir`},
		{"malformed snapshot", []string{"evaluate", badSnap}, regexp.QuoteMeta(badSnap) + `:3:16: invalid JSON`},
		{"missing snapshot", []string{"evaluate", filepath.Join(dir, "nope.json")}, `nope.json: no such file`},
		{"config error", []string{"scan", "--demo", "--config", badConfig}, regexp.QuoteMeta(badConfig) + `:2:3: .*critcal_sla_days`},
		{"world error", []string{"scan", "--world", badWorld}, regexp.QuoteMeta(badWorld) + `:4:5: .*ALIVE`},
		{"evaluate without file", []string{"evaluate"}, `expected one snapshot file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := write("report.json", "previous report")
			stdout, stderr, code := run(t, append(tt.args, "-o", out)...)
			if code != ExitUsage {
				t.Errorf("exit code = %d, want %d", code, ExitUsage)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "baseline: ") {
				t.Errorf("stderr is not one error line: %q", stderr)
			}
			if !regexp.MustCompile(tt.want).MatchString(stderr) {
				t.Errorf("stderr = %q, want a match for %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if data, _ := os.ReadFile(out); string(data) != "previous report" {
				t.Errorf("the existing report was overwritten: %q", data)
			}
		})
	}
}

// scanThroughEnv serves the world and runs the command line against it the
// way a user scans a real organization: credentials, region and endpoint from
// the environment, through config.LoadDefaultConfig.
func scanThroughEnv(t *testing.T, world *awssim.World, args ...string) (awssim.CallCounts, string, int) {
	t.Helper()
	srv, err := awssim.Start(world, awssim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	akid, secret := srv.Credentials()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           akid,
		"AWS_SECRET_ACCESS_KEY":       secret,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  "us-east-1",
		"AWS_ENDPOINT_URL":            srv.URL(),
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(t.TempDir(), "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
	_, stderr, code := run(t, args...)
	return srv.Calls(), stderr, code
}

// TestRealCredentialChain scans the sample organization through the SDK's
// default chain. It also holds `baseline iam-policy` equal to exactly the
// actions the code calls: those of a full scan, of a scan as Security Hub
// delegated administrator, and the DescribeRegions fallback.
func TestRealCredentialChain(t *testing.T) {
	world, err := awssim.SampleWorld()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.json")
	calls, stderr, code := scanThroughEnv(t, world, "scan", "--org", "--regions", "all", "-q", "--format", "json", "-o", path)
	if code != ExitFailing {
		t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
	}
	rep := readReport(t, path)
	if len(rep.Scope.Accounts) != 4 || len(rep.Results) == 0 {
		t.Errorf("scope = %v with %d results", rep.Scope.Accounts, len(rep.Results))
	}
	// One AssumeRole per member account, never more.
	if n := calls.Count(awssim.Call{Service: "sts", Operation: "AssumeRole"}); n != 3 {
		t.Errorf("sts:AssumeRole called %d times, want 3 (one per member account)", n)
	}
	called := calls.Actions()

	admin, err := awssim.ParseWorld(t.Context(), "admin-world", []byte(adminWorld))
	if err != nil {
		t.Fatal(err)
	}
	adminCalls, stderr, code := scanThroughEnv(t, admin, "scan", "--org", "--regions", "us-east-1,eu-west-1", "--collection", "admin", "-q", "-o", filepath.Join(t.TempDir(), "admin.txt"))
	if code == ExitUsage {
		t.Fatalf("admin scan failed; stderr:\n%s", stderr)
	}
	called = append(called, adminCalls.Actions()...)
	// A shard looks its own accounts' membership up (GetMembers) rather
	// than listing the administrators' whole organization. Of three
	// shards of the three accounts, 1/3 holds the non-member, 2/3 the
	// member and 3/3 the administrator: ListMembers is asked for one
	// entry (is the caller an administrator at all?) before the listing,
	// while the accounts are unknown, and again only by a shard none of
	// whose accounts is a GuardDuty member.
	for _, shard := range []string{"1/3", "2/3", "3/3"} {
		shardCalls, stderr, code := scanThroughEnv(t, admin, "scan", "--org", "--regions", "us-east-1,eu-west-1", "--collection", "admin", "--shard", shard, "-q", "--format", "json", "-o", filepath.Join(t.TempDir(), "shard.json"))
		if code == ExitUsage {
			t.Fatalf("admin scan of shard %s failed; stderr:\n%s", shard, stderr)
		}
		actions := shardCalls.Actions()
		if slices.Contains(actions, "securityhub:ListMembers") || shard == "2/3" && shardCalls.Count(awssim.Call{Service: "guardduty", Operation: "ListMembers"}) != 1 {
			t.Errorf("shard %s called %v: a shard looks its members up", shard, actions)
		}
		called = append(called, actions...)
	}
	// Systems Manager's node inventory, read through the delegated
	// administrator's sync (TestCollectionSSMInventory).
	ssmWorld, err := awssim.ParseWorld(t.Context(), "ssm-world", []byte(ssmInventoryWorld))
	if err != nil {
		t.Fatal(err)
	}
	ssmCalls, stderr, code := scanThroughEnv(t, ssmWorld, "scan", "--org", "--regions", "us-east-1,eu-west-1", "-q", "-o", filepath.Join(t.TempDir(), "ssm.txt"))
	if code == ExitUsage {
		t.Fatalf("ssm inventory scan failed; stderr:\n%s", stderr)
	}
	called = append(called, ssmCalls.Actions()...)
	// ec2:DescribeRegions is the fallback of account:ListRegions
	// (TestRegionsAllFallsBackToDescribeRegions).
	called = append(called, "ec2:DescribeRegions")
	slices.Sort(called)
	called = slices.Compact(called)
	if listed := checks.ActionsOf(services.All); !slices.Equal(called, listed) {
		t.Errorf("actions the code calls:\n%v\nbaseline iam-policy lists:\n%v", called, listed)
	}

	// The README shows exactly what iam-policy prints.
	policyOut, _, code := run(t, "iam-policy")
	if code != ExitOK {
		t.Fatalf("iam-policy exit code = %d", code)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), policyOut) {
		t.Errorf("README.md does not contain the output of `baseline iam-policy`:\n%s", policyOut)
	}
}

func TestVersion(t *testing.T) {
	stdout, _, code := run(t, "version")
	if code != ExitOK || !strings.HasPrefix(stdout, "baseline ") {
		t.Errorf("version = %q, exit %d", stdout, code)
	}
}

func TestREADMEControlsTableIsGenerated(t *testing.T) {
	doc, _, code := run(t, "policies", "doc")
	if code != ExitOK {
		t.Fatalf("policies doc exit code = %d", code)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	begin, end := "<!-- BEGIN policies doc -->\n", "<!-- END policies doc -->"
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q block", begin, end)
	}
	if got := s[i+len(begin) : j]; got != doc {
		t.Errorf("README.md controls table differs from `baseline policies doc`; paste its output between the markers")
	}
}

func TestPoliciesCommands(t *testing.T) {
	stdout, _, code := run(t, "policies", "test")
	if code != ExitOK || !regexp.MustCompile(`(?m)^\d+ passed, 0 failed, 0 errors, 0 skipped$`).MatchString(stdout) {
		t.Errorf("policies test: exit %d, output:\n%s", code, stdout)
	}
	stdout, _, code = run(t, "policies", "list", "--format", "json")
	var controls []policies.Control
	if err := json.Unmarshal([]byte(stdout), &controls); code != ExitOK || err != nil || len(controls) != builtinControls(t) {
		t.Errorf("policies list --format json: exit %d, %d controls, err %v", code, len(controls), err)
	}
	if _, stderr, code := run(t, "policies", "list", "--format", "yaml"); code != ExitUsage || !strings.Contains(stderr, `unknown format "yaml"`) {
		t.Errorf("policies list --format yaml: exit %d, stderr %q", code, stderr)
	}
}

func TestReportFileMode(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.json")
	kept := filepath.Join(dir, "kept.json")
	if err := os.WriteFile(kept, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fresh, kept} {
		if _, stderr, code := run(t, "scan", "--world", "testdata/healthy.yaml", "-q", "--format", "json", "-o", path); code != ExitOK {
			t.Fatalf("exit %d; %s", code, stderr)
		}
	}
	for path, want := range map[string]os.FileMode{fresh: 0o644, kept: 0o640} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(path), got, want)
		}
	}
}
