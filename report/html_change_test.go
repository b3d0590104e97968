package report

import (
	"bytes"
	"regexp"
	"testing"
)

// TestHTMLMarksNewResultsBesideNotApplicable: the HTML table leaves
// NOT_APPLICABLE results out, so the "new" mark must be indexed the same way
// (it panicked on a report with a diff and NOT_APPLICABLE results, and could
// mark the wrong row).
func TestHTMLMarksNewResultsBesideNotApplicable(t *testing.T) {
	res := func(control string, st Status) Result {
		return Result{ControlID: control, Severity: SeverityHigh, Status: st, AccountID: "111111111111", Region: "us-east-1"}
	}
	r := &Report{SchemaVersion: "2.0", Results: []Result{
		res("a.not_applicable_1", StatusNotApplicable),
		res("b.not_applicable_2", StatusNotApplicable),
		res("c.still_failing", StatusFail),
		res("d.new_failure", StatusFail),
		res("e.pass", StatusPass),
	}}
	r.Finalize()
	r.Diff = &Diff{
		New:          []DiffResult{{ControlID: "d.new_failure", AccountID: "111111111111", Region: "us-east-1", Severity: SeverityHigh, Status: StatusFail}},
		StillFailing: []DiffResult{{ControlID: "c.still_failing", AccountID: "111111111111", Region: "us-east-1", Severity: SeverityHigh, Status: StatusFail}},
	}
	var buf bytes.Buffer
	if err := (HTMLWriter{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`<tr data-team=[^\n]*?</tr>`).FindAllString(buf.String(), -1)
	marked := 0
	for _, row := range rows {
		isNew := bytes.Contains([]byte(row), []byte(`<span class="chg chg-new">new</span>`))
		if isNew {
			marked++
		}
		if isNew != bytes.Contains([]byte(row), []byte("d.new_failure")) {
			t.Errorf("row marked new=%v:\n%s", isNew, row)
		}
	}
	if marked != 1 {
		t.Errorf("%d rows marked new, want 1 (of %d rows)", marked, len(rows))
	}
}
