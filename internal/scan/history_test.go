package scan

import (
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/internal/awssim/awssimtest"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// historyWorld has Security Hub off in the member's us-east-1: a FAIL of
// securityhub.enabled that stays from scan to scan.
const historyWorld = `
accounts:
  - {id: "111111111111", name: management, management: true, tags: {team: platform}, regions: {us-east-1: {securityhub: {enabled: true}}}}
  - {id: "222222222222", name: prod, tags: {team: payments}}
regions: [us-east-1]
`

// scanAt collects historyWorld (with faults appended) through the
// simulator and builds the report at time at with the review rv.
func scanAt(t *testing.T, faults string, at time.Time, rv Review) *report.Report {
	t.Helper()
	return scanWorldAt(t, historyWorld+faults, []string{"us-east-1"}, at, rv)
}

// scanWorldAt collects world in regions through the simulator and builds
// the report at time at with the review rv.
func scanWorldAt(t *testing.T, world string, regions []string, at time.Time, rv Review) *report.Report {
	t.Helper()
	_, cfg := awssimtest.Start(t, world)
	snap, err := Collect(t.Context(), Options{Org: true, AWS: &cfg, Regions: regions, TeamTag: "team", Collection: ModeDirect, Observer: &recorder{}})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := Evaluate(t.Context(), engine, policies.DefaultConfig(), snap, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := BuildReport(snap, ev, report.Tool{Name: "baseline", Version: "test"}, at, rv)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func findResult(t *testing.T, rep *report.Report, control, account string) report.Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.ControlID == control && r.AccountID == account && r.Region == "us-east-1" {
			return r
		}
	}
	t.Fatalf("no %s result for %s in the report of %s", control, account, rep.GeneratedAt)
	return report.Result{}
}

func inList(l []report.DiffResult, control, account string) bool {
	for _, r := range l {
		if r.ControlID == control && r.AccountID == account {
			return true
		}
	}
	return false
}

// TestFailingSinceSurvivesThreeScans: through the simulator, a failure seen
// in three weekly scans keeps the first scan's time as failing_since, even
// when the history folder no longer holds the first report; a scan where it
// was not observed (ERROR) does not break the streak; and without
// --previous the newest report is compared with, so it is still failing,
// not new.
func TestFailingSinceSurvivesThreeScans(t *testing.T) {
	const control, member = "securityhub.enabled", "222222222222"
	t1 := time.Date(2026, 11, 9, 6, 0, 0, 0, time.UTC)
	t2, t3, t4 := t1.AddDate(0, 0, 7), t1.AddDate(0, 0, 14), t1.AddDate(0, 0, 21)
	hist := func(reps ...*report.Report) Review {
		return Review{History: reps, HistoryGiven: true, HistoryDepth: report.DefaultTrendDepth}
	}

	r1 := scanAt(t, "", t1, hist())
	if got := findResult(t, r1, control, member); got.Status != report.StatusFail || got.FailingSince == nil || !got.FailingSince.Equal(t1) {
		t.Fatalf("scan 1: %s %v since %v, want FAIL since %s (first failure: this scan)", got.Status, got.Message, got.FailingSince, t1)
	}
	if r1.Diff != nil {
		t.Errorf("scan 1 with an empty history has a diff against %v", r1.Diff.Previous.GeneratedAt)
	}
	r2 := scanAt(t, "", t2, hist(r1))
	r3 := scanAt(t, "", t3, hist(r2)) // the folder lost r1: r2's failing_since carries it
	if got := findResult(t, r3, control, member); got.FailingSince == nil || !got.FailingSince.Equal(t1) {
		t.Errorf("scan 3: failing_since %v, want %s (the first scan's)", got.FailingSince, t1)
	}
	if r3.Diff == nil || !inList(r3.Diff.StillFailing, control, member) || inList(r3.Diff.New, control, member) {
		t.Errorf("scan 3 without --previous: the newest history report is compared with and the failure is still_failing, got diff %+v", r3.Diff)
	}

	// A scan in which the member's Security Hub could not be read: ERROR,
	// not observed. The next scan still fails since t1 and is not "new".
	denied := "faults:\n  - {service: securityhub, operation: DescribeHub, account: \"" + member + "\", code: AccessDeniedException}\n"
	rErr := scanAt(t, denied, t3, hist(r1, r2))
	if got := findResult(t, rErr, control, member); got.Status != report.StatusError {
		t.Fatalf("with DescribeHub denied: %s, want ERROR", got.Status)
	}
	r4 := scanAt(t, "", t4, hist(r1, r2, rErr))
	got := findResult(t, r4, control, member)
	if got.FailingSince == nil || !got.FailingSince.Equal(t1) {
		t.Errorf("after an unobserved scan: failing_since %v, want %s", got.FailingSince, t1)
	}
	if inList(r4.Diff.New, control, member) || !inList(r4.Diff.StillFailing, control, member) {
		t.Errorf("after an unobserved scan the failure is new=%v still_failing=%v, want still failing (the history saw it fail)",
			inList(r4.Diff.New, control, member), inList(r4.Diff.StillFailing, control, member))
	}
	if v := ExitCode(Verdict{Report: r4, FailOn: report.SeverityLow, OnlyNew: true}); v == 1 {
		t.Errorf("--fail-on-new with history: exit %d for a known failure, want not 1", v)
	}

	// The trend: the member's team over the scans, oldest first.
	var payments *report.TeamTrend
	for i := range r4.History.Trend {
		if r4.History.Trend[i].Team == "payments" {
			payments = &r4.History.Trend[i]
		}
	}
	if r4.History.Reports != 3 || payments == nil || len(payments.Points) != 4 || !payments.Points[0].GeneratedAt.Equal(t1) || !payments.Points[3].GeneratedAt.Equal(t4) {
		t.Errorf("history %d report(s), payments trend %+v; want 3 earlier reports and 4 points t1…t4", r4.History.Reports, payments)
	}
}

// TestFirstFailureIsNewWithoutThePreviousReport: last week's report is
// missing from the history; a failure never seen before is still "new" and
// fails --fail-on-new, while one an older report saw is not.
func TestFirstFailureIsNewWithoutThePreviousReport(t *testing.T) {
	t1 := time.Date(2026, 11, 9, 6, 0, 0, 0, time.UTC)
	r1 := scanAt(t, "", t1, Review{})
	// Two weeks later (last week's report is missing) a new account has
	// joined, with Security Hub off.
	const joined = `
accounts:
  - {id: "111111111111", name: management, management: true, tags: {team: platform}, regions: {us-east-1: {securityhub: {enabled: true}}}}
  - {id: "222222222222", name: prod, tags: {team: payments}}
  - {id: "333333333333", name: new, tags: {team: payments}}
regions: [us-east-1]
`
	r3 := scanWorldAt(t, joined, []string{"us-east-1"}, t1.AddDate(0, 0, 14), Review{History: []*report.Report{r1}, HistoryGiven: true, HistoryDepth: 8})
	if !inList(r3.Diff.New, "securityhub.enabled", "333333333333") {
		t.Errorf("the new account's first failure is not new: %+v", r3.Diff)
	}
	if inList(r3.Diff.New, "securityhub.enabled", "222222222222") {
		t.Errorf("the member's known failure is new")
	}
	if v := ExitCode(Verdict{Report: r3, FailOn: report.SeverityLow, OnlyNew: true}); v != 1 {
		t.Errorf("--fail-on-new: exit %d for a first failure, want 1", v)
	}
}

// TestDroppedRegionIsOutOfScope: through the simulator, last week's scan
// covered us-east-1 and eu-west-1, this week's only us-east-1. The member's
// eu-west-1 failure is out of scope, not fixed, and the diff says once that
// the scope changed.
func TestDroppedRegionIsOutOfScope(t *testing.T) {
	const world = `
accounts:
  - {id: "111111111111", name: management, management: true}
  - {id: "222222222222", name: prod}
regions: [us-east-1, eu-west-1]
`
	scanRegions := func(regions []string, at time.Time, rv Review) *report.Report {
		return scanWorldAt(t, world, regions, at, rv)
	}
	t1 := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	before := scanRegions([]string{"us-east-1", "eu-west-1"}, t1, Review{})
	now := scanRegions([]string{"us-east-1"}, t1.AddDate(0, 0, 7), Review{Previous: before, PreviousName: "last-week.json"})
	d := now.Diff
	for _, r := range d.Fixed {
		if r.Region == "eu-west-1" {
			t.Errorf("%s %s in the dropped region is fixed", r.ControlID, r.AccountID)
		}
	}
	for _, r := range d.Unobserved {
		if r.Region == "eu-west-1" {
			t.Errorf("%s %s in the dropped region is unobserved", r.ControlID, r.AccountID)
		}
	}
	if !inList(d.OutOfScope, "securityhub.enabled", "222222222222") {
		t.Errorf("the dropped region's failure is not out of scope: %+v", d.OutOfScope)
	}
	if d.ScopeChange == nil || d.ScopeChange.Text() != "regions removed [eu-west-1]" {
		t.Errorf("scope change %+v, want regions removed [eu-west-1]", d.ScopeChange)
	}
}
