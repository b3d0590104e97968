package report

import (
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
func (JSONWriter) writeReport(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(contractCopy(r)); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// contractCopy returns a shallow copy of r that honours the JSON contract
// without mutating r: no null lists, every by_severity key, generated_at in
// UTC.
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
	c.Results = make([]Result, len(r.Results))
	for i, res := range r.Results {
		res.References = nonNil(res.References)
		c.Results[i] = res
	}
	c.Summary.BySeverity = make(map[Severity]StatusCounts, len(Severities))
	for _, s := range Severities {
		c.Summary.BySeverity[s] = r.Summary.BySeverity[s]
	}
	return &c
}
