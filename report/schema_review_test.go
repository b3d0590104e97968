package report

import (
	"encoding/json"
	"testing"
)

// reviewReport is the sample report with the additive review sections: the
// waivers list and a diff against a previous report.
func reviewReport(t *testing.T) *Report {
	t.Helper()
	r := sampleReport()
	r.Waivers = []WaiverStatus{
		{Control: "ssm.*", Accounts: []string{"222222222222"}, Regions: []string{"eu-west-1", "global"}, Resource: "arn:aws:ec2:*", Reason: "legacy", Owner: "payments", Expires: "2026-06-30", DaysLeft: 90, State: WaiverActive, Matched: 1},
		{Control: "guardduty.enabled", Reason: "sandbox", Owner: "data", Expires: "2025-01-01", DaysLeft: -70, State: WaiverExpired},
	}
	prev := sampleReport()
	prev.Results = prev.Results[1:]
	for i := range prev.Results {
		if prev.Results[i].Status == StatusFail {
			prev.Results[i].Status = StatusPass
			break
		}
	}
	prev.Coverage = nil
	d, err := Compare(prev, r)
	if err != nil {
		t.Fatal(err)
	}
	r.Diff = d
	return r
}

func TestSchemaAcceptsReviewSections(t *testing.T) {
	r := reviewReport(t)
	if r.Diff.Summary.New+r.Diff.Summary.Regressed == 0 {
		t.Fatal("the review sample has no diff entries to validate")
	}
	if err := ValidateJSON(sampleJSON(t, r)); err != nil {
		t.Fatal(err)
	}
	// Both sections are optional: a 1.0 report without them stays valid.
	var doc map[string]any
	if err := json.Unmarshal(sampleJSON(t, sampleReport()), &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc["waivers"]; ok {
		t.Error("a report without waivers writes a waivers key")
	}
	if _, ok := doc["diff"]; ok {
		t.Error("a report without a previous report writes a diff key")
	}
}

func TestSchemaRejectsReviewSections(t *testing.T) {
	first := func(d map[string]any, list string) map[string]any {
		return d["diff"].(map[string]any)[list].([]any)[0].(map[string]any)
	}
	nonEmpty := func(d map[string]any) string {
		for _, l := range []string{"new", "regressed", "fixed", "still_failing"} {
			if len(d["diff"].(map[string]any)[l].([]any)) > 0 {
				return l
			}
		}
		panic("empty diff")
	}
	waiver := func(d map[string]any) map[string]any { return d["waivers"].([]any)[0].(map[string]any) }
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"bad waiver state", func(d map[string]any) { waiver(d)["state"] = "ok" }},
		{"waiver without reason", func(d map[string]any) { delete(waiver(d), "reason") }},
		{"waiver bad expires", func(d map[string]any) { waiver(d)["expires"] = "30/06/2026" }},
		{"waiver extra field", func(d map[string]any) { waiver(d)["team"] = "x" }},
		{"waiver bad account", func(d map[string]any) { waiver(d)["accounts"] = []any{"prod"} }},
		{"waivers not a list", func(d map[string]any) { d["waivers"] = map[string]any{} }},
		{"diff extra field", func(d map[string]any) { d["diff"].(map[string]any)["changed"] = 1 }},
		{"diff missing list", func(d map[string]any) { delete(d["diff"].(map[string]any), "fixed") }},
		{"diff null list", func(d map[string]any) { d["diff"].(map[string]any)["new"] = nil }},
		{"diff result bad status", func(d map[string]any) { first(d, nonEmpty(d))["status"] = "GONE" }},
		{"diff result extra field", func(d map[string]any) { first(d, nonEmpty(d))["waiver"] = nil }},
		{"diff summary missing count", func(d map[string]any) { delete(d["diff"].(map[string]any)["summary"].(map[string]any), "new") }},
		{"diff null", func(d map[string]any) { d["diff"] = nil }},
	}
	valid := sampleJSON(t, reviewReport(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(valid, &doc); err != nil {
				t.Fatal(err)
			}
			tt.mutate(doc)
			data, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := ValidateJSON(data); err == nil {
				t.Errorf("mutated report validated:\n%s", data)
			}
		})
	}
}

func TestSchemaAcceptsShardAndCoverageGaps(t *testing.T) {
	if err := ValidateJSON(sampleJSON(t, gapsReport())); err != nil {
		t.Fatal(err)
	}
	// All three are optional: a report without them writes no key.
	var doc map[string]any
	if err := json.Unmarshal(sampleJSON(t, sampleReport()), &doc); err != nil {
		t.Fatal(err)
	}
	scope := doc["scope"].(map[string]any)
	for key, present := range map[string]bool{"coverage_gaps": doc["coverage_gaps"] != nil, "scope.shard": scope["shard"] != nil, "scope.regions_mode": scope["regions_mode"] != nil} {
		if present {
			t.Errorf("a report without %s writes it", key)
		}
	}
}

func TestSchemaRejectsShardAndCoverageGaps(t *testing.T) {
	gap := func(d map[string]any) map[string]any { return d["coverage_gaps"].([]any)[0].(map[string]any) }
	shard := func(d map[string]any) map[string]any { return d["scope"].(map[string]any)["shard"].(map[string]any) }
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"gap bad account", func(d map[string]any) { gap(d)["account_id"] = "prod" }},
		{"gap without reason", func(d map[string]any) { delete(gap(d), "reason") }},
		{"gap extra field", func(d map[string]any) { gap(d)["state"] = "x" }},
		{"gaps not a list", func(d map[string]any) { d["coverage_gaps"] = map[string]any{} }},
		{"shard index 0", func(d map[string]any) { shard(d)["index"] = 0 }},
		{"shard without count", func(d map[string]any) { delete(shard(d), "count") }},
		{"shard extra field", func(d map[string]any) { shard(d)["of"] = 3 }},
		{"shard as text", func(d map[string]any) { d["scope"].(map[string]any)["shard"] = "2/3" }},
		{"bad regions mode", func(d map[string]any) { d["scope"].(map[string]any)["regions_mode"] = "enabled" }},
	}
	valid := sampleJSON(t, gapsReport())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(valid, &doc); err != nil {
				t.Fatal(err)
			}
			tt.mutate(doc)
			data, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := ValidateJSON(data); err == nil {
				t.Errorf("mutated report validated:\n%s", data)
			}
		})
	}
}
