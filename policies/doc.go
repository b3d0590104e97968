// Package policies owns the built-in controls, written in Rego and embedded,
// and the engine that compiles them once, in a sandbox, and evaluates a
// Snapshot into report results, coverage and errors.
package policies
