package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// NDJSONWriter writes one JSON object per result per line, for loading
// straight into Athena, BigQuery, Elasticsearch or Grafana: every field of
// the result plus the scan time and the schema version, so a line stands on
// its own. account_id, account_name and team are on every line, team as ""
// when unassigned. Nothing else is written: no header, no summary.
type NDJSONWriter struct{}

// Extension implements Writer.
func (NDJSONWriter) Extension() string { return "ndjson" }

// ndjsonRow is one line. The outer Team and References shadow the embedded
// Result's so that team is never omitted and references is never null.
type ndjsonRow struct {
	SchemaVersion string    `json:"schema_version"`
	GeneratedAt   time.Time `json:"generated_at"`
	Result
	References []string `json:"references"`
	Team       string   `json:"team"`
}

// Write writes r's results, in the report's order, one per line.
func (NDJSONWriter) Write(w io.Writer, doc Document) error {
	r, ok := doc.(*Report)
	if !ok {
		return &UnsupportedError{Format: "ndjson", Kind: doc.Kind()}
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	version := r.SchemaVersion
	if version == "" {
		version = SchemaVersion
	}
	generated := r.GeneratedAt.UTC()
	for _, res := range r.Results {
		row := ndjsonRow{
			SchemaVersion: version,
			GeneratedAt:   generated,
			Result:        res,
			References:    nonNil(res.References),
			Team:          res.Team,
		}
		if err := enc.Encode(row); err != nil {
			return fmt.Errorf("write ndjson report: %s %s/%s: %w", res.ControlID, res.AccountID, res.Region, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write ndjson report: %w", err)
	}
	return nil
}
