package policies

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestResult is the outcome of one Rego test rule.
type TestResult struct {
	Package  string        `json:"package"`
	Name     string        `json:"name"`
	Location string        `json:"location"` // file:line:col
	Outcome  string        `json:"outcome"`  // pass, fail, error or skip
	Message  string        `json:"message,omitempty"`
	Duration time.Duration `json:"duration"`
}

// Test runs the Rego tests of the engine's sources (every test_ rule of the
// _test.rego files) against the policies, in the same sandbox, with the
// default config at data.baseline.config. It returns an error only when the
// tests could not run, e.g. a test file does not compile.
func (e *Engine) Test(ctx context.Context) ([]TestResult, error) {
	modules := make(map[string]*ast.Module, len(e.modules.policies)+len(e.modules.tests))
	maps.Copy(modules, e.modules.policies)
	maps.Copy(modules, e.modules.tests)

	data, err := DefaultConfig().data()
	if err != nil {
		return nil, err
	}
	store := inmem.NewFromObject(map[string]any{"baseline": map[string]any{"config": data}})
	txn, err := store.NewTransaction(ctx, storage.TransactionParams{})
	if err != nil {
		return nil, fmt.Errorf("run policy tests: %w", err)
	}
	defer store.Abort(ctx, txn)

	runner := tester.NewRunner().
		SetCompiler(newCompiler(e.services.schema)).
		SetStore(store).
		SetModules(modules).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true).
		SetTimeout(time.Minute)
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("run policy tests: %w", astError(err))
	}
	var out []TestResult
	for r := range ch {
		tr := TestResult{
			Package:  strings.TrimPrefix(r.Package, "data."),
			Name:     r.Name,
			Location: locString(r.Location),
			Duration: r.Duration,
			Outcome:  "pass",
		}
		switch {
		case r.Skip:
			tr.Outcome = "skip"
		case r.Error != nil:
			tr.Outcome, tr.Message = "error", oneLine(r.Error.Error())
		case r.Fail:
			tr.Outcome = "fail"
			if r.FailedAt != nil {
				tr.Message = fmt.Sprintf("%s: failed at %s", locString(r.FailedAt.Location), oneLine(r.FailedAt.String()))
			}
			if len(r.Output) > 0 {
				tr.Message = strings.TrimSpace(tr.Message + " " + oneLine(string(r.Output)))
			}
		}
		out = append(out, tr)
	}
	slices.SortFunc(out, func(a, b TestResult) int {
		return strings.Compare(a.Package+"."+a.Name, b.Package+"."+b.Name)
	})
	return out, nil
}
