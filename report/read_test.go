package report

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"unsafe"
)

// orgReport is a report shaped like an organization's: accounts × regions
// × controls, each control with its title, remediation and references,
// each account with its name.
func orgReport(accounts, regions, controls int) *Report {
	r := &Report{Tool: Tool{Name: "baseline", Version: "1.2.3"}, GeneratedAt: sampleReport().GeneratedAt}
	for a := range accounts {
		id := fmt.Sprintf("%012d", 100000000000+a)
		r.Scope.Accounts = append(r.Scope.Accounts, id)
		for g := range regions {
			region := fmt.Sprintf("region-%d", g)
			for c := range controls {
				r.Results = append(r.Results, Result{
					ControlID: fmt.Sprintf("service.control_%d", c),
					Control:   &ControlText{Title: fmt.Sprintf("Control %d holds in every region of every account", c), Service: "service", Remediation: "Turn the setting on in every region, then check again at the next scan; see the references.", References: []string{"https://docs.aws.amazon.com/service/latest/userguide/setting.html", fmt.Sprintf("https://example.com/controls/%d", c)}}, Severity: Severities[c%len(Severities)], Status: []Status{StatusPass, StatusFail}[(a+c)%2],
					AccountID: id, AccountName: fmt.Sprintf("account %d", a), Region: region,
					Resource: fmt.Sprintf("arn:aws:service:%s:%s:thing/%d", region, id, c),
					Message:  fmt.Sprintf("control %d: %d things checked", c, c*3),
				})
			}
		}
	}
	r.Finalize()
	return r
}

// TestParseReportSharesRepeatedStrings: a report read back equals the one
// written, and the strings its results repeat (a control's title and
// references, an account's name) are one copy, not one per result.
func TestParseReportSharesRepeatedStrings(t *testing.T) {
	want := orgReport(3, 2, 4)
	var buf bytes.Buffer
	if err := (JSONWriter{}).Write(&buf, want); err != nil {
		t.Fatal(err)
	}
	got, err := ParseReport("r.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Results, want.Results) {
		t.Fatal("the results read differ from the ones written")
	}
	var a, b *Result
	for i := range got.Results {
		r := &got.Results[i]
		if r.ControlID != "service.control_1" {
			continue
		}
		if a == nil {
			a = r
		} else if r.AccountID != a.AccountID {
			b = r
			break
		}
	}
	if b == nil {
		t.Fatal("no two results of one control in two accounts")
	}
	if unsafe.StringData(a.Title()) != unsafe.StringData(b.Title()) || unsafe.StringData(a.Remediation()) != unsafe.StringData(b.Remediation()) {
		t.Error("two results of one control hold two copies of its title or remediation")
	}
	if &a.References()[0] != &b.References()[0] {
		t.Error("two results of one control hold two copies of its references")
	}
	if a.Control != b.Control {
		t.Error("two results of one control hold two copies of its text")
	}
}

// TestResultStaysSmall: a report holds every result in memory, 1.8 million
// at 5,000 accounts × 4 regions, so that the size of a Result is most of a
// large scan's peak memory. What is the same for every result of a control
// is held once (Result.Control); this fails when a field makes a result
// bigger than that design's 208 bytes, so that the change is made on
// purpose (and re-measured with the bench) or not at all.
func TestResultStaysSmall(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("sizes are of a 64-bit platform")
	}
	if got := unsafe.Sizeof(Result{}); got > 208 {
		t.Errorf("a Result is %d bytes, want at most 208", got)
	}
}

// BenchmarkParseReportMemory reads back the JSON of a report of 50
// accounts × 4 regions × 40 controls (8,000 results) and reports the heap
// the report read holds per result (held-B/result).
func BenchmarkParseReportMemory(b *testing.B) {
	r := orgReport(50, 4, 40)
	var buf bytes.Buffer
	if err := (JSONWriter{}).Write(&buf, r); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	live := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var held float64
	for range b.N {
		before := live()
		got, err := ParseReport("r.json", data)
		if err != nil {
			b.Fatal(err)
		}
		held += float64(live()-before) / float64(len(got.Results))
		runtime.KeepAlive(got)
	}
	b.ReportMetric(held/float64(b.N), "held-B/result")
}

// TestParseReportTypeErrorsNameTheDocument: a value of the wrong type is
// named by its path in the document and the contract's type, whatever
// form the reader decodes it into.
func TestParseReportTypeErrorsNameTheDocument(t *testing.T) {
	for doc, want := range map[string]string{
		`{"schema_version":"3.0","summary":{"pass":"x"},"results":[]}`:               `r.json:1:46: not a baseline report: summary.pass is string, want int`,
		`{"schema_version":"3.0","results":{}}`:                                      `r.json:1:36: not a baseline report: results is object, want []report.Result`,
		`{"schema_version":"3.0","results":[{"control_id":"a","references":"x"}]}`:   `r.json:1:70: not a baseline report: results.references is string, want []string`,
		`{"schema_version":"3.0","results":[{"control_id":"a","finding":{"id":7}}]}`: `r.json:1:71: not a baseline report: results.finding.id is number, want string`,
	} {
		_, err := ParseReport("r.json", []byte(doc))
		if err == nil || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", doc, err, want)
		}
	}
}
