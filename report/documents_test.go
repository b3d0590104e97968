package report

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// sampleDiff compares an earlier version of the sample report (some failures
// not there yet, one fixed since, one service's coverage lost) with it.
func sampleDiff(t *testing.T) *Diff {
	t.Helper()
	cur := sampleReport()
	prev := sampleReport()
	prev.GeneratedAt = cur.GeneratedAt.Add(-7 * 24 * time.Hour)
	flipped := 0
	for i := range prev.Results {
		switch r := &prev.Results[i]; {
		case r.Status == StatusFail && flipped < 2:
			r.Status = StatusPass
			flipped++
		case r.Status == StatusPass && flipped == 2:
			r.Status = StatusFail
			flipped++
		}
	}
	prev.Coverage = append(prev.Coverage, Coverage{AccountID: "111111111111", Region: "ap-south-1", Service: "guardduty", State: CoverageEnabled})
	d, err := Compare(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sampleCatalogue() Catalogue {
	return Catalogue{
		{ID: "securityhub.enabled", Title: "Security Hub is enabled", Description: "Security Hub is `ENABLED` in the region | every region.",
			Severity: SeverityHigh, Service: "securityhub", Scope: "region", References: []string{"SecurityHub.1"}, Source: "policies/securityhub/enabled.rego"},
		{ID: "acme.custom", Title: "Custom \x1b]52;c;ZXZpbA==\x07title\x1b[2J", Description: "A *custom* control.",
			Severity: SeverityLow, Service: "acme", Scope: "account", Requires: []string{"acme:Get"}, Source: "/policies/acme/\u009b2Jcustom.rego"},
	}
}

func sampleTestRun() *TestRun {
	return &TestRun{Tests: []TestOutcome{
		{Package: "data.baseline.controls.securityhub.enabled_test", Name: "test_pass", Location: "enabled_test.rego:3:1", Outcome: "pass"},
		{Package: "data.acme_test", Name: "test_fails", Location: "acme_test.rego:9:1", Outcome: "fail", Message: "want\x1b[2J PASS\nnot FAIL"},
		{Package: "data.acme_test", Name: "test_errors", Location: "acme_test.rego:12:1", Outcome: "error", Message: "eval_conflict_error"},
	}}
}

// TestGoldenDocuments renders every document other than the report in every
// format that writes it and compares the result with
// testdata/<format>/<document>.golden (`go test ./report -update`). The
// hostile cases show the escaping of each medium.
func TestGoldenDocuments(t *testing.T) {
	cases := []struct {
		name string
		doc  func(t *testing.T) Document
	}{
		{"changes", func(t *testing.T) Document { return sampleDiff(t) }},
		{"changes-hostile", func(*testing.T) Document { return hostileDiff() }},
		{"catalogue", func(*testing.T) Document { return sampleCatalogue() }},
		{"testrun", func(*testing.T) Document { return sampleTestRun() }},
		{"testrun-verbose", func(*testing.T) Document { r := sampleTestRun(); r.Verbose = true; return r }},
		{"notice", func(*testing.T) Document {
			return Notice("baseline: read report: open \x1b]52;c;ZXZpbA==\x07a\u009b2J.json\x1b[2J: no such file")
		}},
	}
	for _, c := range cases {
		doc := c.doc(t)
		formats := FormatsFor(doc)
		if len(formats) == 0 {
			t.Fatalf("no format writes a %s", doc.Kind())
		}
		for _, format := range formats {
			t.Run(format+"/"+c.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Render(&buf, format, doc); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", format, c.name+".golden")
				assertGolden(t, path, buf.Bytes())
				if format == "table" || format == "markdown" {
					assertTerminalSafe(t, path, buf.String(), format == "markdown")
				}
			})
		}
	}
}

// TestWritersRefuseWhatTheyCannotShow: every format either writes a
// document kind (and FormatsFor lists it) or returns an UnsupportedError;
// NewWriterFor names only the formats that can.
func TestWritersRefuseWhatTheyCannotShow(t *testing.T) {
	docs := []Document{sampleReport(), sampleDiff(t), sampleCatalogue(), sampleTestRun(), Notice("hello")}
	for _, name := range []string{"table", "json", "ndjson", "markdown", "html", "junit"} {
		w, err := NewWriterFor(name, &Report{})
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range docs {
			err := w.Write(&bytes.Buffer{}, doc)
			var unsupported *UnsupportedError
			listed := slices.Contains(FormatsFor(doc), name)
			if listed != (err == nil) || (!listed && !errors.As(err, &unsupported)) {
				t.Errorf("%s writing a %s: listed %v, error %v", name, doc.Kind(), listed, err)
			}
		}
	}
	if _, err := NewWriterFor("junit", &Diff{}); err == nil || err.Error() != `unknown format "junit": valid formats are table, json, markdown` {
		t.Errorf("NewWriterFor(junit, diff) = %v", err)
	}
}

// assertTerminalSafe fails when s holds an escape sequence introducer, a
// control character other than the line feed, or a C1 control: what a
// terminal would act on instead of printing; and, for Markdown, a link
// written by hostileDiff.
func assertTerminalSafe(t *testing.T, where, s string, markdown bool) {
	t.Helper()
	for i, r := range s {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == 0x202e {
			t.Errorf("%s: control character %U at byte %d: %q", where, r, i, s[max(0, i-20):min(len(s), i+20)])
			return
		}
	}
	if markdown && strings.Contains(s, "](https://evil.example)") && !strings.Contains(s, `\](https://evil.example)`) {
		t.Errorf("%s: a live Markdown link: %q", where, s)
	}
}
