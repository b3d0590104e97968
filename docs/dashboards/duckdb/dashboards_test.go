//go:build cgo

package duckdb_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/baseline-scanner/baseline/internal/cli"
	"github.com/baseline-scanner/baseline/report"
)

// blocks returns the fenced code blocks of dashboards.md that follow a
// <!-- table: NAME --> or <!-- query: NAME --> marker.
func blocks(t *testing.T) map[string]string {
	t.Helper()
	doc, err := os.ReadFile("../../dashboards.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- ((?:table|query): [a-z-]+) -->\n```[a-z]*\n(.*?)```")
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// duckColumns turns the Athena table's columns into read_json's columns
// argument: string is VARCHAR, array<string> VARCHAR[], struct<a:string,…>
// STRUCT(a VARCHAR, …).
func duckColumns(t *testing.T, ddl string) string {
	t.Helper()
	re := regexp.MustCompile("(?m)^  `?([a-z_]+)`? ([a-z]+(?:<.*>)?),?$")
	var cols []string
	for _, m := range re.FindAllStringSubmatch(ddl, -1) {
		var typ string
		switch {
		case m[2] == "string":
			typ = "VARCHAR"
		case m[2] == "array<string>":
			typ = "VARCHAR[]"
		case strings.HasPrefix(m[2], "struct<"):
			var fields []string
			for _, f := range strings.Split(strings.TrimSuffix(strings.TrimPrefix(m[2], "struct<"), ">"), ",") {
				name, ftyp, _ := strings.Cut(f, ":")
				if ftyp != "string" {
					t.Fatalf("struct field %s is %s", name, ftyp)
				}
				fields = append(fields, name+" VARCHAR")
			}
			typ = "STRUCT(" + strings.Join(fields, ", ") + ")"
		default:
			t.Fatalf("Athena type %s of %s has no DuckDB equivalent here", m[2], m[1])
		}
		cols = append(cols, fmt.Sprintf("'%s': '%s'", m[1], typ))
	}
	if len(cols) < 10 {
		t.Fatalf("only %d columns found in the Athena table", len(cols))
	}
	return "{" + strings.Join(cols, ", ") + "}"
}

// rows runs query and formats each row as its values joined by "|", NULL as
// "NULL", in the query's order.
func rows(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rs, err := db.Query(query)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out []string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				parts[i] = "NULL"
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDashboardQueries scans the demo, writes its NDJSON and that of a
// previous scan derived from it (a week earlier, with some of today's
// failures passing then), loads both into DuckDB with the columns of the
// Athena table of dashboards.md, runs each query of dashboards.md, and
// compares the rows with what the JSON report of the same scan says.
func TestDashboardQueries(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	// The demo has failures and collection errors: its exit code is not 0.
	scanErr := cli.Execute(context.Background(), []string{"scan", "--demo", "-q", "--format", "ndjson,json", "--out-dir", dir}, &stdout, &stderr)
	rep, err := report.ReadReport(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatalf("demo scan: %v (%v)\n%s", err, scanErr, stderr.String())
	}
	current, err := os.ReadFile(filepath.Join(dir, "report.ndjson"))
	if err != nil {
		t.Fatal(err)
	}

	// The previous scan: the same lines a week earlier, where every third
	// failing result passed.
	prevTime := rep.GeneratedAt.AddDate(0, 0, -7).UTC().Format("2006-01-02T15:04:05Z")
	type key struct{ control, account, region, resource string }
	prevFail := map[key]bool{}
	var prev bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(current))
	sc.Buffer(nil, 1<<20)
	fails := 0
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		line["generated_at"] = prevTime
		if line["record_type"] == "result" && line["status"] == "FAIL" {
			fails++
			if fails%3 == 0 {
				line["status"] = "PASS"
			} else {
				prevFail[key{line["control_id"].(string), line["account_id"].(string), line["region"].(string), line["resource"].(string)}] = true
			}
		}
		b, _ := json.Marshal(line)
		prev.Write(append(b, '\n'))
	}
	if fails < 3 {
		t.Fatalf("the demo has %d failing results; the new-failures query needs some", fails)
	}
	prevPath := filepath.Join(dir, "previous.ndjson")
	if err := os.WriteFile(prevPath, prev.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := blocks(t)
	load := fmt.Sprintf("CREATE TABLE baseline AS SELECT * FROM read_json(['%s', '%s'], format = 'newline_delimited', columns = %s)",
		filepath.Join(dir, "report.ndjson"), prevPath, duckColumns(t, b["table: athena"]))
	if _, err := db.Exec(load); err != nil {
		t.Fatalf("load the NDJSON with the Athena table's columns: %v", err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM baseline WHERE generated_at = (SELECT MAX(generated_at) FROM baseline)").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := len(rep.Results) + len(rep.Coverage) + len(rep.CoverageGaps) + len(rep.Errors); n != want {
		t.Fatalf("%d rows in the latest scan, want %d", n, want)
	}

	teamOf := map[string]string{}
	nameOf := map[string]string{}
	for _, r := range rep.Results {
		teamOf[r.AccountID], nameOf[r.AccountID] = r.Team, r.AccountName
	}
	want := map[string][]string{}
	count := map[string]int{}
	for _, r := range rep.Results {
		if r.Status == report.StatusFail {
			count[r.Team+"|"+string(r.Severity)]++
			if !prevFail[key{r.ControlID, r.AccountID, r.Region, r.Resource}] {
				want["new-failures"] = append(want["new-failures"], strings.Join([]string{r.Team, r.ControlID, r.AccountID, r.Region, r.Resource}, "|"))
			}
		}
	}
	for k, c := range count {
		want["failing-by-team"] = append(want["failing-by-team"], fmt.Sprintf("%s|%d", k, c))
	}
	for _, c := range rep.Coverage {
		if c.State != report.CoverageEnabled {
			want["coverage-gaps"] = append(want["coverage-gaps"], strings.Join([]string{teamOf[c.AccountID], c.AccountID, nameOf[c.AccountID], c.Region, c.Service, string(c.State)}, "|"))
		}
	}
	errs := map[string]int{}
	errAccounts := map[string]map[string]bool{}
	for _, e := range rep.Errors {
		k := e.Service + "|" + e.Operation + "|" + e.Code
		errs[k]++
		if errAccounts[k] == nil {
			errAccounts[k] = map[string]bool{}
		}
		errAccounts[k][e.AccountID] = true
	}
	for k, c := range errs {
		want["collection-errors"] = append(want["collection-errors"], fmt.Sprintf("%s|%d|%d", k, c, len(errAccounts[k])))
	}
	for _, q := range []string{"failing-by-team", "new-failures", "coverage-gaps", "collection-errors"} {
		t.Run(q, func(t *testing.T) {
			query := b["query: "+q]
			if query == "" {
				t.Fatalf("dashboards.md has no query %s", q)
			}
			got := rows(t, db, query)
			if !slices.IsSorted(got) {
				t.Errorf("rows are not in the query's order:\n%s", strings.Join(got, "\n"))
			}
			w := want[q]
			slices.Sort(w)
			if len(w) == 0 {
				t.Fatalf("the demo gives %s nothing to find", q)
			}
			if !slices.Equal(got, w) {
				t.Errorf("%s:\ngot\n%s\nwant\n%s", q, strings.Join(got, "\n"), strings.Join(w, "\n"))
			}
		})
	}
}
