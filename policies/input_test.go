package policies

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/util"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/evalbench/synth"
)

// jsonInputValue is the input the slow, obvious way: through JSON.
func jsonInputValue(t *testing.T, collectedAt time.Time, acct *checks.AccountFacts) ast.Value {
	t.Helper()
	b, err := json.Marshal(checks.PolicyInput{CollectedAt: collectedAt, AccountFacts: acct})
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := util.NewJSONDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	v, err := ast.InterfaceToValue(doc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestInputValueEqualsJSON holds the direct Go → Rego conversion equal to
// encoding the input as JSON and decoding it, for observed, unobserved and
// generated accounts.
func TestInputValueEqualsJSON(t *testing.T) {
	healthy := healthyAccount("111122223333", "eu-west-1", "us-east-1")
	healthy.Team = "payments"
	healthy.GuardDuty["eu-west-1"].FindingCounts = map[string]int{"high": 2, "low": 7}
	healthy.GuardDuty["eu-west-1"].HighFindings = []checks.GuardDutyFinding{{ID: "g", Severity: 7.5, UpdatedAt: collectedAt}, {ID: "h", Severity: 8}}
	healthy.Errors = []checks.CollectionError{{Region: "global", Service: "sts", Operation: "AssumeRole", Code: "AccessDenied", Message: "no"}}
	accounts := map[string]*checks.AccountFacts{
		"healthy":    &healthy,
		"unobserved": {AccountID: "111122223333", SecurityHub: map[string]*checks.SecurityHubRegion{"eu-west-1": nil, "us-east-1": {}}},
		"nothing":    nil,
	}
	for i, a := range synth.Snapshot(5, 2000, 7).Accounts {
		accounts["synth"+string(rune('0'+i))] = &a
	}
	for name, acct := range accounts {
		got, err := inputValue(collectedAt.Add(123456789), acct)
		if err != nil {
			t.Fatal(err)
		}
		if want := jsonInputValue(t, collectedAt.Add(123456789), acct); got.Compare(want) != 0 {
			t.Errorf("%s: direct conversion differs from JSON:\n got %v\nwant %v", name, got, want)
		}
	}
}

// regionNote is the facts of a service outside AccountFacts' fields, for
// TestInputValueCarriesOtherFacts.
type regionNote struct {
	Note  *string   `json:"note"`
	Seen  time.Time `json:"seen"`
	Count int       `json:"count,omitempty"`
}

// TestInputValueCarriesOtherFacts holds the facts of a service without a
// field in AccountFacts at input.<name>, encoded as encoding/json encodes
// them, beside the fields (which are unchanged).
func TestInputValueCarriesOtherFacts(t *testing.T) {
	healthy := healthyAccount("111122223333", "eu-west-1")
	note := "n"
	with := healthy
	with.Other = checks.OtherFacts{"notes": checks.ByRegion[regionNote]{"eu-west-1": {Note: &note, Seen: collectedAt}, "us-east-1": nil}}
	got, err := inputValue(collectedAt, &with)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(with.Other["notes"])
	if err != nil {
		t.Fatal(err)
	}
	want, err := ast.ValueFromReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	obj := got.(ast.Object)
	if v := obj.Get(ast.StringTerm("notes")); v == nil || v.Value.Compare(want) != 0 {
		t.Errorf("input.notes = %v, want %v", v, want)
	}
	without, err := inputValue(collectedAt, &healthy)
	if err != nil {
		t.Fatal(err)
	}
	if n := obj.Len(); n != without.(ast.Object).Len()+1 {
		t.Errorf("input has %d keys with the other facts, %d without: want one more", n, without.(ast.Object).Len())
	}
}
