// Package cli turns command-line flags into options and wires the steps of a
// scan (discover targets, collect, evaluate, write); it holds no AWS or Rego
// logic of its own.
package cli
