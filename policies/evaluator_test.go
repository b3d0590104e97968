package policies

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// TestEvaluatorEqualsEvaluate holds that evaluating a snapshot's accounts
// a group at a time (a scan that does not keep them) gives exactly
// Evaluate's results, upcoming findings, coverage and errors, in the same
// order, whatever the group size.
func TestEvaluatorEqualsEvaluate(t *testing.T) {
	e, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	snap := benchSnapshot(2)
	denied := healthyAccount("333333333333", "us-east-1", "eu-west-1")
	denied.SecurityHub["eu-west-1"].Findings = nil
	denied.Errors = []checks.CollectionError{
		{AccountID: "333333333333", Region: "eu-west-1", Service: "securityhub", Operation: "GetFindings", Code: "AccessDeniedException", Message: "denied"},
		{AccountID: "333333333333", Region: "global", Service: "organizations", Operation: "ListTagsForResource", Code: "TooManyRequestsException", Message: "slow down"},
	}
	unreachable := checks.AccountFacts{AccountID: "000000000001", Regions: []string{"us-east-1"}, Errors: []checks.CollectionError{
		{AccountID: "000000000001", Region: "global", Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: "no role"},
	}}
	// Findings alike but for their ids: results that tie in the sort but
	// for the finding id.
	alike := healthyAccount("444444444444", "us-east-1")
	for f := range 40 {
		alike.SecurityHub["us-east-1"].Findings = append(alike.SecurityHub["us-east-1"].Findings, checks.SecurityHubFinding{
			ID:    fmt.Sprintf("arn:aws:securityhub:us-east-1:444444444444:finding/%d", (f*17)%40),
			Title: "finding", SeverityLabel: "CRITICAL", RecordState: "ACTIVE", WorkflowStatus: "NEW", ComplianceStatus: "FAILED",
			ResourceType: "AwsS3Bucket", ResourceID: "arn:aws:s3:::b", GeneratorID: "security-control/S3.1",
			FirstObservedAt: collectedAt.Add(-100 * 24 * time.Hour), UpdatedAt: collectedAt,
		})
	}
	snap.Accounts = append(snap.Accounts, denied, unreachable, alike)
	want := evaluate(t, e, snap)
	if len(want.Errors) != 3 || len(want.Upcoming) == 0 || len(want.Coverage) == 0 {
		t.Fatalf("the fixture should have errors, upcoming findings and coverage: %d, %d, %d", len(want.Errors), len(want.Upcoming), len(want.Coverage))
	}
	// In the snapshot's order (an account added after a greater one: the
	// groups are sorted as one) and in the order of their ids (as a
	// streamed scan adds them: each group is sorted alone, and let go of
	// once its results are built).
	byID := slices.Clone(snap.Accounts)
	slices.SortFunc(byID, func(a, b checks.AccountFacts) int { return strings.Compare(a.AccountID, b.AccountID) })
	// Each also with the results waiting in a spill file.
	type tcase struct {
		group     int
		accounts  []checks.AccountFacts
		ascending bool
		spill     bool
	}
	var cases []tcase
	for _, spill := range []bool{false, true} {
		cases = append(cases,
			tcase{1, snap.Accounts, false, spill}, tcase{2, snap.Accounts, false, spill}, tcase{3, snap.Accounts, false, spill},
			tcase{1, byID, true, spill}, tcase{2, byID, true, spill}, tcase{3, byID, true, spill}, tcase{len(byID), byID, true, spill})
	}
	for _, tc := range cases {
		group := tc.group
		v, err := e.NewEvaluator(t.Context(), snap.CollectedAt, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		var spill *os.File
		if tc.spill {
			if spill, err = os.CreateTemp(t.TempDir(), "spill"); err != nil {
				t.Fatal(err)
			}
			defer spill.Close()
			v.Spill(spill)
		}
		for i := 0; i < len(tc.accounts); i += group {
			if err := v.Add(t.Context(), tc.accounts[i:min(i+group, len(tc.accounts))]); err != nil {
				t.Fatal(err)
			}
		}
		if got := ascending(v.groups); got != tc.ascending {
			t.Fatalf("groups of %d: ascending %v, want %v", group, got, tc.ascending)
		}
		if tc.spill {
			if fi, err := spill.Stat(); err != nil || fi.Size() == 0 {
				t.Fatalf("groups of %d: nothing spilled (%v)", group, err)
			}
			for _, g := range v.groups {
				if g.items != nil {
					t.Fatalf("groups of %d: a group's items are still in memory", group)
				}
			}
		}
		got, err := v.Evaluation()
		if err != nil {
			t.Fatal(err)
		}
		for name, pair := range map[string][2]any{
			"results":  {got.Results, want.Results},
			"upcoming": {got.Upcoming, want.Upcoming},
			"coverage": {got.Coverage, want.Coverage},
			"errors":   {got.Errors, want.Errors},
		} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Errorf("groups of %d (spill %v): %s differ from Evaluate's", group, tc.spill, name)
			}
		}
		if err := sharedControlTexts(append(got.Results, got.Upcoming...)); err != nil {
			t.Errorf("groups of %d (spill %v): %v", group, tc.spill, err)
		}
	}
	if err := sharedControlTexts(append(want.Results, want.Upcoming...)); err != nil {
		t.Errorf("Evaluate: %v", err)
	}
}

// sharedControlTexts checks that the results of one control share one
// control text: an organization's report holds millions of results, and a
// copy of the title, service, remediation and references in each was 64
// bytes a result.
func sharedControlTexts(results []report.Result) error {
	texts := map[string]*report.ControlText{}
	for i := range results {
		r := &results[i]
		if r.Control == nil {
			return fmt.Errorf("a result of %s has no control text", r.ControlID)
		}
		if first, ok := texts[r.ControlID]; ok && first != r.Control {
			return fmt.Errorf("two results of %s hold two copies of its text", r.ControlID)
		}
		texts[r.ControlID] = r.Control
	}
	if len(texts) < 2 {
		return fmt.Errorf("results of %d controls, want several", len(texts))
	}
	return nil
}

// TestEvaluatorResultsAsEvaluated holds the evaluator's compact keeping of
// results to the results as the controls produce them: every account's
// results (ev.account), the upcoming findings moved out and both parts
// sorted by sortResults give exactly Evaluation's, ties included (results
// that sortResults finds equal but that differ, here findings on one
// resource with one message, keep the order sortResults gives them).
func TestEvaluatorResultsAsEvaluated(t *testing.T) {
	e, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	snap := benchSnapshot(3)
	denied := healthyAccount("333333333333", "us-east-1", "eu-west-1")
	denied.Errors = []checks.CollectionError{
		{AccountID: "333333333333", Region: "eu-west-1", Service: "securityhub", Operation: "GetFindings", Code: "AccessDeniedException", Message: "denied"},
	}
	// Findings alike but for their ids: results that tie in the sort.
	alike := healthyAccount("444444444444", "us-east-1")
	for f := range 40 {
		alike.SecurityHub["us-east-1"].Findings = append(alike.SecurityHub["us-east-1"].Findings, checks.SecurityHubFinding{
			ID:    fmt.Sprintf("arn:aws:securityhub:us-east-1:444444444444:finding/%d", f),
			Title: "finding", SeverityLabel: "CRITICAL", RecordState: "ACTIVE", WorkflowStatus: "NEW", ComplianceStatus: "FAILED",
			ResourceType: "AwsS3Bucket", ResourceID: "arn:aws:s3:::b", GeneratorID: "security-control/S3.1",
			FirstObservedAt: collectedAt.Add(-100 * 24 * time.Hour), UpdatedAt: collectedAt,
		})
	}
	snap.Accounts = append(snap.Accounts, denied, alike)

	ev, err := e.prepare(t.Context(), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var all []report.Result
	for i := range snap.Accounts {
		rs, err := ev.account(t.Context(), snap.CollectedAt.UTC(), &snap.Accounts[i], false)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rs...)
	}
	want, wantUpcoming := splitUpcoming(all)
	sortResults(want)
	sortResults(wantUpcoming)
	ties := 0
	for i := 1; i < len(want); i++ {
		a, b := want[i-1], want[i]
		if a.AccountID == b.AccountID && a.ControlID == b.ControlID && a.Region == b.Region && a.Resource == b.Resource &&
			a.Status == b.Status && a.Message == b.Message && !reflect.DeepEqual(a, b) {
			ties++
		}
	}
	if ties == 0 || len(wantUpcoming) == 0 {
		t.Fatalf("the fixture should have ties in the sort and upcoming findings: %d, %d", ties, len(wantUpcoming))
	}

	got := evaluate(t, e, snap)
	if !reflect.DeepEqual(got.Results, want) {
		for i := range min(len(got.Results), len(want)) {
			if !reflect.DeepEqual(got.Results[i], want[i]) {
				t.Fatalf("result %d of %d (want %d) differs:\ngot  %+v\nwant %+v", i, len(got.Results), len(want), got.Results[i], want[i])
			}
		}
		t.Fatalf("%d results, want %d", len(got.Results), len(want))
	}
	if !reflect.DeepEqual(got.Upcoming, wantUpcoming) {
		t.Errorf("upcoming findings differ: %d, want %d", len(got.Upcoming), len(wantUpcoming))
	}
}

// TestEvaluatorSpillUnreadable holds a spill file that reads back short or
// garbled to an error from Evaluation, not a panic or a wrong result.
func TestEvaluatorSpillUnreadable(t *testing.T) {
	e, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	snap := benchSnapshot(2)
	for _, damage := range []string{"truncated", "garbled"} {
		v, err := e.NewEvaluator(t.Context(), snap.CollectedAt, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		spill, err := os.CreateTemp(t.TempDir(), "spill")
		if err != nil {
			t.Fatal(err)
		}
		defer spill.Close()
		v.Spill(spill)
		if err := v.Add(t.Context(), snap.Accounts); err != nil {
			t.Fatal(err)
		}
		fi, err := spill.Stat()
		if err != nil {
			t.Fatal(err)
		}
		switch damage {
		case "truncated":
			err = spill.Truncate(fi.Size() / 2)
		case "garbled":
			_, err = spill.WriteAt(slices.Repeat([]byte{0xff}, int(fi.Size())), 0)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Evaluation(); err == nil {
			t.Errorf("%s spill file: no error", damage)
		}
	}
}
