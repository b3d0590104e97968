package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestReadReportStreamsAndSaysWhere: a report is decoded as it is read;
// whatever is wrong with it is one line naming the file with the line and
// column, the same read from a file as parsed from memory, and a document
// that is not a report is called that before any of its members is judged.
func TestReadReportStreamsAndSaysWhere(t *testing.T) {
	valid := string(sampleJSON(t, sampleReport()))
	cut := strings.Index(valid, `"results"`) + 40
	for _, tt := range []struct{ name, doc, want string }{
		{"empty", ``, `r.json:1:1: invalid JSON: unexpected end of JSON input`},
		{"cut in the results", valid[:cut], `r.json:`},
		{"trailing value", `{"schema_version":"3.0","results":[]} {}`, `r.json:1:39: invalid JSON`},
		{"trailing text", "{\"schema_version\":\"3.0\",\"results\":[]}\nx", `r.json:2:1: invalid JSON`},
		{"array", `[]`, `r.json:1:2: not a baseline report: the document is array, want an object`},
		{"string", `"report"`, `r.json:1:9: not a baseline report: the document is string, want an object`},
		{"results null", `{"schema_version":"3.0","results":null}`, `r.json: not a baseline report: no schema_version and results`},
		{"no version", `{"results":[]}`, `r.json: not a baseline report: no schema_version and results`},
		{"snapshot with a scope of another shape", `{"schema_version":"1","scope":[1],"accounts":[]}`, `r.json: not a baseline report: no schema_version and results`},
		{"version after results", `{"results":[],"schema_version":"9.0"}`, `r.json: report schema_version "9.0" is not supported`},
		{"status of a result", `{"schema_version":"3.0","results":[{"control_id":"a","account_id":"1","region":"r","status":"MAYBE"}]}`, `r.json: results[0] (a, 1): status "MAYBE" is not one of`},
		{"second result's field", "{\"schema_version\":\"3.0\",\"results\":[\n{\"control_id\":\"a\"},\n{\"control_id\":\"b\",\"message\":7}]}", `r.json:3:30: not a baseline report: results.message is number, want string`},
		{"version null", `{"schema_version":null,"results":[]}`, `r.json: not a baseline report: no schema_version and results`},
		{"version a number", `{"schema_version":3,"results":[]}`, `r.json:1:20: not a baseline report: schema_version is number, want string`},
		{"document null", `null`, `r.json:1:5: not a baseline report: the document is null, want an object`},
		{"results a huge number", `{"schema_version":"3.0","results":1e999}`, `r.json:1:40: not a baseline report: results is number, want []report.Result`},
		{"results typed wrong, then not JSON", `{"schema_version":"3.0","results":[{"status":5}],}`, `r.json:1:50: invalid JSON`},
		{"results before an unknown version", `{"results":[{"status":5}],"schema_version":"9.0"}`, `r.json: report schema_version "9.0" is not supported`},
		{"results typed wrong, no version", `{"results":[{"status":5}]}`, `r.json: not a baseline report: no schema_version and results`},
		{"the first wrong value in the document", `{"schema_version":"3.0","tool":5,"results":[{"status":5}],"scope":5}`, `r.json:1:33: not a baseline report: tool is number, want report.Tool`},
		{"results' wrong value first", `{"schema_version":"3.0","results":[{"status":5}],"tool":5}`, `r.json:1:47: not a baseline report: results.status is number, want report.Status`},
		{"a later version named in capitals", `{"schema_version":"3.0","results":[],"Schema_Version":"9.9"}`, `r.json: report schema_version "9.9" is not supported`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.json")
			if err := os.WriteFile(path, []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, parseErr := ParseReport("r.json", []byte(tt.doc))
			_, readErr := ReadReport(path)
			if parseErr == nil || !strings.HasPrefix(parseErr.Error(), tt.want) {
				t.Errorf("ParseReport: %v, want %q…", parseErr, tt.want)
			}
			if readErr == nil || strings.Replace(readErr.Error(), path, "r.json", 1) != parseErr.Error() {
				t.Errorf("ReadReport: %v, ParseReport: %v", readErr, parseErr)
			}
		})
	}
	// As encoding/json decodes them: results named twice, the last; an
	// object named twice, merged; names matched whatever their case;
	// names that need escapes.
	for doc, check := range map[string]func(*Report) bool{
		`{"schema_version":"3.0","results":[{"control_id":"a","account_id":"1","region":"r","status":"PASS"}],"results":[]}`: func(r *Report) bool { return r.Results != nil && len(r.Results) == 0 },
		`{"schema_version":"3.0","summary":{"total":1,"pass":1},"Summary":{"fail":1},"results":[]}`:                          func(r *Report) bool { return r.Summary.Total == 1 && r.Summary.Pass == 1 && r.Summary.Fail == 1 },
		`{"SCHEMA_VERSION":"2.0","RESULTS":[]}`:                                         func(r *Report) bool { return r.SchemaVersion == SchemaVersion },
		`{"\u0007":1,"x\u007f":2,"\udb40\udc01":3,"schema_version":"3.0","results":[]}`: func(r *Report) bool { return r.SchemaVersion == "3.0" },
	} {
		r, err := ParseReport("r.json", []byte(doc))
		if err != nil || !check(r) {
			t.Errorf("%s: %+v, %v", doc, r, err)
		}
	}
}

// TestReadReportEqualsParseReport: a report read from its file is the one
// parsed from its bytes, and written again gives the same document.
func TestReadReportEqualsParseReport(t *testing.T) {
	data := sampleJSON(t, sampleReport())
	path := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	read, err := ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseReport("r.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(read, parsed) {
		t.Error("ReadReport and ParseReport differ")
	}
	again := sampleJSON(t, read)
	if !bytes.Equal(again, data) {
		t.Errorf("written again, the report differs:\n%s\nwant\n%s", again, data)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestReadReportDecodesAsItReads: the first result is decoded before a
// tenth of a large report has been read (the whole document was read
// first, and held twice, before): a merged organization's report is
// gigabytes, and reading one must not take as much memory again.
func TestReadReportDecodesAsItReads(t *testing.T) {
	data := sampleJSON(t, orgReport(50, 4, 20))
	in := &countingReader{r: bytes.NewReader(data)}
	readAtFirst := -1
	resultDecoded = func() {
		if readAtFirst < 0 {
			readAtFirst = in.n
		}
	}
	defer func() { resultDecoded = nil }()
	r, err := decodeReport("r.json", in, source{
		at:    func(offset int64) (int, int) { return reportLineCol(data, offset) },
		whole: func() ([]byte, error) { return data, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if readAtFirst < 0 || readAtFirst > len(data)/10 {
		t.Errorf("first of %d results decoded after %d of %d bytes were read", len(r.Results), readAtFirst, len(data))
	}
}

// TestReadReportTrustsNoSummaryForItsSize: summary.total sizes the results
// only as far as the document could hold them, so a report that claims
// more results than it has cannot make the reader reserve memory for them.
func TestReadReportTrustsNoSummaryForItsSize(t *testing.T) {
	doc := []byte(`{"schema_version":"3.0","summary":{"total":1000000000000},"results":[{"control_id":"a","account_id":"1","region":"r","status":"PASS"}]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r, err := ParseReport("r.json", doc)
	runtime.ReadMemStats(&after)
	if err != nil || len(r.Results) != 1 {
		t.Fatalf("%v, %v", r, err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("reading a %d-byte report allocated %d bytes", len(doc), got)
	}
}

// TestReadReportFromAPipe: a report that cannot be read twice (a FIFO, a
// process substitution) is read whole, so that an error in it is placed
// without reading it again, which would wait for ever; a directory is an
// error that says it could not be read.
func TestReadReportFromAPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "r.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	doc := "{\"schema_version\":\"3.0\",\n\"results\":[{\"status\":5}]}"
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		_, _ = f.WriteString(doc)
		_ = f.Close()
	}()
	done := make(chan error, 1)
	go func() {
		_, err := ReadReport(fifo)
		done <- err
	}()
	select {
	case err := <-done:
		if want := fifo + ":2:23: not a baseline report: results.status is number, want report.Status"; err == nil || err.Error() != want {
			t.Errorf("FIFO: %v, want %s", err, want)
		}
	case <-time.After(time.Minute):
		t.Fatal("ReadReport of a FIFO did not return within a minute")
	}
	if _, err := ReadReport(dir); err == nil || !strings.HasPrefix(err.Error(), "read report: ") {
		t.Errorf("a directory: %v", err)
	}
}

// TestReadHistoryLeavesOutWhatIsNotAReport: --history reads every report
// under its folder as ReadReport does, leaves out a JSON file that is not
// a report (as it did when it read each whole: no schema_version string
// and results, or not an object), and fails on a report that does not read.
func TestReadHistoryLeavesOutWhatIsNotAReport(t *testing.T) {
	report := string(sampleJSON(t, sampleReport()))
	for _, tt := range []struct {
		name, doc  string
		read, skip bool // else an error
	}{
		{"a report", report, true, false},
		{"other JSON", `{"not": "a report"}`, false, true},
		{"an array", `[1, 2]`, false, true},
		{"a version that is a number", `{"schema_version": 5, "results": []}`, false, true},
		{"results null", `{"schema_version": "3.0", "results": null}`, false, true},
		{"an unknown version", `{"schema_version": "9.0", "results": []}`, false, false},
		{"not JSON", `{"schema_version": "3.0", "results": [`, false, false},
		{"a result of the wrong type", `{"schema_version": "3.0", "results": [{"status": 5}]}`, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "r.json"), []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			reports, skipped, err := ReadHistory(dir)
			switch {
			case tt.read && (err != nil || len(reports) != 1):
				t.Errorf("read %d reports, %v", len(reports), err)
			case tt.skip && (err != nil || len(skipped) != 1 || len(reports) != 0):
				t.Errorf("skipped %v, read %d, %v", skipped, len(reports), err)
			case !tt.read && !tt.skip && err == nil:
				t.Errorf("no error: read %d, skipped %v", len(reports), skipped)
			}
		})
	}
}
