package policies

import (
	"context"
	"reflect"
	"testing"
)

// TestRego runs every embedded Rego test; a failing or erroring test fails it.
func TestRego(t *testing.T) {
	e, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	results, err := e.Test(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) == 0 {
		t.Fatal("no Rego tests ran")
	}
	failed := 0
	for _, r := range results {
		if r.Outcome != "pass" {
			failed++
			t.Errorf("%s %s.%s: %s %s", r.Location, r.Package, r.Name, r.Outcome, r.Message)
		}
	}
	t.Logf("%d Rego tests, %d not passing", len(results), failed)
}

// TestRegoFailuresAreReported proves that failing and erroring Rego tests,
// including a custom directory's, come back as such.
func TestRegoFailuresAreReported(t *testing.T) {
	dir := writePolicies(t, map[string]string{
		"custom/x.rego": metadata("custom.x", "account", "sts:GetCallerIdentity") + `
results contains {"status": "PASS", "region": "global", "resource": "", "message": "ok"}
`,
		"custom/x_test.rego": `package baseline.controls.custom.x_test

import data.baseline.controls.custom.x

test_passes if x.results == {{"status": "PASS", "region": "global", "resource": "", "message": "ok"}}

test_fails if x.results == set()

test_errors if to_number("not a number") == 1
`,
	})
	e, err := NewEngine(dir)
	if err != nil {
		t.Fatal(err)
	}
	results, err := e.Test(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]string{}
	for _, r := range results {
		if r.Package == "baseline.controls.custom.x_test" {
			outcomes[r.Name] = r.Outcome
		}
	}
	want := map[string]string{"test_passes": "pass", "test_fails": "fail", "test_errors": "error"}
	if !reflect.DeepEqual(outcomes, want) {
		t.Errorf("outcomes %v, want %v", outcomes, want)
	}
}
