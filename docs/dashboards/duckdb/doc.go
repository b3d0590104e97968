// Package duckdb runs the queries of docs/dashboards.md in DuckDB against
// the demo's NDJSON. It is a module of its own so that DuckDB, a large cgo
// library, is not a dependency of baseline: .ci/run tests it apart.
package duckdb
