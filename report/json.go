package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// JSONWriter writes the report as one indented JSON document: the export
// contract, described by schema/report.schema.json.
//
// HTML-significant characters (<, >, &) are escaped as \u003c and friends, so
// the document is safe to embed in a page and still decodes to the same text.
type JSONWriter struct{}

// Extension implements Writer.
func (JSONWriter) Extension() string { return "json" }

// Write writes a report, a diff or the control catalogue as one indented
// JSON document. It does not modify doc.
func (j JSONWriter) Write(w io.Writer, doc Document) error {
	switch doc := doc.(type) {
	case *Report:
		return j.writeReport(w, doc)
	case *Diff, Catalogue:
		// The diff object as it appears under "diff" in a report; the
		// catalogue as `policies list --format json` has always written it.
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("write json %s: %w", doc.Kind(), err)
		}
		return nil
	}
	return &UnsupportedError{Format: "json", Kind: doc.Kind()}
}

// writeReport writes r as JSON. It does not modify r: lists that are nil are
// written as [] and every severity appears under summary.by_severity.
//
// The results are encoded one at a time into the output rather than as part
// of one document: encoding a report builds its whole text in memory (twice
// with the indentation), several times the size of the results it holds.
// The bytes are those of encoding the whole report with an indenting
// Encoder.
func (JSONWriter) writeReport(w io.Writer, r *Report) error {
	if err := writeReportJSON(w, r); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// resultsField is where the results go in the report's indented text
// written with no results: a line of the top-level object (a newline in a
// value is always escaped, so only the object's own lines start with a
// newline and two spaces).
const resultsField = "\n  \"results\": []"

func writeReportJSON(w io.Writer, r *Report) error {
	c := contractCopy(r)
	c.Results = []Result{}
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return err
	}
	doc := head.Bytes()
	at := bytes.Index(doc, []byte(resultsField))
	if at < 0 {
		return fmt.Errorf("no %q in the report's text", resultsField)
	}
	at += len(resultsField) - 1 // at the "]"
	if len(r.Results) == 0 {
		_, err := w.Write(doc)
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(doc[:at]); err != nil {
		return err
	}
	// An element of the results array: its lines indented under the
	// array's, its newline (Encode's) dropped.
	var buf bytes.Buffer
	enc = json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	var res resultJSON
	for i := range r.Results {
		res = r.Results[i].wire()
		buf.Reset()
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    ")
		if err := enc.Encode(&res); err != nil {
			return err
		}
		if _, err := bw.Write(buf.Bytes()[:buf.Len()-1]); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString("\n  "); err != nil {
		return err
	}
	if _, err := bw.Write(doc[at:]); err != nil {
		return err
	}
	return bw.Flush()
}

// contractCopy returns a shallow copy of r that honours the JSON contract
// without mutating r: no null lists, every by_severity key, generated_at in
// UTC. Its results are r's: the writer gives each result's nil references
// as [].
func contractCopy(r *Report) *Report {
	c := *r
	if c.SchemaVersion == "" {
		c.SchemaVersion = SchemaVersion
	}
	c.GeneratedAt = c.GeneratedAt.UTC()
	c.Scope.Accounts = nonNil(c.Scope.Accounts)
	c.Scope.Regions = nonNil(c.Scope.Regions)
	c.Coverage = nonNil(c.Coverage)
	c.Errors = nonNil(c.Errors)
	c.Summary.BySeverity = make(map[Severity]StatusCounts, len(Severities))
	for _, s := range Severities {
		c.Summary.BySeverity[s] = r.Summary.BySeverity[s]
	}
	return &c
}
