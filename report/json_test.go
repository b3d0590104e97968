package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// wholeDocumentJSON is how the JSON writer wrote a report before it
// streamed the results: the whole contract copy, results included, through
// one indenting Encoder. The writer's bytes must stay these.
func wholeDocumentJSON(t *testing.T, r *Report) []byte {
	t.Helper()
	c := contractCopy(r)
	c.Results = append(make([]Result, 0, len(r.Results)), r.Results...) // each through Result.MarshalJSON
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJSONWriterStreamsTheSameBytes holds the JSON writer, which encodes
// the results one at a time into its output, to the whole document's
// encoding: reports with no results, one, many, every optional field, nil
// references and lists, text that looks like the writer's own seams (a
// message holding `"results": []` and newlines) and HTML-hostile text.
func TestJSONWriterStreamsTheSameBytes(t *testing.T) {
	seam := func() *Report {
		r := sampleReport()
		r.Results[0].Message = "\n  \"results\": [],\n  \"results\": []\u2028<script>&"
		r.Results[1].EditControl(func(c *ControlText) { c.References = nil })
		since := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		r.Results[1].FailingSince = &since
		return r
	}
	nilLists := func() *Report {
		r := sampleReport()
		r.Scope.Accounts, r.Coverage, r.Errors, r.Summary.BySeverity = nil, nil, nil, nil
		return r
	}
	one := func() *Report {
		r := sampleReport()
		r.Results = r.Results[:1]
		return r
	}
	cases := map[string]func() *Report{
		"sample":      sampleReport,
		"empty":       emptyReport,
		"nil results": func() *Report { r := sampleReport(); r.Results = nil; return r },
		"gaps":        gapsReport,
		"one result":  one,
		"seams":       seam,
		"nil lists":   nilLists,
		"demo":        demoLikeReport,
		"large":       func() *Report { return largeReport(500, 300) },
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			r := build()
			want := wholeDocumentJSON(t, r)
			var got bytes.Buffer
			if err := (JSONWriter{}).Write(&got, r); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				i := 0
				for i < got.Len() && i < len(want) && got.Bytes()[i] == want[i] {
					i++
				}
				t.Fatalf("the JSON differs from the whole document's at byte %d:\ngot:  %q\nwant: %q", i,
					got.Bytes()[max(0, i-80):min(got.Len(), i+80)], want[max(0, i-80):min(len(want), i+80)])
			}
			if !json.Valid(got.Bytes()) {
				t.Fatal("not valid JSON")
			}
		})
	}
}

// failingWriter fails every write after the first n bytes.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestJSONWriterReportsAFailedWrite: a write that fails partway through
// the results is the writer's error.
func TestJSONWriterReportsAFailedWrite(t *testing.T) {
	r := largeReport(2000, 300)
	for _, n := range []int{0, 100, 200 << 10} {
		err := (JSONWriter{}).Write(&failingWriter{n: n}, r)
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("after %d bytes: error %v, want disk full", n, err)
		}
	}
}

// TestResultJSONHasEveryField: a Result is written through its contract
// form (resultJSON); a field added to Result but not there would silently
// never be written or read. Every Result field but the shared control
// text has its namesake, with the same JSON tag, and the control text's
// fields are there too.
func TestResultJSONHasEveryField(t *testing.T) {
	wire := reflect.TypeFor[resultJSON]()
	for f := range reflect.TypeFor[Result]().Fields() {
		if f.Name == "Control" {
			continue
		}
		w, ok := wire.FieldByName(f.Name)
		if !ok || w.Tag.Get("json") != f.Tag.Get("json") || w.Type != f.Type {
			t.Errorf("Result.%s (%s, json %q) has no namesake in resultJSON", f.Name, f.Type, f.Tag.Get("json"))
		}
	}
	for f := range reflect.TypeFor[ControlText]().Fields() {
		if _, ok := wire.FieldByName(f.Name); !ok {
			t.Errorf("ControlText.%s is not in resultJSON", f.Name)
		}
	}
	if got, want := wire.NumField(), reflect.TypeFor[Result]().NumField()-1+reflect.TypeFor[ControlText]().NumField(); got != want {
		t.Errorf("resultJSON has %d fields, want %d (Result's and ControlText's)", got, want)
	}
}
