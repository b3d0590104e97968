// Package report owns the baseline report: the data types of the JSON export
// contract (see "The JSON report" in README.md) and its JSON Schema
// (schema/report.schema.json), the summary, ordering and exit-code rules
// computed from them, and one writer per output format. It is a leaf: it
// imports neither the CLI, the collectors nor the policy engine.
package report
