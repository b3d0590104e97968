package report

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// ndjsonLines renders r as NDJSON and decodes every line into a map.
func ndjsonLines(t *testing.T, r *Report) []map[string]json.RawMessage {
	t.Helper()
	var buf bytes.Buffer
	if err := (NDJSONWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var out []map[string]json.RawMessage
	for i, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		out = append(out, m)
	}
	return out
}

func str(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is not a string: %v", raw, err)
	}
	return s
}

// TestNDJSONRecordTypes checks that coverage, coverage gaps and collection
// errors follow the results, each as one line of its record_type that
// decodes to the report's entry and names the account as its results do.
func TestNDJSONRecordTypes(t *testing.T) {
	r := gapsReport()
	if len(r.Coverage) == 0 || len(r.CoverageGaps) == 0 || len(r.Errors) == 0 {
		t.Fatal("the sample has no coverage, gaps or errors to write")
	}
	lines := ndjsonLines(t, r)
	var kinds []string
	for _, l := range lines {
		kinds = append(kinds, str(t, l["record_type"]))
	}
	var want []string
	for range r.Results {
		want = append(want, RecordResult)
	}
	for range r.Coverage {
		want = append(want, RecordCoverage)
	}
	for range r.CoverageGaps {
		want = append(want, RecordCoverageGap)
	}
	for range r.Errors {
		want = append(want, RecordCollectionError)
	}
	if !slices.Equal(kinds, want) {
		t.Fatalf("record types\n%v\nwant\n%v", kinds, want)
	}
	name, team := map[string]string{}, map[string]string{}
	for _, res := range r.Results {
		if _, ok := name[res.AccountID]; !ok {
			name[res.AccountID], team[res.AccountID] = res.AccountName, res.Team
		}
	}
	decode := func(l map[string]json.RawMessage, v any) {
		t.Helper()
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
		acct := str(t, l["account_id"])
		if got := str(t, l["account_name"]); got != name[acct] {
			t.Errorf("%s line of %s: account_name %q, want %q", l["record_type"], acct, got, name[acct])
		}
		if got := str(t, l["team"]); got != team[acct] {
			t.Errorf("%s line of %s: team %q, want %q", l["record_type"], acct, got, team[acct])
		}
		if str(t, l["schema_version"]) != SchemaVersion || str(t, l["generated_at"]) != "2025-03-14T09:26:53Z" {
			t.Errorf("%s line: schema_version %s, generated_at %s", l["record_type"], l["schema_version"], l["generated_at"])
		}
	}
	i := len(r.Results)
	for _, c := range r.Coverage {
		var got Coverage
		decode(lines[i], &got)
		if got != c {
			t.Errorf("coverage line %d decodes to %+v, want %+v", i+1, got, c)
		}
		i++
	}
	for _, g := range r.CoverageGaps {
		var got CoverageGap
		decode(lines[i], &got)
		if got != g {
			t.Errorf("coverage_gap line %d decodes to %+v, want %+v", i+1, got, g)
		}
		i++
	}
	for _, e := range r.Errors {
		var got Error
		decode(lines[i], &got)
		if got != e {
			t.Errorf("collection_error line %d decodes to %+v, want %+v", i+1, got, e)
		}
		i++
	}
}

// TestNDJSONMatchesSchema validates every line the writer produces against
// schema/ndjson.schema.json, and checks that the schema rejects lines that
// break it.
func TestNDJSONMatchesSchema(t *testing.T) {
	for name, r := range map[string]*Report{"sample": sampleReport(), "gaps": gapsReport(), "demo": demoLikeReport(), "empty": emptyReport()} {
		var buf bytes.Buffer
		if err := (NDJSONWriter{}).Write(&buf, r); err != nil {
			t.Fatal(err)
		}
		if err := ValidateNDJSON(buf.Bytes()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	good := `{"record_type":"coverage","schema_version":"2.0","generated_at":"2025-03-14T09:26:53Z","account_id":"111111111111","region":"eu-west-1","service":"guardduty","state":"enabled","account_name":"prod","team":"platform"}`
	if err := ValidateNDJSON([]byte(good + "\n")); err != nil {
		t.Fatalf("valid line rejected: %v", err)
	}
	for _, tc := range []struct{ name, old, new string }{
		{"unknown record type", `"record_type":"coverage"`, `"record_type":"scan"`},
		{"no record type", `"record_type":"coverage",`, ``},
		{"result fields on a coverage line", `"state":"enabled"`, `"state":"enabled","control_id":"x"`},
		{"bad state", `"state":"enabled"`, `"state":"on"`},
		{"no team", `,"team":"platform"`, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(good, tc.old, tc.new, 1)
			if bad == good {
				t.Fatal("replacement did not apply")
			}
			err := ValidateNDJSON([]byte(good + "\n" + bad + "\n"))
			if err == nil || !strings.Contains(err.Error(), "line 2") {
				t.Errorf("got %v, want an error naming line 2", err)
			}
		})
	}
}

// TestNDJSONSchemaMirrorsReportSchema: each NDJSON record type has exactly
// the fields of its part of the JSON report plus the line's own, so a field
// added to the report is added here too.
func TestNDJSONSchemaMirrorsReportSchema(t *testing.T) {
	var rep, nd struct {
		Defs map[string]struct {
			Required   []string                   `json:"required"`
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(SchemaJSON, &rep); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(NDJSONSchemaJSON, &nd); err != nil {
		t.Fatal(err)
	}
	head := []string{"record_type", "schema_version", "generated_at"}
	for kind, part := range map[string]string{RecordResult: "result", RecordCoverage: "coverage", RecordCoverageGap: "coverage_gap", RecordCollectionError: "error"} {
		want := append(slices.Collect(maps.Keys(rep.Defs[part].Properties)), head...)
		want = append(want, "account_name", "team")
		slices.Sort(want)
		want = slices.Compact(want)
		got := slices.Sorted(maps.Keys(nd.Defs[kind].Properties))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: properties %v, want %v", kind, got, want)
		}
		for _, f := range append(head, rep.Defs[part].Required...) {
			if !slices.Contains(nd.Defs[kind].Required, f) {
				t.Errorf("%s: %s is not required", kind, f)
			}
		}
	}
}
