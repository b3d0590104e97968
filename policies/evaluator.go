package policies

import (
	"cmp"
	"context"
	"fmt"
	"math"
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
//
// The results wait in a compact form (item) until Evaluation builds them:
// what a result has of its control and account is the control's and the
// account's, so it is kept once, not in each of an organization's
// results.
type Evaluator struct {
	ev          *evaluation
	collectedAt time.Time
	controls    map[string]int32  // the engine's controls, by id
	accounts    []accountRef      // every account added, in order
	items       []item            // every account's results, in the order added
	statuses    []report.Status   // the statuses of items
	strs        map[string]string // one copy of each repeated string of results
	coverage    []report.Coverage
	errors      []report.Error
}

// accountRef is what a result has of its account.
type accountRef struct{ id, name string }

// item is a result as the evaluator keeps it: its control, account and
// status by index (into the engine's controls, the accounts added and the
// evaluator's statuses). Every result is newResult's: its control's id,
// title, service, severity, remediation and references, its account's id
// and name, and no team, waiver, id or failing_since yet.
type item struct {
	region, resource, message string
	finding                   *report.Finding
	control, account          int32
	status                    uint8
	cause                     bool // Cause is report.CauseCollectionError
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
	controls := make(map[string]int32, len(e.controls))
	for i := range e.controls {
		controls[e.controls[i].ID] = int32(i)
	}
	return &Evaluator{ev: ev, collectedAt: collectedAt.UTC(), controls: controls}, nil
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
	v.items = slices.Grow(v.items, n)
	for i, rs := range perAccount {
		account := int32(len(v.accounts))
		v.accounts = append(v.accounts, accountRef{accts[i].AccountID, accts[i].AccountName})
		for j := range rs {
			if err := v.keep(&rs[j], account); err != nil {
				return fmt.Errorf("evaluate account %s: %w", accts[i].AccountID, err)
			}
		}
	}
	part := &checks.Snapshot{Accounts: accts}
	v.coverage = append(v.coverage, coverage(part, ev.engine.services.list)...)
	v.errors = append(v.errors, flattenErrors(part)...)
	return nil
}

// keep adds r, a result of account, to the items, its strings that
// repeat across results (regions, messages, finding titles and times)
// sharing one copy: an organization's results are kept until the report,
// and most of their messages repeat.
func (v *Evaluator) keep(r *report.Result, account int32) error {
	c, ok := v.controls[r.ControlID]
	if !ok {
		return fmt.Errorf("a result of unknown control %q", r.ControlID)
	}
	status := slices.Index(v.statuses, r.Status)
	if status < 0 {
		if len(v.statuses) > math.MaxUint8 {
			return fmt.Errorf("more than %d result statuses", math.MaxUint8+1)
		}
		status = len(v.statuses)
		v.statuses = append(v.statuses, r.Status)
	}
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
	v.items = append(v.items, item{region: r.Region, resource: r.Resource, message: r.Message, finding: r.Finding,
		control: c, account: account, status: uint8(status), cause: r.Cause == report.CauseCollectionError})
	return nil
}

// result is the result it stands for.
func (v *Evaluator) result(it *item) report.Result {
	a := &v.accounts[it.account]
	acct := checks.AccountFacts{AccountID: a.id, AccountName: a.name}
	r := newResult(&v.ev.engine.controls[it.control], &acct, it.region, it.resource, v.statuses[it.status], it.message)
	r.Finding = it.finding
	if it.cause {
		r.Cause = report.CauseCollectionError
	}
	return r
}

// compareItems orders items as sortResults orders their results.
func (v *Evaluator) compareItems(a, b item) int {
	ctl := v.ev.engine.controls
	return cmp.Or(
		cmp.Compare(v.accounts[a.account].id, v.accounts[b.account].id),
		cmp.Compare(ctl[a.control].ID, ctl[b.control].ID),
		cmp.Compare(a.region, b.region),
		cmp.Compare(a.resource, b.resource),
		cmp.Compare(v.statuses[a.status], v.statuses[b.status]),
		cmp.Compare(a.message, b.message),
	)
}

// Evaluation is the evaluation of every account added, ordered as
// Evaluate orders it. It is called once, after the last Add: the results
// it builds are no longer kept in the evaluator.
func (v *Evaluator) Evaluation() Evaluation {
	var out Evaluation
	// The upcoming findings are moved out, the rest keeping their order
	// (splitUpcoming); each part is then sorted as sortResults sorts, by
	// the same algorithm on the same order, so into the same order.
	var upcoming []item
	if i := slices.Index(v.statuses, statusUpcoming); i >= 0 {
		for _, it := range v.items {
			if int(it.status) == i {
				upcoming = append(upcoming, it)
			}
		}
		v.items = slices.DeleteFunc(v.items, func(it item) bool { return int(it.status) == i })
	}
	slices.SortFunc(v.items, v.compareItems)
	slices.SortFunc(upcoming, v.compareItems)
	out.Results = make([]report.Result, len(v.items))
	for i := range v.items {
		out.Results[i] = v.result(&v.items[i])
	}
	v.items = nil
	if upcoming != nil {
		out.Upcoming = make([]report.Result, len(upcoming))
		for i := range upcoming {
			out.Upcoming[i] = v.result(&upcoming[i])
		}
	}
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
