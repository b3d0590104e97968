package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func sampleJSON(t *testing.T, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (JSONWriter{}).Write(&buf, r); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func TestSchemaAcceptsReports(t *testing.T) {
	for name, r := range map[string]*Report{
		"sample": sampleReport(),
		"empty":  emptyReport(),
		// A report whose lists were never set must still be written valid.
		"nil lists": {Tool: Tool{Name: "baseline", Version: "dev"}, Summary: Summarize(nil)},
	} {
		t.Run(name, func(t *testing.T) {
			if err := ValidateJSON(sampleJSON(t, r)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSchemaVersionMatches(t *testing.T) {
	var s struct {
		Properties struct {
			SchemaVersion struct {
				Const string `json:"const"`
			} `json:"schema_version"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(SchemaJSON, &s); err != nil {
		t.Fatal(err)
	}
	if s.Properties.SchemaVersion.Const != SchemaVersion {
		t.Errorf("schema const schema_version = %q, SchemaVersion = %q", s.Properties.SchemaVersion.Const, SchemaVersion)
	}
}

// TestSchemaEveryFieldDescribed holds the schema to documenting every
// property, since it is the reference dashboards are built from.
func TestSchemaEveryFieldDescribed(t *testing.T) {
	var doc any
	if err := json.Unmarshal(SchemaJSON, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for name, p := range props {
				pm, _ := p.(map[string]any)
				if d, _ := pm["description"].(string); d == "" {
					t.Errorf("%s/properties/%s has no description", path, name)
				}
				walk(path+"/properties/"+name, p)
			}
		}
		for _, k := range []string{"items", "$defs"} {
			switch sub := m[k].(type) {
			case map[string]any:
				if k == "$defs" {
					for name, d := range sub {
						walk(path+"/$defs/"+name, d)
					}
				} else {
					walk(path+"/"+k, sub)
				}
			}
		}
	}
	walk("#", doc)
}

// TestSchemaRejects checks that the schema is strict: each mutation of a
// valid report must fail validation.
func TestSchemaRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(doc map[string]any)
	}{
		{"missing top-level field", func(d map[string]any) { delete(d, "summary") }},
		{"missing result field", func(d map[string]any) { delete(result(d, 0), "control_id") }},
		{"null results", func(d map[string]any) { d["results"] = nil }},
		{"null references", func(d map[string]any) { result(d, 0)["references"] = nil }},
		{"extra top-level field", func(d map[string]any) { d["extra"] = true }},
		{"extra result field", func(d map[string]any) { result(d, 0)["owner"] = "me" }},
		{"bad status", func(d map[string]any) { result(d, 0)["status"] = "pass" }},
		{"bad severity", func(d map[string]any) { result(d, 0)["severity"] = "urgent" }},
		{"bad coverage state", func(d map[string]any) { d["coverage"].([]any)[0].(map[string]any)["state"] = "on" }},
		{"short account id", func(d map[string]any) { result(d, 0)["account_id"] = "12345" }},
		{"bad region", func(d map[string]any) { result(d, 0)["region"] = "Europe" }},
		{"bad scope account", func(d map[string]any) { d["scope"].(map[string]any)["accounts"] = []any{"prod"} }},
		{"bad generated_at", func(d map[string]any) { d["generated_at"] = "14/03/2025" }},
		{"bad waiver date", func(d map[string]any) { waived(d)["waiver"].(map[string]any)["expires"] = "2025-13-45" }},
		{"waived without waiver", func(d map[string]any) { delete(waived(d), "waiver") }},
		{"waiver on a non-waived result", func(d map[string]any) { result(d, 0)["waiver"] = waived(d)["waiver"] }},
		{"wrong type total", func(d map[string]any) { d["summary"].(map[string]any)["total"] = "9" }},
		{"wrong type references", func(d map[string]any) { result(d, 0)["references"] = "CIS 3.1" }},
		{"missing severity key", func(d map[string]any) {
			delete(d["summary"].(map[string]any)["by_severity"].(map[string]any), "low")
		}},
		{"score above 100", func(d map[string]any) { d["summary"].(map[string]any)["score"] = 100.5 }},
		{"bad schema version", func(d map[string]any) { d["schema_version"] = "1.0" }},
	}
	valid := sampleJSON(t, sampleReport())
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

func TestValidateJSONRejectsNonJSON(t *testing.T) {
	for _, in := range []string{"", "{", `{"a":1} {}`} {
		if err := ValidateJSON([]byte(in)); err == nil || !strings.Contains(err.Error(), "validate report") {
			t.Errorf("ValidateJSON(%q) = %v, want a validate report error", in, err)
		}
	}
}

func result(doc map[string]any, i int) map[string]any {
	return doc["results"].([]any)[i].(map[string]any)
}

// waived returns the first WAIVED result; result 0 of the sample is not one.
func waived(doc map[string]any) map[string]any {
	for _, r := range doc["results"].([]any) {
		if m := r.(map[string]any); m["status"] == "WAIVED" {
			return m
		}
	}
	panic("sample report has no WAIVED result")
}
