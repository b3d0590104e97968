package report

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestResultIDRecipe holds the recipe documented in the JSON Schema
// ($defs/result_id) and ResultID: the worked example hashes to the id the
// code computes, and the id is 16 lowercase hex digits.
func TestResultIDRecipe(t *testing.T) {
	// sha256("11:ssm.managed12:1111111111119:eu-west-13:i-10:")[:16]
	if got := ResultID("ssm.managed", "111111111111", "eu-west-1", "i-1", ""); got != "42cada5731c56f41" {
		t.Errorf("ResultID(example) = %s, want 42cada5731c56f41 (the schema's worked example)", got)
	}
	var schema struct {
		Defs map[string]struct {
			Description string `json:"description"`
			Pattern     string `json:"pattern"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(SchemaJSON, &schema); err != nil {
		t.Fatal(err)
	}
	def := schema.Defs["result_id"]
	if !strings.Contains(def.Description, "11:ssm.managed12:1111111111119:eu-west-13:i-10:") {
		t.Errorf("schema result_id no longer gives the worked example: %s", def.Description)
	}
	if !regexp.MustCompile(def.Pattern).MatchString(ResultID("a", "b", "c", "d", "e")) {
		t.Errorf("ResultID does not match the schema pattern %s", def.Pattern)
	}
}

// TestResultIDIsStableAndDistinct: the id ignores the verdict, message and
// team (what changes between scans) and separates every field, including
// values that a plain concatenation would confuse.
func TestResultIDIsStableAndDistinct(t *testing.T) {
	base := Result{ControlID: "securityhub.critical_findings", AccountID: "111111111111", Region: "eu-west-1", Resource: "arn:aws:s3:::b",
		Status: StatusFail, Message: "m", Team: "a", Finding: &Finding{ID: "f1", Title: "t"}}
	later := base
	later.Status, later.Message, later.Team = StatusPass, "other", "b"
	days := 9
	later.Finding = &Finding{ID: "f1", Title: "retitled", DaysOverdue: &days}
	if base.StableID() != later.StableID() {
		t.Errorf("id changed with status, message, team or finding details: %s vs %s", base.StableID(), later.StableID())
	}
	ids := map[string]string{}
	for name, id := range map[string]string{
		"base":          base.StableID(),
		"other finding": ResultID(base.ControlID, base.AccountID, base.Region, base.Resource, "f2"),
		"no finding":    ResultID(base.ControlID, base.AccountID, base.Region, base.Resource, ""),
		"other region":  ResultID(base.ControlID, base.AccountID, "eu-west-2", base.Resource, "f1"),
		"shifted a":     ResultID("ab", "c", "", "", ""),
		"shifted b":     ResultID("a", "bc", "", "", ""),
	} {
		if other, dup := ids[id]; dup {
			t.Errorf("%s and %s share id %s", name, other, id)
		}
		ids[id] = name
	}
}

// TestUpgradeComputesIDs: a 2.0 report (no ids) read back gets the ids a
// 3.0 report gives the same results, so diff matches them.
func TestUpgradeComputesIDs(t *testing.T) {
	data := []byte(`{"schema_version": "2.0", "results": [{"control_id": "ssm.managed", "account_id": "111111111111", "region": "eu-west-1", "resource": "i-1", "status": "FAIL", "severity": "high"}]}`)
	r, err := ParseReport("old.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if r.SchemaVersion != SchemaVersion || r.Results[0].ID != "42cada5731c56f41" {
		t.Errorf("upgraded to %s with id %q, want %s with 42cada5731c56f41", r.SchemaVersion, r.Results[0].ID, SchemaVersion)
	}
}

// TestResultIDAllocatesOnlyItsID: a report computes one id per result
// (1.8 million at 5,000 accounts × 4 regions), after every result is
// built; a hash state or buffer left on the heap per id was garbage the
// size of the results again, and the peak of a large scan's memory.
func TestResultIDAllocatesOnlyItsID(t *testing.T) {
	finding := "arn:aws:securityhub:eu-west-1:111111111111:security-control/S3.8/finding/9a8b"
	long := strings.Repeat("r", 1000) // past any buffer on the stack: allowed to grow
	allocs := testing.AllocsPerRun(100, func() {
		_ = ResultID("securityhub.high_findings", "111111111111", "eu-west-1", "arn:aws:s3:::acme-share", finding)
	})
	if allocs > 1 {
		t.Errorf("ResultID allocates %.0f times per id, want 1 (the id's own bytes)", allocs)
	}
	if got, want := ResultID("c", "a", "r", long, ""), ResultID("c", "a", "r", long, ""); got != want || len(got) != IDLength {
		t.Errorf("ResultID of a long resource = %q, %q", got, want)
	}
}
