package report

import (
	"fmt"
	"io"
	"strings"
)

// Writer renders a report in one output format.
type Writer interface {
	// Write renders r to w. It must not modify r.
	Write(w io.Writer, r *Report) error
	// Extension is the file name extension for the format, without the dot,
	// e.g. "json"; --out-dir names its files report.<extension>.
	Extension() string
}

// formats lists the writers in the order Formats reports them. A new format
// is one entry here and one file with its Writer.
var formats = []struct {
	name string
	new  func() Writer
}{
	{"table", func() Writer { return TableWriter{} }},
	{"json", func() Writer { return JSONWriter{} }},
	{"ndjson", func() Writer { return NDJSONWriter{} }},
	{"markdown", func() Writer { return MarkdownWriter{} }},
	{"html", func() Writer { return HTMLWriter{} }},
	{"junit", func() Writer { return JUnitWriter{} }},
	{"metrics", func() Writer { return MetricsWriter{} }},
	{"ocsf", func() Writer { return OCSFWriter{} }},
}

// Formats returns the names NewWriter accepts.
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return names
}

// NewWriter returns the writer for a format name, ignoring case and
// surrounding space.
func NewWriter(format string) (Writer, error) {
	name := strings.ToLower(strings.TrimSpace(format))
	for _, f := range formats {
		if f.name == name {
			return f.new(), nil
		}
	}
	return nil, fmt.Errorf("unknown format %q: valid formats are %s", format, strings.Join(Formats(), ", "))
}
