package report

import (
	"reflect"
	"testing"
)

// TestFilterApply: the filter keeps the selected results, recounts the
// summary, and under a team filter narrows coverage, errors and gaps to the
// team's accounts; the report itself is left alone.
func TestFilterApply(t *testing.T) {
	r := gapsReport()
	r.Errors = []Error{{AccountID: "111111111111", Region: "eu-west-1", Service: "guardduty"}, {AccountID: "222222222222", Region: "eu-west-1", Service: "guardduty"}}
	r.Coverage = []Coverage{{AccountID: "111111111111", Region: "eu-west-1", Service: "securityhub", State: CoverageEnabled},
		{AccountID: "222222222222", Region: "eu-west-1", Service: "guardduty", State: CoverageError}}
	before := *r
	before.Results = append([]Result(nil), r.Results...)

	got := Filter{Teams: []string{"platform"}}.Apply(r)
	if !reflect.DeepEqual(*r, before) {
		t.Fatal("Apply modified the report")
	}
	for _, res := range got.Results {
		if res.Team != "platform" {
			t.Errorf("kept %s of team %q", res.ControlID, res.Team)
		}
	}
	if got.Summary.Total != len(got.Results) || got.Summary.Total == 0 {
		t.Errorf("summary total %d for %d results", got.Summary.Total, len(got.Results))
	}
	// The sample's platform results are in 222222222222 only (the ERROR it
	// owns as the error owner).
	if !reflect.DeepEqual(got.Scope.Accounts, []string{"222222222222"}) {
		t.Errorf("scope accounts %v, want the platform team's", got.Scope.Accounts)
	}
	if len(got.Coverage) != 1 || len(got.Errors) != 1 || len(got.CoverageGaps) != 1 {
		t.Errorf("coverage %d, errors %d, gaps %d; want 1 each (the team's account)", len(got.Coverage), len(got.Errors), len(got.CoverageGaps))
	}

	got = Filter{Statuses: []Status{StatusFail}, Severities: []Severity{SeverityHigh, SeverityCritical}}.Apply(r)
	if got.Summary.Fail != 2 || got.Summary.Total != 2 {
		t.Errorf("FAIL high+critical: summary %+v, want 2 FAIL", got.Summary)
	}
	got = Filter{Teams: []string{Unassigned}, Controls: []string{"SSM.AGENT_ONLINE"}}.Apply(r)
	if len(got.Results) != 1 || got.Results[0].ControlID != "ssm.agent_online" {
		t.Errorf("unassigned + control (any case): %v", got.Results)
	}
	if (Filter{}).Apply(r) != r {
		t.Error("an empty filter copies the report")
	}
}

func TestFilterCheck(t *testing.T) {
	r := sampleReport()
	for _, tc := range []struct {
		f    Filter
		want string
	}{
		{Filter{Services: []string{"ssm"}, Controls: []string{"ssm.agent_online"}, Teams: []string{"platform", "unassigned"}}, ""},
		{Filter{Teams: []string{"payments"}}, `--team: no result has "payments"; this report has platform, storefront, unassigned`},
		{Filter{Services: []string{"s3"}}, `--service: no result has "s3"; this report has cloudtrail, guardduty, securityhub, ssm`},
	} {
		err := tc.f.Check(r, nil)
		if (err == nil) != (tc.want == "") || (err != nil && err.Error() != tc.want) {
			t.Errorf("Check(%+v) = %v, want %q", tc.f, err, tc.want)
		}
	}
	if err := (Filter{Teams: []string{"payments"}}).Check(r, []string{"payments"}); err != nil {
		t.Errorf("a team of the --teams file is valid without results: %v", err)
	}
}
