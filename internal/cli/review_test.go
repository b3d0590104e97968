package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/report"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// day is a date relative to today (UTC), as waivers write it.
func day(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02") }

type resultKey struct{ account, region, control, resource string }

func byKey(rep *report.Report) map[resultKey]report.Result {
	m := map[resultKey]report.Result{}
	for _, r := range rep.Results {
		m[resultKey{r.AccountID, r.Region, r.ControlID, r.Resource}] = r
	}
	return m
}

func TestScanDemoWaivers(t *testing.T) {
	dir := t.TempDir()
	waiversFile := writeFile(t, dir, "waivers.yaml", fmt.Sprintf(`# accepted risks
- control: ssm.*
  accounts: ["222222222222"]
  regions: [us-east-1]
  resource: i-0f3b*
  reason: legacy reporting server is retired in the Q3 migration
  owner: data-platform@acme.example
  expires: %s
- control: guardduty.enabled
  accounts: ["444444444444"]
  reason: sandbox, no workloads
  owner: sandbox-admins@acme.example
  expires: %s
- control: securityhub.*
  accounts: ["333333333333"]
  reason: staging Security Hub rollout
  owner: platform@acme.example
  expires: %s
- control: cloudtrail.kms_encryption
  accounts: ["222222222222"]
  reason: nothing to waive here
  owner: payments@acme.example
  expires: %s
- control: securityhub.standards
  accounts: ["222222222222"]
  regions: [ap-northeast-1]
  reason: an ERROR is never waived
  owner: payments@acme.example
  expires: %s
`, day(90), day(5), day(-1), day(30), day(30)))

	out := filepath.Join(dir, "r.json")
	_, stderr, code := run(t, "scan", "--demo", "-q", "--waivers", waiversFile, "--format", "json", "-o", out)
	if code != ExitFailing {
		t.Fatalf("exit code = %d, want %d; stderr:\n%s", code, ExitFailing, stderr)
	}
	rep := readReport(t, out)
	results := byKey(rep)

	wantWaived := map[resultKey]string{
		{"222222222222", "us-east-1", "ssm.instances_managed", "i-0f3b7d9e1a5c28460"}: "ssm.*",
		{"444444444444", "eu-west-1", "guardduty.enabled", ""}:                        "guardduty.enabled",
	}
	waived := 0
	for k, r := range results {
		if r.Status != report.StatusWaived {
			continue
		}
		waived++
		if want, ok := wantWaived[k]; !ok || r.Waiver == nil || r.Waiver.Control != want {
			t.Errorf("%v WAIVED by %+v, want %q", k, r.Waiver, want)
		}
	}
	if waived != len(wantWaived) || rep.Summary.Waived != waived {
		t.Errorf("%d WAIVED results (summary says %d), want %d", waived, rep.Summary.Waived, len(wantWaived))
	}
	w := results[resultKey{"222222222222", "us-east-1", "ssm.instances_managed", "i-0f3b7d9e1a5c28460"}].Waiver
	if w == nil || *w != (report.Waiver{Control: "ssm.*", Reason: "legacy reporting server is retired in the Q3 migration", Owner: "data-platform@acme.example", Expires: day(90)}) {
		t.Errorf("waiver = %+v", w)
	}
	// The expired waiver is not applied; the ERROR stays ERROR.
	if s := results[resultKey{"333333333333", "ap-northeast-1", "securityhub.enabled", ""}].Status; s != report.StatusFail {
		t.Errorf("333333333333 securityhub.enabled under an expired waiver: %s, want FAIL", s)
	}
	if s := results[resultKey{"222222222222", "ap-northeast-1", "securityhub.standards", ""}].Status; s != report.StatusError {
		t.Errorf("waived ERROR: %s, want ERROR", s)
	}

	var states []string
	for _, s := range rep.Waivers {
		states = append(states, fmt.Sprintf("%s %s %d %d", s.Control, s.State, s.Matched, s.DaysLeft))
	}
	want := []string{"ssm.* active 1 90", "guardduty.enabled expiring 1 5", "securityhub.* expired 0 -1", "cloudtrail.kms_encryption unused 0 30", "securityhub.standards unused 0 30"}
	if strings.Join(states, "\n") != strings.Join(want, "\n") {
		t.Errorf("waivers =\n%s\nwant\n%s", strings.Join(states, "\n"), strings.Join(want, "\n"))
	}

	// The same waivers evaluate a saved snapshot the same way.
	snap := filepath.Join(dir, "snapshot.json")
	if _, stderr, code := run(t, "collect", "--demo", "-q", "-o", snap); code != ExitIncomplete {
		t.Fatalf("collect: exit %d; %s", code, stderr)
	}
	out2 := filepath.Join(dir, "r2.json")
	if _, stderr, code := run(t, "evaluate", snap, "--waivers", waiversFile, "--format", "json", "-o", out2); code != ExitFailing {
		t.Fatalf("evaluate: exit %d; %s", code, stderr)
	}
	if rep2 := readReport(t, out2); rep2.Summary.Waived != 2 || len(rep2.Waivers) != 5 {
		t.Errorf("evaluate --waivers: %d waived, %d waivers", rep2.Summary.Waived, len(rep2.Waivers))
	}
}

func TestScanDemoTeams(t *testing.T) {
	dir := t.TempDir()
	mapping := writeFile(t, dir, "teams.yaml", "# overrides the tags\n\"444444444444\": research\n")
	tests := []struct {
		name string
		args []string
		want map[string]string
	}{
		{"from the team tags", nil, map[string]string{"111111111111": "platform", "222222222222": "payments", "333333333333": "payments", "444444444444": "data"}},
		{"mapping file overrides", []string{"--teams", mapping}, map[string]string{"111111111111": "platform", "222222222222": "payments", "333333333333": "payments", "444444444444": "research"}},
		{"another tag", []string{"--team-tag", "cost-center"}, map[string]string{"111111111111": "cc-100", "222222222222": "cc-200", "333333333333": "cc-200", "444444444444": "cc-300"}},
		{"an absent tag", []string{"--team-tag", "owner"}, map[string]string{"111111111111": "unassigned", "222222222222": "unassigned", "333333333333": "unassigned", "444444444444": "unassigned"}},
		{"no tags, mapping only", []string{"--team-tag", "", "--teams", mapping}, map[string]string{"111111111111": "unassigned", "222222222222": "unassigned", "333333333333": "unassigned", "444444444444": "research"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, fmt.Sprintf("r%d.json", i))
			args := append([]string{"scan", "--demo", "-q", "--format", "json", "-o", out}, tt.args...)
			if _, stderr, code := run(t, args...); code != ExitFailing {
				t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
			}
			got := map[string]map[string]bool{}
			for _, r := range readReport(t, out).Results {
				// Collection errors belong to the error owner, and a
				// resource's own team tag owns its results
				// (TestInstanceTeamFromItsTag, TestAccessDeniedIsOwnedByTheErrorOwner).
				if r.Cause != "" || r.Finding != nil || instanceResource.MatchString(r.Resource) {
					continue
				}
				if got[r.AccountID] == nil {
					got[r.AccountID] = map[string]bool{}
				}
				got[r.AccountID][r.Team] = true
			}
			for account, team := range tt.want {
				if len(got[account]) != 1 || !got[account][team] {
					t.Errorf("%s: teams %v, want every result %q", account, got[account], team)
				}
			}
		})
	}
}

// demoReports scans the demo into current.json and writes previous.json,
// the same report edited as if a week earlier: one high failure was passing
// (a regression now), one critical failure was absent (new now), one passing
// result was failing (fixed now), one coverage entry was enabled (lost now).
func demoReports(t *testing.T, dir string) (previous, current string) {
	t.Helper()
	current = filepath.Join(dir, "current.json")
	if _, stderr, code := run(t, "scan", "--demo", "-q", "--format", "json", "-o", current); code != ExitFailing {
		t.Fatalf("scan: exit %d; %s", code, stderr)
	}
	rep := readReport(t, current)
	prev := *rep
	prev.GeneratedAt = rep.GeneratedAt.AddDate(0, 0, -7)
	prev.Results = nil
	edited := 0
	for _, r := range rep.Results {
		switch {
		case r.AccountID == "222222222222" && r.ControlID == "ssm.patch_compliant" && r.Resource == "i-0d52e8a91c7f3b640":
			r.Status, edited = report.StatusPass, edited+1
		case r.AccountID == "444444444444" && r.Region == "us-east-1" && r.ControlID == "securityhub.critical_findings":
			edited++
			continue
		case r.AccountID == "111111111111" && r.Region == "us-east-1" && r.ControlID == "guardduty.enabled":
			r.Status, edited = report.StatusFail, edited+1
		}
		prev.Results = append(prev.Results, r)
	}
	prev.Coverage = append([]report.Coverage(nil), rep.Coverage...)
	for i, c := range prev.Coverage {
		if c.AccountID == "111111111111" && c.Region == "ap-northeast-1" && c.Service == "guardduty" {
			prev.Coverage[i].State, edited = report.CoverageEnabled, edited+1
		}
	}
	if edited != 4 {
		t.Fatalf("edited %d results of the demo report, want 4: has the sample world changed?", edited)
	}
	prev.Finalize()
	previous = writeFile(t, dir, "previous.json", "")
	if err := writeFileAtomic(previous, func(w io.Writer) error { return (report.JSONWriter{}).Write(w, &prev) }); err != nil {
		t.Fatal(err)
	}
	return previous, current
}

// instanceResource names an EC2 instance, whose own team tag owns it.
var instanceResource = regexp.MustCompile(`(^|[/ ])i-[0-9a-f]{8,17}$`)

func TestScanPrevious(t *testing.T) {
	dir := t.TempDir()
	previous, current := demoReports(t, dir)

	out := filepath.Join(dir, "r.json")
	_, stderr, code := run(t, "scan", "--demo", "-q", "--previous", previous, "--format", "json", "-o", out)
	if code != ExitFailing {
		t.Fatalf("exit code = %d; stderr:\n%s", code, stderr)
	}
	d := readReport(t, out).Diff
	if d == nil {
		t.Fatal("scan --previous wrote no diff")
	}
	names := func(l []report.DiffResult) []string {
		var s []string
		for _, r := range l {
			s = append(s, fmt.Sprintf("%s %s %s %s %s→%s", r.Team, r.AccountID, r.ControlID, r.Resource, r.PreviousStatus, r.Status))
		}
		return s
	}
	check := func(name string, got []report.DiffResult, want ...string) {
		t.Helper()
		if g := names(got); strings.Join(g, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s =\n%s\nwant\n%s", name, strings.Join(g, "\n"), strings.Join(want, "\n"))
		}
	}
	check("new", d.New, "data 444444444444 securityhub.critical_findings arn:aws:ec2:us-east-1:444444444444:security-group/sg-07d3f1b9a2e5c8046 →FAIL")
	check("regressed", d.Regressed, "payments 222222222222 ssm.patch_compliant i-0d52e8a91c7f3b640 PASS→FAIL")
	check("fixed", d.Fixed, "platform 111111111111 guardduty.enabled  FAIL→PASS")
	if d.Summary.StillFailing != stillFailing(t, previous, current) || len(d.CoverageLost) != 1 || d.CoverageLost[0].State != report.CoverageError || len(d.CoverageGained) != 0 {
		t.Errorf("still failing %d, coverage lost %+v gained %+v", d.Summary.StillFailing, d.CoverageLost, d.CoverageGained)
	}

	// --fail-on-new: exit 1 only for new or regressed failures at --fail-on.
	for _, tt := range []struct {
		name     string
		previous string
		failOn   string
		want     int
	}{
		{"a regression at high", previous, "high", ExitFailing},
		{"a new critical failure", previous, "critical", ExitFailing},
		{"nothing new since the same scan: incomplete, not failing", current, "low", ExitIncomplete},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := run(t, "scan", "--demo", "-q", "--previous", tt.previous, "--fail-on-new", "--fail-on", tt.failOn, "--format", "json", "-o", filepath.Join(dir, "x.json"))
			if code != tt.want {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", code, tt.want, stderr)
			}
		})
	}
}

func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	previous, current := demoReports(t, dir)

	stdout, stderr, code := run(t, "diff", previous, current)
	if code != ExitOK {
		t.Fatalf("diff: exit %d; %s", code, stderr)
	}
	for _, want := range []string{fmt.Sprintf("1 new, 1 regressed, 1 fixed, %d still failing", stillFailing(t, previous, current)), "payments", "REGRESSED", "ssm.patch_compliant", "prod (222222222222)", "PASS → FAIL", "NEW", "FIXED", "LOST", "guardduty"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("diff table does not contain %q:\n%s", want, stdout)
		}
	}

	stdout, _, code = run(t, "diff", previous, current, "--format", "json")
	var d report.Diff
	if err := json.Unmarshal([]byte(stdout), &d); code != ExitOK || err != nil || d.Summary.New != 1 || d.Summary.Regressed != 1 || d.Summary.Fixed != 1 {
		t.Errorf("diff --format json: exit %d, err %v, summary %+v", code, err, d.Summary)
	}
	stdout, _, code = run(t, "diff", previous, current, "--format", "markdown")
	if code != ExitOK || !strings.Contains(stdout, "## Changes since the previous scan") || !strings.Contains(stdout, "### payments") {
		t.Errorf("diff --format markdown: exit %d:\n%s", code, stdout)
	}
	if _, _, code := run(t, "diff", previous, current, "--fail-on-new"); code != ExitFailing {
		t.Errorf("diff --fail-on-new: exit %d, want %d", code, ExitFailing)
	}
	if _, _, code := run(t, "diff", current, current, "--fail-on-new", "--fail-on", "low"); code != ExitOK {
		t.Errorf("diff of a report with itself --fail-on-new: exit %d, want 0", code)
	}
}

func TestReviewBadInput(t *testing.T) {
	dir := t.TempDir()
	previous, _ := demoReports(t, dir)
	badWaivers := writeFile(t, dir, "waivers.yaml", "- control: ssm.*\n  reason: r\n  owner: o\n  expires: \"2026-13-01\"\n")
	unknownField := writeFile(t, dir, "unknown.yaml", "- control: ssm.*\n  reason: r\n  owner: o\n  expires: 2026-01-01\n  acounts: [\"111111111111\"]\n")
	badTeams := writeFile(t, dir, "teams.yaml", "prod: payments\n")
	snapshot := filepath.Join(dir, "snapshot.json")
	if _, _, code := run(t, "collect", "--demo", "-q", "-o", snapshot); code != ExitIncomplete {
		t.Fatal("collect failed")
	}
	oldVersion := writeFile(t, dir, "old.json", `{"schema_version": "0.9", "results": []}`)
	notJSON := writeFile(t, dir, "notes.txt", "last week: all good\n")

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad waiver date", []string{"scan", "--demo", "--waivers", badWaivers}, regexp.QuoteMeta(badWaivers) + `:4:12: expires: "2026-13-01" is not a date \(YYYY-MM-DD\)`},
		{"unknown waiver field", []string{"evaluate", snapshot, "--waivers", unknownField}, regexp.QuoteMeta(unknownField) + `:5:3: unknown field "acounts"`},
		{"missing waivers", []string{"scan", "--demo", "--waivers", filepath.Join(dir, "none.yaml")}, `--waivers: read waivers: .*none.yaml: no such file`},
		{"bad teams", []string{"scan", "--demo", "--teams", badTeams}, regexp.QuoteMeta(badTeams) + `:1:1: "prod" is not a 12-digit AWS account id`},
		{"previous is a snapshot", []string{"scan", "--demo", "--previous", snapshot}, regexp.QuoteMeta(snapshot) + `: not a baseline report`},
		{"previous of another version", []string{"evaluate", snapshot, "--previous", oldVersion}, regexp.QuoteMeta(oldVersion) + `: report schema_version "0.9" is not supported`},
		{"fail-on-new without previous", []string{"scan", "--demo", "--fail-on-new"}, `--fail-on-new: needs --previous`},
		{"diff of a snapshot", []string{"diff", snapshot, previous}, regexp.QuoteMeta(snapshot) + `: not a baseline report`},
		{"diff of a text file", []string{"diff", previous, notJSON}, regexp.QuoteMeta(notJSON) + `:1:1: invalid JSON`},
		{"diff of another version", []string{"diff", oldVersion, previous}, regexp.QuoteMeta(oldVersion) + `: report schema_version "0.9"`},
		{"diff with one file", []string{"diff", previous}, `expected two report files`},
		{"diff unknown format", []string{"diff", previous, previous, "--format", "html"}, `--format: unknown format "html"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := writeFile(t, dir, "out.json", "previous output")
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
			if data, _ := os.ReadFile(out); string(data) != "previous output" {
				t.Errorf("the existing output was overwritten: %q", data)
			}
		})
	}
}

// stillFailing counts the results failing in both reports, derived from the
// reports rather than written down, so a change to the sample world that
// adds a failure in both scans needs no edit here.
func stillFailing(t *testing.T, previous, current string) int {
	t.Helper()
	failing := map[string]bool{}
	for _, r := range readReport(t, previous).Results {
		if r.Status == report.StatusFail {
			failing[r.Key()] = true
		}
	}
	n := 0
	for _, r := range readReport(t, current).Results {
		if r.Status == report.StatusFail && failing[r.Key()] {
			n++
		}
	}
	return n
}
