// Package buildinfo tells which build of baseline is running: its version,
// the commit it was built from and the OPA version that evaluates the
// policies. `baseline version`, `baseline --version` and every report carry
// it, so a result can be traced to the code that produced it.
package buildinfo
