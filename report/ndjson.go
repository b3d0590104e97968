package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// NDJSONWriter writes one JSON object per line, for loading straight into
// Athena, BigQuery, Elasticsearch or Grafana (docs/dashboards.md). Every
// line stands on its own: it carries the scan time, the schema version,
// account_id, account_name and team (team "" when unassigned), and a
// record_type saying what it is:
//
//   - "result": one per result, in the report's order, with every field of
//     the result;
//   - "coverage": one per (account, region, service) with its state;
//   - "coverage_gap": one per cell the delegated administrator did not cover;
//   - "collection_error": one per collection error.
//
// Lines come in that order. Consumers select the kind they want with
// record_type; schema/ndjson.schema.json describes each kind. No header, no
// summary: an empty report writes nothing.
type NDJSONWriter struct{}

// Extension implements Writer.
func (NDJSONWriter) Extension() string { return "ndjson" }

// NDJSON record types: the record_type of each line.
const (
	RecordResult          = "result"
	RecordCoverage        = "coverage"
	RecordCoverageGap     = "coverage_gap"
	RecordCollectionError = "collection_error"
)

// ndjsonHead is what every line starts with.
type ndjsonHead struct {
	RecordType    string    `json:"record_type"`
	SchemaVersion string    `json:"schema_version"`
	GeneratedAt   time.Time `json:"generated_at"`
}

// ndjsonRow is a result line. The outer Team and References shadow the
// embedded result's so that team is never omitted and references is never
// null.
type ndjsonRow struct {
	ndjsonHead
	resultJSON
	References []string `json:"references"`
	Team       string   `json:"team"`
}

// ndjsonAccount names the account of a non-result line, as its results do.
type ndjsonAccount struct {
	AccountName string `json:"account_name"`
	Team        string `json:"team"`
}

type ndjsonCoverage struct {
	ndjsonHead
	Coverage
	ndjsonAccount
}

type ndjsonGap struct {
	ndjsonHead
	CoverageGap
	ndjsonAccount
}

type ndjsonError struct {
	ndjsonHead
	Error
	ndjsonAccount
}

// Write writes r's results, coverage, coverage gaps and collection errors,
// one per line.
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
	head := func(kind string) ndjsonHead {
		return ndjsonHead{RecordType: kind, SchemaVersion: version, GeneratedAt: r.GeneratedAt.UTC()}
	}
	// Coverage and errors carry no account name or team: take them from the
	// account's results (every scanned account has results).
	accounts := map[string]ndjsonAccount{}
	for _, res := range r.Results {
		if _, ok := accounts[res.AccountID]; !ok {
			accounts[res.AccountID] = ndjsonAccount{AccountName: res.AccountName, Team: res.Team}
		}
	}
	for _, res := range r.Results {
		row := ndjsonRow{head(RecordResult), res.wire(), nonNil(res.References()), res.Team}
		if err := enc.Encode(row); err != nil {
			return fmt.Errorf("write ndjson report: %s %s/%s: %w", res.ControlID, res.AccountID, res.Region, err)
		}
	}
	for _, c := range r.Coverage {
		if err := enc.Encode(ndjsonCoverage{head(RecordCoverage), c, accounts[c.AccountID]}); err != nil {
			return fmt.Errorf("write ndjson report: coverage %s %s/%s: %w", c.Service, c.AccountID, c.Region, err)
		}
	}
	for _, g := range r.CoverageGaps {
		if err := enc.Encode(ndjsonGap{head(RecordCoverageGap), g, accounts[g.AccountID]}); err != nil {
			return fmt.Errorf("write ndjson report: coverage gap %s %s/%s: %w", g.Service, g.AccountID, g.Region, err)
		}
	}
	for _, e := range r.Errors {
		if err := enc.Encode(ndjsonError{head(RecordCollectionError), e, accounts[e.AccountID]}); err != nil {
			return fmt.Errorf("write ndjson report: collection error %s %s/%s: %w", e.Operation, e.AccountID, e.Region, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write ndjson report: %w", err)
	}
	return nil
}
