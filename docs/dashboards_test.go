package docs_test

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/baseline-scanner/baseline/report"
)

// dashboardBlocks returns the fenced code blocks of dashboards.md that
// follow a <!-- table: NAME --> or <!-- query: NAME --> marker, by marker.
func dashboardBlocks(t *testing.T) map[string]string {
	t.Helper()
	doc, err := os.ReadFile("dashboards.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- ((?:table|query): [a-z-]+) -->\n```[a-z]*\n(.*?)```")
	blocks := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		if _, dup := blocks[m[1]]; dup {
			t.Fatalf("dashboards.md has two blocks %q", m[1])
		}
		blocks[m[1]] = m[2]
	}
	return blocks
}

// ndjsonColumns is every field of every NDJSON record type, with its JSON
// Schema type ("string", "array", "object", and "date-time" for strings of
// that format).
func ndjsonColumns(t *testing.T) map[string]string {
	t.Helper()
	var s struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Type   string `json:"type"`
				Format string `json:"format"`
				Const  any    `json:"const"`
				Enum   []any  `json:"enum"`
				Ref    string `json:"$ref"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(report.NDJSONSchemaJSON, &s); err != nil {
		t.Fatal(err)
	}
	cols := map[string]string{}
	for _, def := range s.Defs {
		for name, p := range def.Properties {
			typ := p.Type
			switch {
			case p.Format == "date-time":
				typ = "date-time"
			case typ == "object": // the waiver
				typ = "object:" + name
			case strings.HasSuffix(p.Ref, "#/$defs/finding"):
				typ = "object:finding"
			case typ == "": // const, enum or $ref of a string
				typ = "string"
			}
			if old, ok := cols[name]; ok && old != typ {
				t.Errorf("field %s is %s in one record type and %s in another", name, old, typ)
			}
			cols[name] = typ
		}
	}
	return cols
}

// TestDashboardTablesMatchTheNDJSONSchema holds the Athena and BigQuery
// table definitions of dashboards.md to the NDJSON schema: one column per
// field of any record type, of a matching type, and no other. (The queries
// themselves run against DuckDB in docs/dashboards/duckdb.)
func TestDashboardTablesMatchTheNDJSONSchema(t *testing.T) {
	blocks := dashboardBlocks(t)
	cols := ndjsonColumns(t)
	want := slices.Sorted(maps.Keys(cols))

	athena := blocks["table: athena"]
	colRe := regexp.MustCompile("(?m)^  `?([a-z_]+)`? ([a-z]+(?:<.*>)?),?$")
	got := map[string]string{}
	for _, m := range colRe.FindAllStringSubmatch(athena, -1) {
		got[m[1]] = m[2]
	}
	if names := slices.Sorted(maps.Keys(got)); !slices.Equal(names, want) {
		t.Errorf("Athena columns\n%v\nwant the NDJSON fields\n%v", names, want)
	}
	athenaType := map[string]string{"string": "string", "date-time": "string", "array": "array<string>",
		"object:waiver":  "struct<id:string,control:string,reason:string,owner:string,expires:string>",
		"object:finding": "struct<id:string,title:string,product:string,control_id:string,severity:string,first_observed_at:string,sla_due:string>"}
	for name, typ := range got {
		if athenaType[cols[name]] != typ {
			t.Errorf("Athena column %s is %s, want %s for a %s field", name, typ, athenaType[cols[name]], cols[name])
		}
	}
	if !strings.Contains(athena, "'org.openx.data.jsonserde.JsonSerDe'") {
		t.Error("the Athena table does not use the OpenX JSON SerDe")
	}

	var bq []struct {
		Name   string `json:"name"`
		Type   string `json:"type"`
		Mode   string `json:"mode"`
		Fields []struct {
			Name string `json:"name"`
		} `json:"fields"`
	}
	if err := json.Unmarshal([]byte(blocks["table: bigquery"]), &bq); err != nil {
		t.Fatalf("BigQuery schema: %v", err)
	}
	var names []string
	bqType := map[string]string{"string": "STRING", "date-time": "TIMESTAMP", "array": "STRING", "object:waiver": "RECORD", "object:finding": "RECORD"}
	bqRecord := map[string]string{"waiver": "id,control,reason,owner,expires",
		"finding": "id,title,product,control_id,severity,first_observed_at,sla_days,sla_due,days_overdue"}
	for _, f := range bq {
		names = append(names, f.Name)
		if bqType[cols[f.Name]] != f.Type {
			t.Errorf("BigQuery field %s is %s, want %s", f.Name, f.Type, bqType[cols[f.Name]])
		}
		if (cols[f.Name] == "array") != (f.Mode == "REPEATED") {
			t.Errorf("BigQuery field %s has mode %q", f.Name, f.Mode)
		}
		if f.Mode == "REQUIRED" && !slices.Contains([]string{"record_type", "schema_version", "generated_at", "account_id"}, f.Name) {
			t.Errorf("BigQuery field %s is REQUIRED but not on every record type", f.Name)
		}
		if f.Type == "RECORD" {
			var sub []string
			for _, s := range f.Fields {
				sub = append(sub, s.Name)
			}
			if strings.Join(sub, ",") != bqRecord[f.Name] {
				t.Errorf("BigQuery record %s has fields %v", f.Name, sub)
			}
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("BigQuery fields\n%v\nwant the NDJSON fields\n%v", names, want)
	}
	for _, q := range []string{"failing-by-team", "new-failures", "coverage-gaps", "collection-errors"} {
		if blocks["query: "+q] == "" {
			t.Errorf("dashboards.md has no query %q", q)
		}
	}
}
