package report

import (
	"bytes"
	"reflect"
	"testing"
)

func TestCell(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 0, "plain"},
		{"a\nb\tc  d", 0, "a b c d"},
		{"red \x1b[31mtext\x1b[0m", 0, "red text"},
		{"bidi \u202eevil\u202c", 0, "bidi evil"},
		{"exactly ten", 11, "exactly ten"},
		{"a long message here", 10, "a long..."},
		{"ünïcödé text", 8, "ünïcö..."},
	}
	for _, tt := range tests {
		if got := cell(tt.in, tt.max); got != tt.want {
			t.Errorf("cell(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestCellMiddle(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"instance/i-0123", 40, "instance/i-0123"},
		{"detector/12abc34d567e8fa901bc2d34e56789f0", 20, "detector/...e56789f0"},
	}
	for _, tt := range tests {
		got := cellMiddle(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("cellMiddle(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		if width(got) > tt.max {
			t.Errorf("cellMiddle(%q, %d) is %d wide", tt.in, tt.max, width(got))
		}
	}
}

func TestShortResource(t *testing.T) {
	tests := []struct {
		account, resource, want string
	}{
		{"111111111111", "arn:aws:ec2:eu-west-1:111111111111:instance/i-1", "instance/i-1"},
		{"111111111111", "arn:aws:s3:::bucket-name", "bucket-name"},
		// Another account's resource (an organization trail) keeps its ARN.
		{"111111111111", "arn:aws:cloudtrail:us-east-1:999999999999:trail/org", "arn:aws:cloudtrail:us-east-1:999999999999:trail/org"},
		{"111111111111", "111111111111/eu-west-1", "111111111111/eu-west-1"},
		{"111111111111", "", ""},
	}
	for _, tt := range tests {
		if got := shortResource(Result{AccountID: tt.account, Resource: tt.resource}); got != tt.want {
			t.Errorf("shortResource(%q) = %q, want %q", tt.resource, got, tt.want)
		}
	}
}

func TestTableOrder(t *testing.T) {
	r := func(account, region string, status Status, sev Severity, control string) Result {
		return Result{AccountID: account, Region: region, Status: status, Severity: sev, ControlID: control}
	}
	in := []Result{
		r("111111111111", "eu-west-1", StatusPass, SeverityCritical, "a"),
		r("111111111111", "eu-west-1", StatusWaived, SeverityHigh, "b"),
		r("111111111111", "eu-west-1", StatusError, SeverityLow, "c"),
		r("111111111111", "eu-west-1", StatusFail, SeverityLow, "d"),
		r("111111111111", "eu-west-1", StatusFail, SeverityCritical, "e"),
		r("111111111111", "eu-west-1", StatusFail, SeverityMedium, "f"),
		r("111111111111", "global", StatusPass, SeverityHigh, "g"),
		r("000000000000", "us-east-1", StatusPass, SeverityHigh, "h"),
	}
	want := []string{"h", "g", "e", "f", "d", "c", "b", "a"}
	var got []string
	for _, res := range tableOrder(in) {
		got = append(got, res.ControlID)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tableOrder = %v, want %v", got, want)
	}
	if in[0].ControlID != "a" {
		t.Error("tableOrder modified its input")
	}
}

func TestSummaryLine(t *testing.T) {
	want := "10 results: 3 PASS, 4 FAIL, 1 ERROR, 1 WAIVED, 1 NOT_APPLICABLE (not shown, not scored) · critical 1 FAIL · high 1 FAIL · medium 1 FAIL · low 1 FAIL · score 44.4"
	if got := summaryLine(sampleReport().Summary); got != want {
		t.Errorf("summaryLine =\n%s\nwant\n%s", got, want)
	}
	if got, want := summaryLine(Summarize([]Result{res(StatusPass, SeverityLow)})), "1 result: 1 PASS, 0 FAIL, 0 ERROR, 0 WAIVED · score 100.0"; got != want {
		t.Errorf("summaryLine = %q, want %q", got, want)
	}
}

// TestWritersDoNotModify guards the writers' promise to leave the report alone.
func TestWritersDoNotModify(t *testing.T) {
	for _, f := range Formats() {
		r := sampleReport()
		r.Results[0].EditControl(func(c *ControlText) { c.References = nil })
		r.Coverage = nil
		before := *r
		before.Results = append([]Result(nil), r.Results...)
		w, _ := NewWriter(f)
		if err := w.Write(&bytes.Buffer{}, r); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*r, before) {
			t.Errorf("%s writer modified the report", f)
		}
	}
}
