package report

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func diffRes(control, account, resource string, status Status, team string) Result {
	return Result{ControlID: control,
		Control: &ControlText{Title: control + " title"}, Severity: SeverityHigh, Status: status,
		AccountID: account, AccountName: "acct", Region: "us-east-1", Resource: resource, Message: string(status), Team: team}
}

func TestCompare(t *testing.T) {
	const a, b, c = "111111111111", "222222222222", "333333333333"
	prev := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: "baseline", Version: "1.0.0"},
		GeneratedAt:   time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC),
		Results: []Result{
			diffRes("c.still", a, "r", StatusFail, "platform"),
			diffRes("c.fixed", a, "r", StatusFail, "platform"),
			diffRes("c.gone", b, "r", StatusFail, "payments"),
			diffRes("c.regressed", a, "r", StatusPass, "platform"),
			diffRes("c.waiver_expired", b, "r", StatusWaived, "payments"),
			diffRes("c.was_error", b, "r", StatusError, "payments"),
			diffRes("c.waived", b, "r", StatusFail, "payments"),
			diffRes("c.unobserved", b, "r", StatusFail, "payments"),
			diffRes("c.pass_pass", a, "r", StatusPass, "platform"),
			diffRes("c.error_error", a, "r", StatusError, "platform"),
			diffRes("c.pass_gone", a, "r", StatusPass, "platform"),
			diffRes("c.cell_error", a, "i-1", StatusFail, "platform"),
			diffRes("c.account_error", a, "i-1", StatusFail, "platform"),
			diffRes("c.out_of_scope", c, "r", StatusFail, "data"),
		},
		Coverage: []Coverage{
			{AccountID: a, Region: "us-east-1", Service: "guardduty", State: CoverageEnabled},
			{AccountID: a, Region: "us-east-1", Service: "securityhub", State: CoverageEnabled},
			{AccountID: b, Region: "us-east-1", Service: "guardduty", State: CoverageDisabled},
			{AccountID: b, Region: "us-east-1", Service: "securityhub", State: CoverageEnabled},
			{AccountID: b, Region: "eu-west-1", Service: "securityhub", State: CoverageEnabled},
		},
	}
	cur := &Report{
		SchemaVersion: SchemaVersion,
		Scope:         Scope{Accounts: []string{a, b}},
		Results: []Result{
			// The cell could not be observed: one ERROR replaces its
			// per-resource results, in the region or account-wide.
			diffRes("c.cell_error", a, "", StatusError, "platform"),
			{ControlID: "c.account_error", AccountID: a, Region: Global, Status: StatusError, Severity: SeverityHigh},
			diffRes("c.still", a, "r", StatusFail, "platform"),
			diffRes("c.fixed", a, "r", StatusPass, "platform"),
			diffRes("c.regressed", a, "r", StatusFail, "platform"),
			diffRes("c.waiver_expired", b, "r", StatusFail, "payments"),
			diffRes("c.was_error", b, "r", StatusFail, "payments"),
			diffRes("c.waived", b, "r", StatusWaived, "payments"),
			diffRes("c.unobserved", b, "r", StatusError, "payments"),
			diffRes("c.new", a, "r", StatusFail, ""), // a report without teams
			diffRes("c.new", a, "r2", StatusFail, "platform"),
			diffRes("c.new_pass", a, "r", StatusPass, "platform"),
			diffRes("c.new_error", a, "r", StatusError, "platform"),
			diffRes("c.pass_pass", a, "r", StatusPass, "platform"),
			diffRes("c.error_error", a, "r", StatusError, "platform"),
		},
		Coverage: []Coverage{
			{AccountID: a, Region: "us-east-1", Service: "guardduty", State: CoverageError},      // lost
			{AccountID: a, Region: "us-east-1", Service: "securityhub", State: CoverageEnabled},  // unchanged
			{AccountID: b, Region: "us-east-1", Service: "guardduty", State: CoverageEnabled},    // gained
			{AccountID: b, Region: "us-east-1", Service: "securityhub", State: CoverageDisabled}, // lost
			{AccountID: b, Region: "eu-west-1", Service: "guardduty", State: CoverageEnabled},    // gained: not there before
			// b eu-west-1 securityhub: lost, no longer reported
		},
	}
	d, err := Compare(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	keys := func(l []DiffResult) []string {
		out := []string{}
		for _, r := range l {
			out = append(out, fmt.Sprintf("%s %s %s %s→%s %s", r.AccountID[:1], r.ControlID, r.Resource, r.PreviousStatus, r.Status, r.Team))
		}
		return out
	}
	for _, tt := range []struct {
		name string
		got  []DiffResult
		want []string
	}{
		{"new", d.New, []string{"1 c.new r →FAIL ", "1 c.new r2 →FAIL platform", "2 c.was_error r ERROR→FAIL payments"}},
		{"regressed", d.Regressed, []string{"1 c.regressed r PASS→FAIL platform", "2 c.waiver_expired r WAIVED→FAIL payments"}},
		{"fixed", d.Fixed, []string{"1 c.fixed r FAIL→PASS platform", "2 c.gone r FAIL→ payments"}},
		{"still_failing", d.StillFailing, []string{"1 c.still r FAIL→FAIL platform"}},
		{"waived", d.Waived, []string{"2 c.waived r FAIL→WAIVED payments"}},
		{"unobserved", d.Unobserved, []string{"1 c.account_error i-1 FAIL→ERROR platform", "1 c.cell_error i-1 FAIL→ERROR platform", "2 c.unobserved r FAIL→ERROR payments"}},
		{"out_of_scope", d.OutOfScope, []string{"3 c.out_of_scope r FAIL→ data"}},
	} {
		if got := keys(tt.got); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s =\n%q\nwant\n%q", tt.name, got, tt.want)
		}
	}
	// Account 3 left the scope: its failure is out of scope, and the
	// diff says once what changed.
	if d.ScopeChange == nil || d.ScopeChange.Text() != "accounts removed [333333333333]" {
		t.Errorf("scope change %+v", d.ScopeChange)
	}
	if d.Fixed[1].Message != "FAIL" {
		t.Errorf("a result no longer reported keeps its previous message, got %q", d.Fixed[1].Message)
	}

	cov := func(l []CoverageChange) []string {
		out := []string{}
		for _, c := range l {
			out = append(out, fmt.Sprintf("%s %s %s %s→%s %s", c.AccountID[:1], c.Region, c.Service, c.PreviousState, c.State, c.Team))
		}
		return out
	}
	if got, want := cov(d.CoverageLost), []string{
		"1 us-east-1 guardduty enabled→error platform",
		"2 eu-west-1 securityhub enabled→ payments",
		"2 us-east-1 securityhub enabled→disabled payments",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("coverage_lost = %q, want %q", got, want)
	}
	if got, want := cov(d.CoverageGained), []string{
		"2 eu-west-1 guardduty →enabled payments",
		"2 us-east-1 guardduty disabled→enabled payments",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("coverage_gained = %q, want %q", got, want)
	}

	wantSummary := DiffSummary{New: 3, Regressed: 2, Fixed: 2, StillFailing: 1, Waived: 1, Unobserved: 3, OutOfScope: 1, CoverageLost: 3, CoverageGained: 2}
	if d.Summary != wantSummary {
		t.Errorf("summary = %+v, want %+v", d.Summary, wantSummary)
	}
	wantTeams := []TeamDiffSummary{
		{Team: "", New: 1},
		{Team: "payments", New: 1, Regressed: 1, Fixed: 1, Waived: 1, Unobserved: 1},
		{Team: "platform", New: 1, Regressed: 1, Fixed: 1, StillFailing: 1, Unobserved: 2},
	}
	if !reflect.DeepEqual(d.ByTeam, wantTeams) {
		t.Errorf("by_team = %+v, want %+v", d.ByTeam, wantTeams)
	}
	teams := d.Teams()
	if len(teams) != 3 || teams[1].Team != "payments" || len(teams[1].Regressed) != 1 || teams[1].Regressed[0].ControlID != "c.waiver_expired" {
		t.Errorf("Teams() = %+v", teams)
	}
	if d.Previous.GeneratedAt != prev.GeneratedAt || d.Previous.Tool.Version != "1.0.0" {
		t.Errorf("previous = %+v", d.Previous)
	}

	// --fail-on-new counts new and regressed failures at the threshold.
	if n := len(d.NewFailures(SeverityHigh)); n != 5 {
		t.Errorf("NewFailures(high) = %d, want 5", n)
	}
	if n := len(d.NewFailures(SeverityCritical)); n != 0 {
		t.Errorf("NewFailures(critical) = %d, want 0", n)
	}
}

func TestCompareIdentical(t *testing.T) {
	r := sampleReport()
	d, err := Compare(r, r)
	if err != nil {
		t.Fatal(err)
	}
	s := d.Summary
	if s.New+s.Regressed+s.Fixed+s.Waived+s.Unobserved+s.CoverageLost+s.CoverageGained != 0 {
		t.Errorf("a report compared with itself changed: %+v", s)
	}
	if s.StillFailing != r.Summary.Fail {
		t.Errorf("still_failing = %d, want every FAIL (%d)", s.StillFailing, r.Summary.Fail)
	}
	for _, l := range [][]DiffResult{d.New, d.Regressed, d.Fixed, d.Waived, d.Unobserved} {
		if l == nil {
			t.Error("an empty list is nil; the JSON would have null")
		}
	}
}

func TestCompareSchemaMismatch(t *testing.T) {
	_, err := Compare(&Report{SchemaVersion: "0.9"}, &Report{SchemaVersion: SchemaVersion})
	var mismatch *SchemaMismatchError
	if !errors.As(err, &mismatch) || mismatch.Previous != "0.9" || mismatch.Current != SchemaVersion {
		t.Errorf("Compare = %v, want a SchemaMismatchError", err)
	}
}

func TestExitCodeOnNew(t *testing.T) {
	base := func(results ...Result) *Report { return &Report{SchemaVersion: SchemaVersion, Results: results} }
	prev := base(diffRes("c.still", "111111111111", "r", StatusFail, ""), diffRes("c.reg", "111111111111", "r", StatusPass, ""))
	tests := []struct {
		name   string
		cur    *Report
		failOn Severity
		want   int
	}{
		{"only known failures", base(diffRes("c.still", "111111111111", "r", StatusFail, "")), SeverityHigh, ExitOK},
		{"regression", base(diffRes("c.reg", "111111111111", "r", StatusFail, "")), SeverityHigh, ExitFail},
		{"regression below threshold", base(diffRes("c.reg", "111111111111", "r", StatusFail, "")), SeverityCritical, ExitOK},
		{"new failure", base(diffRes("c.new", "111111111111", "r", StatusFail, "")), SeverityLow, ExitFail},
		{"known failure and an error", base(diffRes("c.still", "111111111111", "r", StatusFail, ""), diffRes("c.reg", "111111111111", "r", StatusError, "")), SeverityHigh, ExitIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Compare(prev, tt.cur)
			if err != nil {
				t.Fatal(err)
			}
			tt.cur.Diff = d
			if got := ExitCodeOnNew(tt.cur, tt.failOn); got != tt.want {
				t.Errorf("ExitCodeOnNew = %d, want %d", got, tt.want)
			}
		})
	}
	if got := ExitCodeOnNew(base(diffRes("c.still", "111111111111", "r", StatusFail, "")), SeverityHigh); got != ExitFail {
		t.Errorf("without a diff ExitCodeOnNew = %d, want ExitCode's %d", got, ExitFail)
	}
}

func TestParseReport(t *testing.T) {
	valid := sampleJSON(t, sampleReport())
	if r, err := ParseReport("r.json", valid); err != nil || len(r.Results) == 0 {
		t.Fatalf("ParseReport(sample) = %v, %v", r, err)
	}
	tests := []struct{ name, data, want string }{
		{"not json", "{\n  \"schema_version\": \"1.0\",\n  oops\n}", `r.json:3:3: invalid JSON`},
		{"a snapshot", `{"schema_version": "1", "accounts": []}`, `r.json: not a baseline report: no schema_version and results`},
		{"other version", `{"schema_version": "4.0", "results": []}`, `r.json: report schema_version "4.0" is not supported (this baseline reads 1.0, 2.0, 3.0)`},
		{"wrong type", "{\"schema_version\": \"1.0\",\n \"results\": {}}", `r.json:2:`},
		{"array", `[]`, `r.json:1:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseReport("r.json", []byte(tt.data))
			if err == nil || len(err.Error()) < len(tt.want) || err.Error()[:len(tt.want)] != tt.want {
				t.Errorf("error = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

// TestDiffKeysOnFindingID: two findings on one resource are two results; a
// finding that replaces another on the same resource is new (and counted by
// --fail-on-new), the one it replaced fixed.
func TestDiffKeysOnFindingID(t *testing.T) {
	res := func(finding string) Result {
		return Result{ControlID: "securityhub.critical_findings", Severity: SeverityCritical, Status: StatusFail,
			AccountID: "111111111111", Region: "eu-west-1", Resource: "arn:aws:s3:::b", Finding: &Finding{ID: finding}}
	}
	prev := &Report{SchemaVersion: SchemaVersion, Scope: Scope{Accounts: []string{"111111111111"}, Regions: []string{"eu-west-1"}}, Results: []Result{res("old")}}
	cur := &Report{SchemaVersion: SchemaVersion, Scope: prev.Scope, Results: []Result{res("new")}}
	d, err := Compare(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.New) != 1 || d.New[0].Finding.ID != "new" || d.New[0].ID != cur.Results[0].StableID() || len(d.Fixed) != 1 || d.Fixed[0].Finding.ID != "old" {
		t.Fatalf("new %+v, fixed %+v: want the new finding new and the old one fixed", d.New, d.Fixed)
	}
	if got := d.NewFailures(SeverityHigh); len(got) != 1 {
		t.Errorf("NewFailures = %d, want 1", len(got))
	}
}
