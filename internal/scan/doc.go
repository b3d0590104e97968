// Package scan is the scan pipeline as a library: Collect discovers the
// targets and collects a snapshot, Evaluate runs the controls, BuildReport
// assembles the report (teams, waivers and the diff applied once),
// MergeReports and MergeSnapshots join the outputs of shards, and ExitCode
// is the one place an exit status is decided. The CLI turns flags into
// Options and calls it; the bench and the end-to-end tests call the same API.
package scan
