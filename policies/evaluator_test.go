package policies

import (
	"reflect"
	"testing"

	"github.com/baseline-scanner/baseline/checks"
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
	snap.Accounts = append(snap.Accounts, denied, unreachable)
	want := evaluate(t, e, snap)
	if len(want.Errors) != 3 || len(want.Upcoming) == 0 || len(want.Coverage) == 0 {
		t.Fatalf("the fixture should have errors, upcoming findings and coverage: %d, %d, %d", len(want.Errors), len(want.Upcoming), len(want.Coverage))
	}
	for _, group := range []int{1, 2, 3} {
		v, err := e.NewEvaluator(t.Context(), snap.CollectedAt, DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(snap.Accounts); i += group {
			if err := v.Add(t.Context(), snap.Accounts[i:min(i+group, len(snap.Accounts))]); err != nil {
				t.Fatal(err)
			}
		}
		got := v.Evaluation()
		for name, pair := range map[string][2]any{
			"results":  {got.Results, want.Results},
			"upcoming": {got.Upcoming, want.Upcoming},
			"coverage": {got.Coverage, want.Coverage},
			"errors":   {got.Errors, want.Errors},
		} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Errorf("groups of %d: %s differ from Evaluate's", group, name)
			}
		}
	}
}
