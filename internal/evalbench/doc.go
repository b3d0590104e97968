// Command evalbench measures policy evaluation of a generated 1,000-account,
// 1,000,000-finding snapshot, and compares it with opa eval of the same OPA
// version on the same policies and input (see main.go and README.md).
package main
