package ghaction

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

const repoRoot = "../.."

var scripts = filepath.Join(repoRoot, ".github", "actions", "scan")

// action is the part of action.yml the tests read.
type action struct {
	Inputs map[string]struct {
		Required bool   `yaml:"required"`
		Default  string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name  string            `yaml:"name"`
			ID    string            `yaml:"id"`
			If    string            `yaml:"if"`
			Uses  string            `yaml:"uses"`
			Run   string            `yaml:"run"`
			Shell string            `yaml:"shell"`
			Env   map[string]string `yaml:"env"`
			With  map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

var pinnedUses = regexp.MustCompile(`^[\w.-]+/[\w./-]+@[0-9a-f]{40}$`)

// TestActionDefinition holds action.yml to what the scripts and README
// expect: a composite action whose shell steps are the tested scripts, with
// inputs reaching them through the environment only, third-party actions
// pinned by commit, and the baseline artifact uploaded after complete scans
// only.
func TestActionDefinition(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	if !a.Inputs["version"].Required {
		t.Error("input version is not required: the release must be pinned by the caller")
	}
	for in, want := range map[string]string{"regions": "all", "fail-on": "high", "previous-artifact": "baseline", "fail-on-new": "true", "args": "--org"} {
		if got := a.Inputs[in].Default; got != want {
			t.Errorf("input %s defaults to %q, want %q", in, got, want)
		}
	}
	for _, out := range []string{"exit-code", "complete", "report", "previous-found"} {
		if a.Outputs[out].Value == "" {
			t.Errorf("no output %s", out)
		}
	}
	ran := map[string]bool{}
	keep := false
	for _, s := range a.Runs.Steps {
		switch {
		case s.Run != "":
			if s.Shell != "bash" {
				t.Errorf("step %q: shell %q, want bash", s.Name, s.Shell)
			}
			// Inputs never pasted into shell code: only through env.
			if strings.Contains(s.Run, "${{") {
				t.Errorf("step %q interpolates an expression into its script: %s", s.Name, s.Run)
			}
			m := regexp.MustCompile(`^bash "\$GITHUB_ACTION_PATH/\.github/actions/scan/(\w+\.sh)"$`).FindStringSubmatch(s.Run)
			if m == nil {
				t.Errorf("step %q does not run one of the tested scripts: %s", s.Name, s.Run)
				continue
			}
			if _, err := os.Stat(filepath.Join(scripts, m[1])); err != nil {
				t.Errorf("step %q: %v", s.Name, err)
			}
			ran[m[1]] = true
		case s.Uses != "":
			if !pinnedUses.MatchString(s.Uses) {
				t.Errorf("step %q uses %s, not pinned by a full commit SHA", s.Name, s.Uses)
			}
			if s.With["name"] == "${{ inputs.previous-artifact }}" {
				keep = true
				if !strings.Contains(s.If, "steps.scan.outputs.complete == 'true'") {
					t.Errorf("the baseline artifact is uploaded when %q: an incomplete scan could become the baseline", s.If)
				}
			}
		}
	}
	for _, sh := range []string{"install.sh", "previous.sh", "scan.sh", "notify.sh", "verdict.sh"} {
		if !ran[sh] {
			t.Errorf("action.yml does not run %s", sh)
		}
	}
	if !keep {
		t.Error("no step uploads the previous-artifact (the next run's baseline)")
	}
	if !strings.Contains(string(data), "# v") {
		t.Error("pinned actions carry no version comment")
	}
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// baselineBin installs baseline with the action's own install step in
// "source" mode (go build of this checkout), once per test binary.
func baselineBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "baseline-action-bin")
		if buildErr != nil {
			return
		}
		abs, _ := filepath.Abs(repoRoot)
		var out []byte
		var outputs map[string]string
		out, outputs, _, buildErr = runStep(t, buildDir, "install.sh", map[string]string{
			"BASELINE_VERSION":    "source",
			"BASELINE_SOURCE_DIR": abs,
			"BASELINE_BIN_DIR":    filepath.Join(buildDir, "bin"),
		})
		if buildErr != nil {
			buildErr = fmt.Errorf("install.sh source: %v\n%s", buildErr, out)
			return
		}
		builtBin = outputs["path"]
		if !bytes.Contains(out, []byte("baseline ")) || builtBin == "" {
			buildErr = fmt.Errorf("install.sh source printed no version or path:\n%s", out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// runStep runs one of the action's scripts in dir with a fake GitHub
// environment: its own GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and none
// of the host's GITHUB_*, RUNNER_* or BASELINE_* variables. It returns the
// combined output, the outputs written, the summary written, and the error.
func runStep(t *testing.T, dir, script string, env map[string]string) ([]byte, map[string]string, string, error) {
	t.Helper()
	ghOut := filepath.Join(dir, "github_output")
	ghSum := filepath.Join(dir, "step_summary")
	for _, f := range []string{ghOut, ghSum} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	abs, _ := filepath.Abs(filepath.Join(scripts, script))
	cmd := exec.Command("bash", abs)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "GITHUB_") && !strings.HasPrefix(k, "RUNNER_") && !strings.HasPrefix(k, "BASELINE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GITHUB_OUTPUT="+ghOut, "GITHUB_STEP_SUMMARY="+ghSum, "RUNNER_TEMP="+dir)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	outputs := map[string]string{}
	data, _ := os.ReadFile(ghOut)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			if _, dup := outputs[k]; dup {
				t.Errorf("%s wrote output %s twice", script, k)
			}
			outputs[k] = v
		}
	}
	summary, _ := os.ReadFile(ghSum)
	return out, outputs, string(summary), err
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (GitHub's runners have it)", tool)
		}
	}
}

// artifactAPI is a local stand-in for GitHub's artifacts REST API: it lists
// the artifacts named "baseline" and serves each one's zip.
type artifactAPI struct {
	artifacts []map[string]any
	zips      map[int][]byte
	status    int // when not 0, every request fails with it
	requests  []string
	mu        sync.Mutex
}

func (a *artifactAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.requests = append(a.requests, r.Method+" "+r.URL.RequestURI()+" auth="+r.Header.Get("Authorization"))
	if a.status != 0 {
		http.Error(w, `{"message":"Resource not accessible by integration"}`, a.status)
		return
	}
	switch {
	case r.URL.Path == "/repos/acme/security/actions/artifacts":
		var list []map[string]any
		for _, art := range a.artifacts {
			if art["name"] == r.URL.Query().Get("name") {
				list = append(list, art)
			}
		}
		json.NewEncoder(w).Encode(map[string]any{"total_count": len(list), "artifacts": list})
	default:
		var id int
		if _, err := fmt.Sscanf(r.URL.Path, "/repos/acme/security/actions/artifacts/%d/zip", &id); err == nil && a.zips[id] != nil {
			w.Write(a.zips[id])
			return
		}
		http.NotFound(w, r)
	}
}

func zipOf(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestActionStepsAgainstTheSimulator runs the action's steps as GitHub would
// over three scheduled runs of the simulated organization, and checks each
// step's outputs, the job summary, the report files and the exit codes.
func TestActionStepsAgainstTheSimulator(t *testing.T) {
	needTools(t, "curl", "jq", "unzip")
	bin := baselineBin(t)
	world := func(name string) string {
		abs, _ := filepath.Abs(filepath.Join(repoRoot, "internal", "cli", "testdata", name))
		return abs
	}
	api := &artifactAPI{zips: map[int][]byte{}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	// run is an artifact's workflow_run: the repository is 7; headRepo 7 is
	// a run of the repository itself, another a fork's pull request.
	run := func(id int, branch string, headRepo int) map[string]any {
		return map[string]any{"id": id, "repository_id": 7, "head_repository_id": headRepo, "head_branch": branch}
	}
	gh := func(env map[string]string) map[string]string {
		env["GITHUB_API_URL"] = srv.URL
		env["GITHUB_REPOSITORY"] = "acme/security"
		env["GH_TOKEN"] = "ghs_testtoken"
		env["PREVIOUS_ARTIFACT"] = "baseline"
		env["GITHUB_REF_NAME"] = "main"
		return env
	}

	// Run 1: no baseline yet. The demo organization has failures: exit 1,
	// a complete scan (it becomes the baseline), and the run does not fail
	// because there was nothing to regress from.
	dir1 := t.TempDir()
	out, o, _, err := runStep(t, dir1, "previous.sh", gh(map[string]string{"PREVIOUS_DIR": filepath.Join(dir1, "prev")}))
	if err != nil || o["found"] != "false" || !bytes.Contains(out, []byte("sets the baseline")) {
		t.Fatalf("previous.sh, no artifact: %v outputs %v\n%s", err, o, out)
	}
	api.mu.Lock()
	requests := api.requests
	api.mu.Unlock()
	if len(requests) != 1 || !strings.Contains(requests[0], "name=baseline") || !strings.HasSuffix(requests[0], "auth=Bearer ghs_testtoken") {
		t.Errorf("artifact API requests: %q", requests)
	}
	scanEnv := func(args string, prev string) map[string]string {
		return map[string]string{"BASELINE_BIN": bin, "BASELINE_ARGS": args, "FAIL_ON": "high", "FAIL_ON_NEW": "true",
			"FORMATS": "html,ndjson,junit", "OUT_DIR": "out", "PREVIOUS_ARTIFACT": "baseline", "WAIVERS": ".github/baseline/waivers.yaml", "TEAMS": ".github/baseline/teams.yaml", "PREVIOUS_FILE": prev}
	}
	out, o, summary, err := runStep(t, dir1, "scan.sh", scanEnv("--demo -q", ""))
	if err != nil {
		t.Fatalf("scan.sh must not fail on the verdict: %v\n%s", err, out)
	}
	if o["exit-code"] != "1" || o["complete"] != "true" || o["report"] != "out/report.json" {
		t.Errorf("run 1 outputs = %v, want exit-code 1, complete true", o)
	}
	if !bytes.Contains(out, []byte("baseline scan --regions all --fail-on high --out-dir out --format html,ndjson,junit,json,markdown --demo -q")) {
		t.Errorf("scan command line:\n%s", out)
	}
	for _, want := range []string{"**baseline: exit 1 — failures at or above high.**", "this one sets the baseline", "# Baseline report", "47 FAIL"} {
		if !strings.Contains(summary, want) {
			t.Errorf("run 1 step summary lacks %q:\n%.600s", want, summary)
		}
	}
	for _, f := range []string{"report.json", "report.md", "report.html", "report.ndjson", "report.xml"} {
		if st, err := os.Stat(filepath.Join(dir1, "out", f)); err != nil || st.Size() == 0 {
			t.Errorf("artifact file out/%s: %v", f, err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir1, "out", "report.md"))
	if !strings.HasSuffix(summary, string(md)) {
		t.Error("the step summary does not end with the whole Markdown report")
	}
	out, err = runVerdict(t, dir1, "1", "false", nil)
	if err != nil || !bytes.Contains(out, []byte("::notice::Failures at or above high exist; with no previous complete scan they are the baseline")) {
		t.Errorf("verdict of a first scan with failures: %v\n%s", err, out)
	}

	// The action uploads run 1's report as the "baseline" artifact. The API
	// lists it beside an older one and a newer expired one: the newest
	// unexpired is taken.
	report1, err := os.ReadFile(filepath.Join(dir1, "out", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Run 1 as a scheduled run an hour earlier: a history report counts
	// only when generated before the report it is history of, and runs 1
	// and 2 here often fall in the same second.
	report1 = anHourEarlier(t, report1)
	api.mu.Lock()
	api.artifacts = []map[string]any{
		{"id": 10, "name": "baseline", "expired": false, "created_at": "2026-11-16T06:20:00Z", "workflow_run": run(100, "main", 7)},
		{"id": 11, "name": "baseline", "expired": false, "created_at": "2026-11-23T06:20:00Z", "workflow_run": run(101, "main", 7)},
		{"id": 12, "name": "baseline", "expired": true, "created_at": "2026-11-30T06:20:00Z", "workflow_run": run(102, "main", 7)},
		{"id": 13, "name": "baseline-report", "expired": false, "created_at": "2026-12-01T06:20:00Z", "workflow_run": run(103, "main", 7)},
		// Newer, but from a feature branch and from a fork's pull request:
		// neither may become the scheduled scan's baseline.
		{"id": 14, "name": "baseline", "expired": false, "created_at": "2026-11-28T06:20:00Z", "workflow_run": run(104, "feature/x", 7)},
		{"id": 15, "name": "baseline", "expired": false, "created_at": "2026-11-29T06:20:00Z", "workflow_run": run(105, "main", 99)},
	}
	api.zips[10] = zipOf(t, "report.json", []byte("{}"))
	api.zips[11] = zipOf(t, "report.json", report1)
	api.mu.Unlock()

	// Run 2: the same organization against that baseline, --fail-on-new:
	// nothing new, but the demo's denied calls make the scan incomplete:
	// exit 3, so this run does not replace the baseline.
	dir2 := t.TempDir()
	out, o, _, err = runStep(t, dir2, "previous.sh", gh(map[string]string{"PREVIOUS_DIR": filepath.Join(dir2, "prev"), "HISTORY": "5"}))
	if err != nil || o["found"] != "true" || o["run-id"] != "101" || o["file"] != filepath.Join(dir2, "prev", "report.json") {
		t.Fatalf("previous.sh: %v outputs %v\n%s", err, o, out)
	}
	if got, _ := os.ReadFile(o["file"]); !bytes.Equal(got, report1) {
		t.Error("previous.sh did not unpack the newest unexpired baseline")
	}
	// history: the eligible artifacts (10 and 11; not the expired, the
	// feature branch's or the fork's), each in its own folder.
	historyDir := o["history-dir"]
	if historyDir != filepath.Join(dir2, "prev", "history") {
		t.Fatalf("previous.sh with HISTORY=5: history-dir %q\n%s", historyDir, out)
	}
	if entries, _ := os.ReadDir(historyDir); len(entries) != 2 || entries[0].Name() != "10" || entries[1].Name() != "11" {
		t.Errorf("history folders %v, want 10 and 11", entries)
	}
	env2 := scanEnv("--demo -q", filepath.Join(dir2, "prev", "report.json"))
	env2["HISTORY_DIR"] = historyDir
	out, o, summary, err = runStep(t, dir2, "scan.sh", env2)
	if err != nil || o["exit-code"] != "3" || o["complete"] != "false" {
		t.Fatalf("run 2: %v outputs %v\n%s", err, o, out)
	}
	if !strings.Contains(string(out), "--previous "+filepath.Join(dir2, "prev", "report.json")+" --fail-on-new") {
		t.Errorf("run 2 does not compare with the baseline:\n%s", out)
	}
	if !strings.Contains(summary, "**baseline: exit 3 — incomplete scan") || strings.Contains(summary, "sets the baseline") {
		t.Errorf("run 2 summary:\n%.400s", summary)
	}
	if !strings.Contains(summary, "Changes since the previous scan") {
		t.Errorf("run 2 summary has no changes section:\n%.2000s", summary)
	}
	if !strings.Contains(string(out), "--history "+historyDir) || !strings.Contains(string(out), filepath.Join(historyDir, "10", "report.json")+": not a baseline report, left out") {
		t.Errorf("run 2 does not pass the history (or does not name the artifact that is no report):\n%s", out)
	}
	var rep2 struct {
		History struct{ Reports int } `json:"history"`
		Results []struct {
			Status       string `json:"status"`
			FailingSince string `json:"failing_since"`
		} `json:"results"`
	}
	data2, _ := os.ReadFile(filepath.Join(dir2, "out", "report.json"))
	if err := json.Unmarshal(data2, &rep2); err != nil || rep2.History.Reports != 1 {
		t.Errorf("run 2 report: history of %d report(s) (%v), want run 1's", rep2.History.Reports, err)
	}
	var r1 struct {
		GeneratedAt string `json:"generated_at"`
	}
	json.Unmarshal(report1, &r1)
	since := 0
	for _, r := range rep2.Results {
		if r.Status == "FAIL" && r.FailingSince == r1.GeneratedAt {
			since++
		}
	}
	if since == 0 {
		t.Errorf("no failure of run 2 fails since run 1 (%s)", r1.GeneratedAt)
	}
	if strings.Contains(string(out), "--history") && !strings.Contains(summary, "## Trend") {
		t.Errorf("run 2 summary has no trend:\n%.3000s", summary)
	}

	// Run 3: an incomplete scan (a denied call, nothing failing): exit 3,
	// not complete, so the action does not keep it as the baseline; the run
	// warns, and fails only with fail-on-incomplete.
	dir3 := t.TempDir()
	out, o, summary, err = runStep(t, dir3, "scan.sh", scanEnv("--world "+world("low-only-fault.yaml")+" -q", ""))
	if err != nil || o["exit-code"] != "3" || o["complete"] != "false" {
		t.Fatalf("run 3: %v outputs %v\n%s", err, o, out)
	}
	if !strings.Contains(summary, "**baseline: exit 3 — incomplete scan") || !strings.Contains(summary, "will not become the next baseline") {
		t.Errorf("run 3 summary:\n%.400s", summary)
	}
	if out, err := runVerdict(t, dir3, "3", "true", nil); err != nil || !bytes.Contains(out, []byte("::warning::The scan was incomplete")) {
		t.Errorf("verdict 3: %v\n%s", err, out)
	}
	if _, err := runVerdict(t, dir3, "3", "true", map[string]string{"FAIL_ON_INCOMPLETE": "true"}); exitCode(err) != 3 {
		t.Errorf("verdict 3 with fail-on-incomplete: exit %d, want 3", exitCode(err))
	}

	// A healthy organization: exit 0, complete. Then the demo organization
	// against it as the baseline: new failures, exit 1, and the summary
	// says they are new.
	dir4 := t.TempDir()
	if out, o, _, err := runStep(t, dir4, "scan.sh", scanEnv("--world "+world("healthy.yaml")+" -q", "")); err != nil || o["exit-code"] != "0" || o["complete"] != "true" {
		t.Errorf("healthy: %v outputs %v\n%s", err, o, out)
	}
	out, o, summary, err = runStep(t, t.TempDir(), "scan.sh", scanEnv("--demo -q", filepath.Join(dir4, "out", "report.json")))
	if err != nil || o["exit-code"] != "1" || o["complete"] != "true" ||
		!strings.Contains(summary, "**baseline: exit 1 — new or regressed failures at or above high since the previous scan.**") {
		t.Errorf("regression: %v outputs %v\n%.400s\n%s", err, o, summary, out)
	}
	if out, err := runVerdict(t, dir4, "1", "true", nil); exitCode(err) != 1 || !bytes.Contains(out, []byte("::error::New or regressed failures")) {
		t.Errorf("verdict of a regression: exit %d\n%s", exitCode(err), out)
	}

	// A bad flag: exit 2 recorded, the verdict fails with it.
	dir5 := t.TempDir()
	out, o, summary, err = runStep(t, dir5, "scan.sh", scanEnv("--demo --no-such-flag", ""))
	if err != nil || o["exit-code"] != "2" || o["complete"] != "false" || !strings.Contains(summary, "did not run to the end (exit 2)") {
		t.Errorf("bad flag: %v outputs %v summary %q\n%s", err, o, summary, out)
	}
	if _, err := runVerdict(t, dir5, "2", "false", nil); exitCode(err) != 2 {
		t.Errorf("verdict 2: exit %d", exitCode(err))
	}
}

func runVerdict(t *testing.T, dir, code, found string, extra map[string]string) ([]byte, error) {
	env := map[string]string{"EXIT_CODE": code, "PREVIOUS_FOUND": found, "FAIL_ON": "high", "FAIL_ON_NEW": "true", "PREVIOUS_ARTIFACT": "baseline"}
	for k, v := range extra {
		env[k] = v
	}
	out, _, _, err := runStep(t, dir, "verdict.sh", env)
	return out, err
}

// TestVerdictTable: the verdict step's exit code for each scan exit code.
func TestVerdictTable(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		code, found, onNew string
		want               int
	}{
		{"0", "true", "true", 0},
		{"1", "true", "true", 1},  // a regression
		{"1", "false", "true", 0}, // first scan: the baseline
		{"1", "false", "false", 1},
		{"1", "true", "false", 1},
		{"3", "true", "true", 0},
		{"2", "true", "true", 2},
		{"", "false", "true", 2},
	} {
		_, err := runVerdict(t, dir, tc.code, tc.found, map[string]string{"FAIL_ON_NEW": tc.onNew})
		if got := exitCode(err); got != tc.want {
			t.Errorf("exit-code %q, previous found %s, fail-on-new %s: verdict exits %d, want %d", tc.code, tc.found, tc.onNew, got, tc.want)
		}
	}
	// Without a baseline artifact every run would be a "first" one: known
	// failures must fail it, or the action would stay green for ever.
	if _, err := runVerdict(t, dir, "1", "false", map[string]string{"PREVIOUS_ARTIFACT": ""}); exitCode(err) != 1 {
		t.Errorf("exit-code 1 with no baseline artifact configured: verdict exits %d, want 1", exitCode(err))
	}
}

// TestPreviousStepFailsOnAPIErrors: a failed artifact lookup fails the step
// rather than scanning without the baseline (which would hide regressions).
func TestPreviousStepFailsOnAPIErrors(t *testing.T) {
	needTools(t, "curl", "jq", "unzip")
	api := &artifactAPI{status: http.StatusForbidden}
	srv := httptest.NewServer(api)
	defer srv.Close()
	dir := t.TempDir()
	env := map[string]string{"GITHUB_API_URL": srv.URL, "GITHUB_REPOSITORY": "acme/security", "PREVIOUS_ARTIFACT": "baseline", "PREVIOUS_DIR": filepath.Join(dir, "prev")}
	out, o, _, err := runStep(t, dir, "previous.sh", env)
	if err == nil || o["found"] != "" || !bytes.Contains(out, []byte("actions: read")) {
		t.Errorf("403: %v outputs %v\n%s", err, o, out)
	}
	// An artifact without report.json fails too.
	api.mu.Lock()
	api.status = 0
	api.artifacts = []map[string]any{{"id": 5, "name": "baseline", "expired": false, "created_at": "2026-11-23T06:20:00Z"}}
	api.zips = map[int][]byte{5: zipOf(t, "other.txt", []byte("x"))}
	api.mu.Unlock()
	if out, _, _, err := runStep(t, dir, "previous.sh", env); err == nil || !bytes.Contains(out, []byte("has no report.json")) {
		t.Errorf("no report.json: %v\n%s", err, out)
	}
	env["PREVIOUS_ARTIFACT"] = "../x"
	if out, _, _, err := runStep(t, dir, "previous.sh", env); err == nil || !bytes.Contains(out, []byte("not a plain artifact name")) {
		t.Errorf("bad name: %v\n%s", err, out)
	}
	env["PREVIOUS_ARTIFACT"] = ""
	if out, o, _, err := runStep(t, dir, "previous.sh", env); err != nil || o["found"] != "false" {
		t.Errorf("no previous-artifact: %v %v\n%s", err, o, out)
	}
}

// TestInstallVerifiesTheRelease serves a release the way GitHub does
// (goreleaser's default archive name and checksums.txt) and installs it
// with the action's install step; a tampered archive is refused.
func TestInstallVerifiesTheRelease(t *testing.T) {
	needTools(t, "curl", "tar")
	runnerOS := map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS]
	runnerArch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	if runnerOS == "" || runnerArch == "" {
		t.Skipf("no release for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	bin := baselineBin(t)
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	archive := func(version string) string {
		return fmt.Sprintf("baseline_%s_%s_%s.tar.gz", version, runtime.GOOS, runtime.GOARCH)
	}
	var tgz bytes.Buffer
	gz := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		data []byte
	}{{"LICENSE", []byte("Apache-2.0")}, {"baseline", exe}} {
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.data))})
		tw.Write(f.data)
	}
	tw.Close()
	gz.Close()
	sum := sha256.Sum256(tgz.Bytes())
	good := hex.EncodeToString(sum[:])
	files := map[string][]byte{
		"/v9.9.9/" + archive("9.9.9"): tgz.Bytes(),
		"/v9.9.9/checksums.txt":       []byte(strings.Repeat("0", 64) + "  baseline_9.9.9_windows_amd64.zip\n" + good + "  " + archive("9.9.9") + "\n"),
		"/v9.9.8/" + archive("9.9.8"): append(append([]byte{}, tgz.Bytes()...), 0), // one byte more than its checksum
		"/v9.9.8/checksums.txt":       []byte(good + "  " + archive("9.9.8") + "\n"),
		"/v9.9.7/" + archive("9.9.7"): tgz.Bytes(),
		"/v9.9.7/checksums.txt":       []byte(good + "  " + archive("9.9.9") + "\n"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if data, ok := files[r.URL.Path]; ok {
			w.Write(data)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		version, want string
		ok            bool
	}{
		{"v9.9.9", "baseline ", true},
		{"v9.9.8", "does not match checksums.txt", false},
		{"v9.9.7", "has no SHA-256 for " + archive("9.9.7"), false},
		{"v9.9.6", "could not download", false},
		{"latest", "is not a release tag", false},
		{"v1.2.3; rm -rf /", "is not a release tag", false},
	} {
		t.Run(tc.version, func(t *testing.T) {
			dir := t.TempDir()
			out, o, _, err := runStep(t, dir, "install.sh", map[string]string{
				"BASELINE_VERSION": tc.version, "BASELINE_DOWNLOAD_BASE": srv.URL, "BASELINE_BIN_DIR": filepath.Join(dir, "bin"),
				"RUNNER_OS": runnerOS, "RUNNER_ARCH": runnerArch,
			})
			if (err == nil) != tc.ok || !bytes.Contains(out, []byte(tc.want)) {
				t.Fatalf("install %s: %v, want ok=%v and %q\n%s", tc.version, err, tc.ok, tc.want, out)
			}
			_, statErr := os.Stat(filepath.Join(dir, "bin", "baseline"))
			if tc.ok != (statErr == nil) || (tc.ok && o["path"] != filepath.Join(dir, "bin", "baseline")) {
				t.Errorf("installed binary: %v, outputs %v", statErr, o)
			}
		})
	}
}

// TestNotifyStepPostsOnce runs the notify step against a local webhook: one
// Slack message with the run's verdict; nothing without a URL; a failed
// post warns without failing the step; the URL is never printed.
func TestNotifyStepPostsOnce(t *testing.T) {
	bin := baselineBin(t)
	dir := t.TempDir()
	rep := filepath.Join(dir, "report.json")
	if err := exec.Command(bin, "scan", "--demo", "-q", "--format", "json", "-o", rep).Run(); exitCode(err) != 1 {
		t.Fatalf("demo scan: %v", err)
	}
	var posts []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		posts = append(posts, b.String())
		if strings.Contains(r.URL.Path, "broken") {
			http.Error(w, "no_service", http.StatusNotFound)
		}
	}))
	defer srv.Close()
	env := map[string]string{"BASELINE_BIN": bin, "REPORT": rep, "WEBHOOK_KIND": "slack", "FAIL_ON": "high", "NOTIFY_TEAM": "data",
		"BASELINE_WEBHOOK_URL": srv.URL + "/services/T1/B1/hooksecret"}
	posted := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), posts...)
	}
	out, _, _, err := runStep(t, dir, "notify.sh", env)
	if posts := posted(); err != nil || len(posts) != 1 || !strings.Contains(posts[0], `"text":"baseline scan — team data: Failures at or above high`) {
		t.Fatalf("notify: %v, posts %q\n%s", err, posts, out)
	}
	env["BASELINE_WEBHOOK_URL"] = srv.URL + "/services/broken/hooksecret"
	out, _, _, err = runStep(t, dir, "notify.sh", env)
	if err != nil || !bytes.Contains(out, []byte("::warning::The slack notification failed")) || !bytes.Contains(out, []byte("HTTP 404")) {
		t.Errorf("failed post: %v\n%s", err, out)
	}
	if bytes.Contains(out, []byte("hooksecret")) {
		t.Errorf("the webhook URL was printed:\n%s", out)
	}
	env["BASELINE_WEBHOOK_URL"] = ""
	if out, _, _, err := runStep(t, dir, "notify.sh", env); err != nil || len(posted()) != 2 || !bytes.Contains(out, []byte("no chat message")) {
		t.Errorf("no URL: %v, %d posts\n%s", err, len(posted()), out)
	}
}

// TestShardedRunMergesIntoOneVerdict runs the sharded workflow's steps: two
// shard jobs scan half the demo organization each, then the merge job's
// scan step (merge-reports) merges them, reports once and records one exit
// code; a missing shard is exit 2.
func TestShardedRunMergesIntoOneVerdict(t *testing.T) {
	bin := baselineBin(t)
	dir := t.TempDir()
	for _, k := range []string{"1", "2"} {
		out, o, _, err := runStep(t, dir, "scan.sh", map[string]string{"BASELINE_BIN": bin, "BASELINE_ARGS": "--demo -q --shard " + k + "/2",
			"FORMATS": "json", "OUT_DIR": "shard-" + k})
		if err != nil || o["exit-code"] == "2" || o["exit-code"] == "" {
			t.Fatalf("shard %s: %v %v\n%s", k, err, o, out)
		}
	}
	env := map[string]string{"BASELINE_BIN": bin, "MERGE_REPORTS": "shard-*/report.json", "FORMATS": "json,markdown,html", "OUT_DIR": "out",
		"BASELINE_ARGS": "--org --shard 9/9", "WAIVERS": "nope.yaml"} // ignored when merging
	out, o, summary, err := runStep(t, dir, "scan.sh", env)
	if err != nil || o["exit-code"] != "1" || o["complete"] != "true" {
		t.Fatalf("merge: %v %v\n%s", err, o, out)
	}
	if !bytes.Contains(out, []byte("baseline merge shard-1/report.json shard-2/report.json -o ")) || !bytes.Contains(out, []byte("baseline report ")) {
		t.Errorf("merge step commands:\n%s", out)
	}
	var merged struct {
		Scope struct {
			Accounts []string `json:"accounts"`
			Shard    any      `json:"shard"`
		} `json:"scope"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &merged); err != nil || len(merged.Scope.Accounts) != 4 || merged.Scope.Shard != nil {
		t.Errorf("merged report scope: %+v (%v)", merged.Scope, err)
	}
	if !strings.Contains(summary, "**baseline: exit 1") || !strings.Contains(summary, "4 accounts") {
		t.Errorf("merged summary:\n%.500s", summary)
	}
	os.RemoveAll(filepath.Join(dir, "shard-2"))
	out, o, summary, err = runStep(t, dir, "scan.sh", env)
	if err != nil || o["exit-code"] != "2" || o["complete"] != "false" || !strings.Contains(summary, "exit 2") {
		t.Errorf("a missing shard: %v %v\n%s", err, o, out)
	}
	env["MERGE_REPORTS"] = "nothing-*.json"
	if out, o, _, err := runStep(t, dir, "scan.sh", env); err != nil || o["exit-code"] != "2" || !bytes.Contains(out, []byte("no file matches")) {
		t.Errorf("no shard at all: %v %v\n%s", err, o, out)
	}
}

// anHourEarlier is report with its generation time, and every time stamp
// equal to it (the failures first seen then), an hour earlier.
func anHourEarlier(t *testing.T, report []byte) []byte {
	t.Helper()
	var r struct {
		GeneratedAt string `json:"generated_at"`
	}
	if err := json.Unmarshal(report, &r); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.RFC3339Nano, r.GeneratedAt)
	if err != nil {
		t.Fatal(err)
	}
	earlier := at.Add(-time.Hour).Format(time.RFC3339Nano)
	return bytes.ReplaceAll(report, []byte(`"`+r.GeneratedAt+`"`), []byte(`"`+earlier+`"`))
}
