package policies

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// Evaluator evaluates a snapshot's accounts a group at a time, for a scan
// that does not hold them all: each group is evaluated when added, and only
// its results, coverage and errors are kept. Evaluation then gives what
// Evaluate gives for the snapshot of every account added, in the order
// added (Evaluate is one Add of every account).
type Evaluator struct {
	ev          *evaluation
	collectedAt time.Time
	results     []report.Result   // every account's, in the order added
	strs        map[string]string // one copy of each repeated string of results
	coverage    []report.Coverage
	errors      []report.Error
}

// NewEvaluator prepares the evaluation of accounts collected at
// collectedAt with cfg (see Evaluate).
func (e *Engine) NewEvaluator(ctx context.Context, collectedAt time.Time, cfg Config, opts ...EvalOption) (*Evaluator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	ev, err := e.prepare(ctx, cfg)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(ev)
	}
	return &Evaluator{ev: ev, collectedAt: collectedAt.UTC()}, nil
}

// Add evaluates accts concurrently under one memory watch (EvalMaxMemory:
// the accounts it stopped are evaluated again one control at a time) and
// keeps their results, coverage and errors.
func (v *Evaluator) Add(ctx context.Context, accts []checks.AccountFacts) error {
	ev := v.ev
	perAccount := make([][]report.Result, len(accts))
	stopped := make([]bool, len(accts)) // by the memory watch
	wctx, stopWatch := watchMemory(ctx, ev.maxMemory)
	g, gctx := errgroup.WithContext(wctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range accts {
		g.Go(func() error {
			results, err := ev.account(gctx, v.collectedAt, &accts[i], false)
			if err != nil {
				if stoppedByMemory(gctx, ctx) {
					stopped[i] = true
					return nil
				}
				return fmt.Errorf("evaluate account %s: %w", accts[i].AccountID, err)
			}
			perAccount[i] = results
			return nil
		})
	}
	err := g.Wait()
	stopWatch()
	if err != nil {
		return err
	}
	for i := range accts {
		if !stopped[i] {
			continue
		}
		runtime.GC() // what the stopped evaluations held
		results, err := ev.account(ctx, v.collectedAt, &accts[i], true)
		if err != nil {
			return fmt.Errorf("evaluate account %s: %w", accts[i].AccountID, err)
		}
		perAccount[i] = results
	}
	n := 0
	for _, rs := range perAccount {
		n += len(rs)
	}
	v.results = slices.Grow(v.results, n)
	for _, rs := range perAccount {
		for i := range rs {
			v.compact(&rs[i])
		}
		v.results = append(v.results, rs...)
	}
	part := &checks.Snapshot{Accounts: accts}
	v.coverage = append(v.coverage, coverage(part, ev.engine.services.list)...)
	v.errors = append(v.errors, flattenErrors(part)...)
	return nil
}

// compact makes r's strings that repeat across results (regions,
// messages, finding titles and times) share one copy: an organization's
// results are kept until the report, and most of their messages repeat.
func (v *Evaluator) compact(r *report.Result) {
	one := func(s *string) {
		if c, ok := v.strs[*s]; ok {
			*s = c
			return
		}
		if v.strs == nil {
			v.strs = map[string]string{}
		}
		v.strs[*s] = *s
	}
	one(&r.Region)
	one(&r.Message)
	if f := r.Finding; f != nil {
		one(&f.Title)
		one(&f.Product)
		one(&f.ControlID)
		one(&f.Severity)
		one(&f.FirstObservedAt)
		one(&f.SLADue)
	}
}

// Evaluation is the evaluation of every account added, ordered as
// Evaluate orders it.
func (v *Evaluator) Evaluation() Evaluation {
	var out Evaluation
	out.Results = v.results
	if out.Results == nil {
		out.Results = []report.Result{}
	}
	out.Results, out.Upcoming = splitUpcoming(out.Results)
	sortResults(out.Results)
	sortResults(out.Upcoming)
	out.Coverage = v.coverage
	if out.Coverage == nil {
		out.Coverage = []report.Coverage{}
	}
	sortCoverage(out.Coverage)
	out.Errors = v.errors
	if out.Errors == nil {
		out.Errors = []report.Error{}
	}
	sortErrors(out.Errors)
	v.strs = nil
	return out
}
