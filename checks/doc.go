// Package checks owns the Snapshot (the versioned JSON document of facts and
// collection errors), target discovery and the collection scheduler. One
// collector per AWS service lives in a sub-package.
package checks
