package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestNDJSONLines parses every line back: one object per result, in order,
// with the scan time, schema version, account and team on each, and the
// result's fields unchanged.
func TestNDJSONLines(t *testing.T) {
	r := sampleReport()
	var buf bytes.Buffer
	if err := (NDJSONWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasSuffix(out, "\n") {
		t.Error("output does not end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	lines = lines[:min(len(lines), len(r.Results))] // results come first; other record types: ndjson_records_test.go
	if len(lines) != len(r.Results) {
		t.Fatalf("%d lines, want one per result (%d)", len(lines), len(r.Results))
	}
	for i, line := range lines {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &fields); err != nil {
			t.Fatalf("line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		for _, key := range []string{"record_type", "schema_version", "generated_at", "account_id", "account_name", "team", "control_id", "status", "region", "references"} {
			if _, ok := fields[key]; !ok {
				t.Errorf("line %d has no %q", i+1, key)
			}
		}
		// (A struct embedding Result would decode through its
		// UnmarshalJSON alone: the head is read apart.)
		var row struct {
			SchemaVersion string    `json:"schema_version"`
			GeneratedAt   time.Time `json:"generated_at"`
			Result        Result    `json:"-"`
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(line), &row.Result); err != nil {
			t.Fatal(err)
		}
		if row.SchemaVersion != SchemaVersion || !row.GeneratedAt.Equal(r.GeneratedAt) {
			t.Errorf("line %d: schema_version %q, generated_at %v", i+1, row.SchemaVersion, row.GeneratedAt)
		}
		if !reflect.DeepEqual(row.Result, r.Results[i]) {
			t.Errorf("line %d decodes to\n%+v\nwant\n%+v", i+1, row.Result, r.Results[i])
		}
	}
}

func TestNDJSONEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := (NDJSONWriter{}).Write(&buf, emptyReport()); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("empty report wrote %q, want nothing", buf.String())
	}
}

// TestNDJSONStreams checks a large report is written line by line (it must
// not be one document) and every line is complete.
func TestNDJSONStreams(t *testing.T) {
	r := largeReport(5000, 0)
	var buf bytes.Buffer
	if err := (NDJSONWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("line %d is not valid JSON", n+1)
		}
		n++
	}
	if n != len(r.Results) {
		t.Errorf("%d lines, want %d", n, len(r.Results))
	}
}
