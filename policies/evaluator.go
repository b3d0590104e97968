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
// results. They wait in one slice per Add, so that Evaluation can let go
// of each group as soon as its results are built: the compact and the
// built form of an organization's results are never held whole together.
type Evaluator struct {
	ev          *evaluation
	collectedAt time.Time
	controls    map[string]int32 // the engine's controls, by id
	accounts    []accountRef     // every account added, in order
	groups      []group          // each Add's results, in the order added
	upcoming    []item           // the results of status UPCOMING
	statuses    []report.Status  // the statuses of items
	// One copy of each string that repeats across results (intern); a
	// spilled item refers to them by index.
	strTable []string
	strIndex map[string]uint32
	// With a spill file (Spill), the groups' items wait there.
	spill    SpillFile
	spillOff int64
	spillBuf []byte
	coverage []report.Coverage
	errors   []report.Error
}

// group is one Add's results but the upcoming ones: in items, or in the
// spill file; lo and hi are the least and greatest of its account ids.
type group struct {
	items  []item
	at     spilled
	n      int
	lo, hi string
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
	items := make([]item, 0, n)
	for i, rs := range perAccount {
		account := int32(len(v.accounts))
		v.accounts = append(v.accounts, accountRef{accts[i].AccountID, accts[i].AccountName})
		for j := range rs {
			if err := v.keep(&items, &rs[j], account); err != nil {
				return fmt.Errorf("evaluate account %s: %w", accts[i].AccountID, err)
			}
		}
	}
	// The upcoming findings are moved out (splitUpcoming) and sorted apart.
	if i := slices.Index(v.statuses, statusUpcoming); i >= 0 {
		for _, it := range items {
			if int(it.status) == i {
				v.upcoming = append(v.upcoming, it)
			}
		}
		items = slices.DeleteFunc(items, func(it item) bool { return int(it.status) == i })
	}
	if len(items) > 0 {
		g := group{items: items, n: len(items)}
		for i := range items {
			id := v.accounts[items[i].account].id
			if g.lo == "" || id < g.lo {
				g.lo = id
			}
			g.hi = max(g.hi, id)
		}
		if v.spill != nil {
			at, err := v.spillGroup(items)
			if err != nil {
				return err
			}
			g.items, g.at = nil, at
		}
		v.groups = append(v.groups, g)
	}
	part := &checks.Snapshot{Accounts: accts}
	v.coverage = append(v.coverage, coverage(part, ev.engine.services.list)...)
	v.errors = append(v.errors, flattenErrors(part)...)
	return nil
}

// keep adds r, a result of account, to items, its strings that
// repeat across results (regions, messages, finding titles and times)
// sharing one copy: an organization's results are kept until the report,
// and most of their messages repeat.
func (v *Evaluator) keep(items *[]item, r *report.Result, account int32) error {
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
	one := func(s *string) { *s = v.strTable[v.intern(*s)] }
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
	*items = append(*items, item{region: r.Region, resource: r.Resource, message: r.Message, finding: r.Finding,
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

// ascending reports whether every account of each group sorts before
// every account of the next group (as the accounts of a streamed scan are
// added: in the order of their ids).
func ascending(groups []group) bool {
	for g := 1; g < len(groups); g++ {
		if groups[g].lo <= groups[g-1].hi {
			return false
		}
	}
	return true
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
		cmp.Compare(findingID(a.finding), findingID(b.finding)),
	)
}

// findingID is f's id, "" without a finding.
func findingID(f *report.Finding) string {
	if f == nil {
		return ""
	}
	return f.ID
}

// Evaluation is the evaluation of every account added, ordered as
// Evaluate orders it. It is called once, after the last Add: the results
// it builds are no longer kept in the evaluator.
func (v *Evaluator) Evaluation() (Evaluation, error) {
	var out Evaluation
	v.strIndex = nil // the items hold their strings; the index is no longer needed
	groups := v.groups
	v.groups = nil
	if !ascending(groups) {
		// Groups whose accounts interleave are sorted as one.
		var all []item
		for g := range groups {
			items, err := v.items(&groups[g], nil)
			if err != nil {
				return Evaluation{}, err
			}
			all = append(all, items...)
			groups[g] = group{}
		}
		groups = []group{{items: all, n: len(all)}}
	}
	// Each group holds accounts that all sort before the next group's,
	// and results sort by account first: sorting each group sorts them
	// all (as sortResults sorts, a total order but for results alike in
	// every key, finding id included).
	n := 0
	for g := range groups {
		n += groups[g].n
	}
	out.Results = make([]report.Result, 0, n)
	var buf []item
	for g := range groups {
		items, err := v.items(&groups[g], buf[:0])
		if err != nil {
			return Evaluation{}, err
		}
		slices.SortFunc(items, v.compareItems)
		for i := range items {
			out.Results = append(out.Results, v.result(&items[i]))
		}
		groups[g] = group{} // built: the collector may have it
		buf = items         // a spilled group is read into the same memory

	}
	buf = nil
	v.strTable = nil
	upcoming := v.upcoming
	v.upcoming = nil
	slices.SortFunc(upcoming, v.compareItems)
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
	return out, nil
}

// items is g's items: in memory, or read from the spill file into buf.
func (v *Evaluator) items(g *group, buf []item) ([]item, error) {
	if g.items != nil || g.n == 0 {
		return g.items, nil
	}
	return v.loadGroup(g.at, g.n, buf)
}
