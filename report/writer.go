package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Writer renders documents in one output format. Every output of baseline
// goes through a Writer: reports (scan, evaluate, merge), diffs, the control
// catalogue (policies list, policies doc), policy test results and the
// messages on stderr, so each medium has one escaping (escape.go) and one
// view model (view.go).
type Writer interface {
	// Write renders doc to w. It must not modify doc. A document the format
	// cannot show is an *UnsupportedError.
	Write(w io.Writer, doc Document) error
	// Extension is the file name extension for the format, without the dot,
	// e.g. "json"; --out-dir names its files report.<extension>.
	Extension() string
}

// Document is what a Writer renders: a *Report, a *Diff, a Catalogue, a
// TestRun or a Notice.
type Document interface {
	// Kind names the document in messages, e.g. "diff".
	Kind() string
}

// Kind implements Document.
func (*Report) Kind() string { return "report" }

// Kind implements Document.
func (*Diff) Kind() string { return "diff" }

// UnsupportedError is returned by a Writer for a document its format cannot
// show, e.g. a diff as JUnit XML.
type UnsupportedError struct{ Format, Kind string }

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("the %s format cannot write a %s", e.Format, e.Kind)
}

// formats lists the writers in the order Formats reports them, and the
// kinds of document each writes. A new format is one entry here and one file
// with its Writer.
var formats = []struct {
	name  string
	new   func() Writer
	kinds []string
}{
	{"table", func() Writer { return TableWriter{} }, []string{"report", "diff", "catalogue", "test run", "notice"}},
	{"json", func() Writer { return JSONWriter{} }, []string{"report", "diff", "catalogue"}},
	{"ndjson", func() Writer { return NDJSONWriter{} }, []string{"report"}},
	{"markdown", func() Writer { return MarkdownWriter{} }, []string{"report", "diff", "catalogue"}},
	{"html", func() Writer { return HTMLWriter{} }, []string{"report"}},
	{"junit", func() Writer { return JUnitWriter{} }, []string{"report"}},
}

// Formats returns the names NewWriter accepts for reports.
func Formats() []string { return FormatsFor(&Report{}) }

// FormatsFor returns the names of the formats that write documents of doc's
// kind, in the order of Formats.
func FormatsFor(doc Document) []string {
	var names []string
	for _, f := range formats {
		if slices.Contains(f.kinds, doc.Kind()) {
			names = append(names, f.name)
		}
	}
	return names
}

// NewWriter returns the writer for a report format name, ignoring case and
// surrounding space.
func NewWriter(format string) (Writer, error) { return NewWriterFor(format, &Report{}) }

// NewWriterFor returns the writer for a format name that writes documents of
// doc's kind, ignoring case and surrounding space.
func NewWriterFor(format string, doc Document) (Writer, error) {
	name := strings.ToLower(strings.TrimSpace(format))
	for _, f := range formats {
		if f.name == name && slices.Contains(f.kinds, doc.Kind()) {
			return f.new(), nil
		}
	}
	return nil, fmt.Errorf("unknown format %q: valid formats are %s", format, strings.Join(FormatsFor(doc), ", "))
}

// Render writes doc to w in the named format: NewWriterFor, then Write.
func Render(w io.Writer, format string, doc Document) error {
	wr, err := NewWriterFor(format, doc)
	if err != nil {
		return err
	}
	return wr.Write(w, doc)
}

// Notice is one line for a person at a terminal, such as an error on
// stderr. Only the table (terminal) format writes it, as TerminalText.
type Notice string

// Kind implements Document.
func (Notice) Kind() string { return "notice" }

// WriteNotice writes a notice line to w (stderr): the table writer's
// rendering, with every escape sequence and control character removed.
func WriteNotice(w io.Writer, text string) error {
	return TableWriter{}.Write(w, Notice(text))
}
