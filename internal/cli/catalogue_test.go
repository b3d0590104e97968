package cli

import (
	"testing"

	"github.com/baseline-scanner/baseline/policies"
)

// builtinControls is the number of built-in controls, from the catalogue,
// so that tests do not break when a control is added.
func builtinControls(t *testing.T) int {
	t.Helper()
	engine, err := policies.NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	n := len(engine.Controls())
	if n == 0 {
		t.Fatal("no built-in controls")
	}
	return n
}
