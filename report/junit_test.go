package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// TestJUnitParse reads the document back with encoding/xml and checks the
// counts against the report and against the test cases themselves.
func TestJUnitParse(t *testing.T) {
	r := sampleReport()
	// Characters XML cannot carry must not make the document ill-formed.
	r.Results[0].Message = "nul \x00 bell \x07 esc \x1b[31m ]]> <![CDATA[ & \"quoted\""
	doc := parseJUnit(t, r)

	s := r.Summary
	if doc.Tests != s.Total || doc.Failures != s.Fail || doc.Errors != s.Error || doc.Skipped != s.Waived+s.NotApplicable {
		t.Errorf("testsuites counts tests=%d failures=%d errors=%d skipped=%d, want %d %d %d %d",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, s.Total, s.Fail, s.Error, s.Waived+s.NotApplicable)
	}
	controls := map[string]bool{}
	for _, res := range r.Results {
		controls[res.ControlID] = true
	}
	if len(doc.Suites) != len(controls) {
		t.Errorf("%d test suites, want one per control (%d)", len(doc.Suites), len(controls))
	}
	for _, suite := range doc.Suites {
		var failures, errors, skipped int
		for _, tc := range suite.Cases {
			if tc.Failure != nil {
				failures++
				if tc.Failure.Type == "" || tc.Failure.Message == "" {
					t.Errorf("%s %s: failure without type or message", suite.Name, tc.Name)
				}
			}
			if tc.Error != nil {
				errors++
			}
			if tc.Skipped != nil {
				skipped++
				if !strings.HasPrefix(tc.Skipped.Message, "waived by ") && !strings.HasPrefix(tc.Skipped.Message, "not applicable: ") {
					t.Errorf("skipped message = %q", tc.Skipped.Message)
				}
			}
			if !strings.HasPrefix(tc.Name, suite.Name) || !strings.Contains(tc.ClassName, "/") {
				t.Errorf("test case %q/%q in suite %q", tc.ClassName, tc.Name, suite.Name)
			}
		}
		if suite.Tests != len(suite.Cases) || suite.Failures != failures || suite.Errors != errors || suite.Skipped != skipped {
			t.Errorf("suite %s counts %d/%d/%d/%d, cases say %d/%d/%d/%d", suite.Name,
				suite.Tests, suite.Failures, suite.Errors, suite.Skipped, len(suite.Cases), failures, errors, skipped)
		}
	}
}

func TestJUnitCase(t *testing.T) {
	doc := parseJUnit(t, sampleReport())
	var got *junitCase
	for _, suite := range doc.Suites {
		if suite.Name == "cloudtrail.log_file_validation" && len(suite.Cases) == 1 {
			got = &suite.Cases[0]
		}
	}
	if got == nil {
		t.Fatal("no test case for cloudtrail.log_file_validation")
	}
	want := junitCase{
		ClassName: "111111111111/global",
		Name:      "cloudtrail.log_file_validation arn:aws:cloudtrail:us-east-1:111111111111:trail/legacy",
		Skipped:   &junitSkipped{Message: "waived by alice@example.com until 2025-06-30", Text: "legacy trail, removed in Q2"},
	}
	if got.ClassName != want.ClassName || got.Name != want.Name || got.Skipped == nil || *got.Skipped != *want.Skipped {
		t.Errorf("test case = %+v (skipped %+v)\nwant %+v (skipped %+v)", *got, got.Skipped, want, want.Skipped)
	}
}

func TestJUnitEmpty(t *testing.T) {
	doc := parseJUnit(t, emptyReport())
	if doc.Tests != 0 || len(doc.Suites) != 0 {
		t.Errorf("empty report: %+v", doc)
	}
}

func parseJUnit(t *testing.T, r *Report) junitSuites {
	t.Helper()
	var buf bytes.Buffer
	if err := (JUnitWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("junit output is not well-formed XML: %v\n%s", err, buf.String())
	}
	return doc
}
