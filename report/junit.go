package report

import (
	"bufio"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
)

// JUnitWriter writes the report as JUnit XML so CI systems show failing
// controls natively: one <testsuite> per control, one <testcase> per result
// (control × account × region × resource). FAIL is a <failure>, ERROR an
// <error> and WAIVED <skipped>; PASS is an empty test case.
//
// encoding/xml writes it, so the document is well-formed whatever the AWS
// strings hold: markup is escaped and characters XML cannot carry (terminal
// escapes, NUL) become U+FFFD.
type JUnitWriter struct{}

// Extension implements Writer.
func (JUnitWriter) Extension() string { return "xml" }

// junitTimestamp is the timestamp format of the JUnit schema: ISO 8601
// without a zone; the report's time is written in UTC.
const junitTimestamp = "2006-01-02T15:04:05"

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// Write renders r. Suites are ordered by control ID and test cases by
// account, region and resource, so the document is stable.
func (JUnitWriter) Write(w io.Writer, doc Document) error {
	r, ok := doc.(*Report)
	if !ok {
		return &UnsupportedError{Format: "junit", Kind: doc.Kind()}
	}
	suites := junitDocument(r)
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	return nil
}

func junitDocument(r *Report) junitSuites {
	// Sorted by pointer: a report may hold millions of results.
	results := make([]*Result, len(r.Results))
	for i := range r.Results {
		results[i] = &r.Results[i]
	}
	slices.SortStableFunc(results, func(a, b *Result) int {
		return cmp.Or(cmp.Compare(a.ControlID, b.ControlID), compareCanonical(*a, *b))
	})
	doc := junitSuites{Name: cmp.Or(r.Tool.Name, "baseline")}
	timestamp := ""
	if !r.GeneratedAt.IsZero() {
		timestamp = r.GeneratedAt.UTC().Format(junitTimestamp)
	}
	for start := 0; start < len(results); {
		end := start + 1
		for end < len(results) && results[end].ControlID == results[start].ControlID {
			end++
		}
		first := results[start]
		suite := junitSuite{
			Name:      first.ControlID,
			Timestamp: timestamp,
			Properties: []junitProperty{
				{Name: "title", Value: first.Title()},
				{Name: "service", Value: first.Service()},
				{Name: "severity", Value: string(first.Severity)},
			},
		}
		for _, res := range results[start:end] {
			tc := junitCase{ClassName: res.AccountID + "/" + res.Region, Name: res.ControlID}
			if res.Resource != "" {
				tc.Name += " " + res.Resource
			}
			switch res.Status {
			case StatusFail:
				tc.Failure = &junitProblem{Message: xmlText(res.Message), Type: string(res.Severity), Text: junitDetail(*res)}
				suite.Failures++
			case StatusError:
				tc.Error = &junitProblem{Message: xmlText(res.Message), Type: string(res.Severity), Text: junitDetail(*res)}
				suite.Errors++
			case StatusNotApplicable:
				tc.Skipped = &junitSkipped{Message: xmlText("not applicable: " + res.Message)}
				suite.Skipped++
			case StatusWaived:
				tc.Skipped = &junitSkipped{Message: xmlText(waiverNote(res.Waiver))}
				if res.Waiver != nil {
					tc.Skipped.Text = xmlText(res.Waiver.Reason)
				}
				suite.Skipped++
			}
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Errors += suite.Errors
		doc.Skipped += suite.Skipped
		doc.Suites = append(doc.Suites, suite)
		start = end
	}
	return doc
}

// junitDetail is the body of a failure or error: what CI shows when the test
// case is opened. Each line is one field, cleaned of control characters and
// terminal escapes.
func junitDetail(res Result) string {
	res = Result{
		ControlID: res.ControlID, Severity: Severity(xmlText(string(res.Severity))),
		Control:   &ControlText{Title: xmlText(res.Title()), Remediation: xmlText(res.Remediation()), References: res.References()},
		AccountID: xmlText(res.AccountID), AccountName: xmlText(res.AccountName), Region: xmlText(res.Region),
		Resource: xmlText(res.Resource), Team: xmlText(res.Team), Message: xmlText(res.Message),
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)\n", res.Title(), res.Severity)
	account := res.AccountID
	if res.AccountName != "" {
		account = res.AccountName + " (" + res.AccountID + ")"
	}
	fmt.Fprintf(&b, "account: %s\nregion: %s\n", account, res.Region)
	if res.Resource != "" {
		fmt.Fprintf(&b, "resource: %s\n", res.Resource)
	}
	if res.Team != "" {
		fmt.Fprintf(&b, "team: %s\n", res.Team)
	}
	fmt.Fprintf(&b, "message: %s\n", res.Message)
	if res.Remediation() != "" {
		fmt.Fprintf(&b, "remediation: %s\n", res.Remediation())
	}
	if len(res.References()) > 0 {
		fmt.Fprintf(&b, "references: %s\n", xmlText(strings.Join(res.References(), ", ")))
	}
	return b.String()
}
