package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/<format>/")

// TestGolden renders the sample reports in every format and compares them with
// testdata/<format>/<case>.golden. Run `go test ./report -update` to refresh.
func TestGolden(t *testing.T) {
	cases := map[string]func() *Report{
		"basic": sampleReport,
		"empty": emptyReport,
		"gaps":  gapsReport,
	}
	for _, format := range Formats() {
		for name, build := range cases {
			t.Run(format+"/"+name, func(t *testing.T) {
				w, err := NewWriter(format)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := w.Write(&buf, build()); err != nil {
					t.Fatalf("Write: %v", err)
				}
				assertGolden(t, filepath.Join("testdata", format, name+".golden"), buf.Bytes())
			})
		}
	}
}

// emptyReport is a scan that covered nothing: the writers must still produce
// a valid document with [] lists and a score of 100.
func emptyReport() *Report {
	r := &Report{
		Tool:        Tool{Name: "baseline", Version: "1.2.3"},
		GeneratedAt: sampleReport().GeneratedAt,
	}
	r.Summary = Summarize(nil)
	return r
}

// gapsReport is one shard of an --regions all scan through a delegated
// administrator that does not cover every account and region.
func gapsReport() *Report {
	r := sampleReport()
	r.Scope.RegionsMode = "all"
	r.Scope.Shard = &Shard{Index: 2, Count: 3}
	r.CoverageGaps = []CoverageGap{
		{AccountID: "111111111111", Region: "eu-west-1", Service: "securityhub", Reason: "not a member"},
		{AccountID: "222222222222", Region: "us-east-1", Service: "securityhub", Reason: "region not linked"},
	}
	return r
}

// assertGolden compares got with the golden file at path, or writes it with
// -update.
func assertGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./report -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (run go test ./report -update and review the diff)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
