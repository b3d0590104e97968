package cli

import (
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// catalogue is the control list as the report writers take it.
func catalogue(controls []policies.Control) report.Catalogue {
	c := make(report.Catalogue, len(controls))
	for i, ctl := range controls {
		c[i] = report.CatalogueControl{
			ID: ctl.ID, Title: ctl.Title, Description: ctl.Description, Severity: ctl.Severity,
			Service: ctl.Service, Scope: string(ctl.Scope), Remediation: ctl.Remediation,
			References: ctl.References, Requires: ctl.Requires, Source: ctl.Source,
		}
	}
	return c
}

// testRun is the outcome of `policies test` as the table writer takes it.
func testRun(results []policies.TestResult, verbose bool) *report.TestRun {
	run := &report.TestRun{Verbose: verbose, Tests: make([]report.TestOutcome, len(results))}
	for i, r := range results {
		run.Tests[i] = report.TestOutcome{Package: r.Package, Name: r.Name, Location: r.Location, Outcome: r.Outcome, Message: r.Message}
	}
	return run
}
