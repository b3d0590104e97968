//go:build !cgo

package duckdb_test

import "testing"

func TestDashboardQueries(t *testing.T) {
	t.Skip("DASHBOARD QUERIES NOT RUN: DuckDB needs cgo (CGO_ENABLED=0 here)")
}
