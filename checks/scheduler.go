package checks

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultConcurrency bounds the (account, region, service) work items in
// flight at once. Collection is I/O-bound and AWS's rate limits are per
// account and region, so hundreds of items in flight are what an
// organization scan needs to approach its lower bound (latency × the
// longest dependent call chain of any account); each item has at most a few
// calls in flight.
const DefaultConcurrency = 512

// CollectOptions configure one collection.
type CollectOptions struct {
	Collectors  []Collector
	Concurrency int
	Tool        Tool
	// Now is the clock; the snapshot's collected_at is read from it once.
	Now func() time.Time
	// RateLimiter, when set, paces every call of every target per
	// (account, region, action); see NewRateLimiter.
	RateLimiter *RateLimiter
	// Regions widens or narrows each target's regions (--regions all,
	// --exclude-regions) once its credentials are known.
	Regions RegionScope
	// Progress, when set, is updated as accounts and regions complete.
	Progress *Progress
	// Sink, when set, receives account i of targets once all of its
	// collections are done (parts merged, errors sorted), from the worker
	// that finished it, possibly while it receives others; the account is
	// not kept (the snapshot's Accounts is nil). Work is then queued account
	// by account rather than collector by collector, so that accounts
	// finish about in order and memory holds those in flight, not the
	// organization.
	Sink func(i int, facts *AccountFacts)
	// More, when set, brings further targets after those given to Collect
	// (discovery streamed: each ListAccounts page as it arrives), each
	// collected as soon as it comes; Collect returns once More is closed
	// and everything is collected. Account indices (Sink's i) follow the
	// order of arrival; the snapshot lists the accounts by id.
	More <-chan []Target
}

// Collect observes every target with every collector and returns the
// snapshot. It never fails as a whole: a failed call, a denied AssumeRole or
// a cancelled context are recorded as CollectionErrors of the affected
// account, so every control that needed them reports ERROR.
//
// Work runs on one pool of opts.Concurrency workers: first one task per
// account (credentials, once per account for the whole scan, then its
// regions), which queues one task per (region, regional collector) and one
// per account-wide collector. Queued work starts accounts first, then by
// the collector's place in opts.Collectors: list first the collector whose
// calls are the most rate-limited (Security Hub's GetFindings, 3/s), so the
// scan's longest chains start first and the rest fills in around them. Results are written by index and merged in
// target order, so the snapshot does not depend on timing.
func Collect(ctx context.Context, targets []Target, opts CollectOptions) *Snapshot {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	limit := cmp.Or(opts.Concurrency, DefaultConcurrency)
	snap := &Snapshot{
		SchemaVersion: SnapshotSchemaVersion,
		Tool:          opts.Tool,
		CollectedAt:   now().UTC().Truncate(time.Second),
	}
	opts.Progress.SetPhase(PhaseCollecting)

	// One state per account, in the order the accounts arrived; the
	// snapshot lists them by id.
	type account struct {
		id      string
		facts   AccountFacts
		parts   []AccountFacts
		regions []string
	}
	var (
		mu       sync.Mutex
		accounts []*account
	)
	p := newPool(limit)
	// finish merges account a's parts once the last of them is in.
	finish := func(i int, a *account) {
		f := &a.facts
		for _, part := range a.parts {
			f.Merge(part)
		}
		a.parts = nil
		SortErrors(f.Errors)
		a.regions = f.Regions
		if opts.Sink != nil {
			opts.Sink(i, f)
			a.facts = AccountFacts{}
		}
	}
	add := func(batch []Target) {
		mu.Lock()
		defer mu.Unlock()
		opts.Progress.addAccounts(len(batch))
		for _, t := range batch {
			i := len(accounts)
			a := &account{id: t.AccountID, facts: AccountFacts{AccountID: t.AccountID, AccountName: t.AccountName, Team: t.Team, Regions: slices.Clone(t.Regions), Errors: slices.Clone(t.Errors)}}
			accounts = append(accounts, a)
			opts.Progress.addErrors(len(t.Errors))
			// With a sink, account i's items queue after account i-1's.
			base := 0
			if opts.Sink != nil {
				base = i * len(opts.Collectors)
			}
			p.push(-1, func() { collectAccount(ctx, p, opts, t, &a.facts, &a.parts, base, func() { finish(i, a) }) })
		}
	}
	add(targets)
	if opts.More != nil {
		// The pool does not finish while more accounts may come.
		p.pending.Add(1)
		go func() {
			defer p.pending.Done()
			for batch := range opts.More {
				add(batch)
			}
		}()
	}
	p.wait()

	slices.SortStableFunc(accounts, func(a, b *account) int { return strings.Compare(a.id, b.id) })
	regionSet := map[string]bool{}
	for _, a := range accounts {
		snap.Scope.Accounts = append(snap.Scope.Accounts, a.id)
		for _, r := range a.regions {
			regionSet[r] = true
		}
	}
	if opts.Sink == nil {
		snap.Accounts = make([]AccountFacts, len(accounts))
		for i, a := range accounts {
			snap.Accounts[i] = a.facts
		}
	}
	for r := range regionSet {
		snap.Scope.Regions = append(snap.Scope.Regions, r)
	}
	slices.Sort(snap.Scope.Regions)
	return snap
}

// collectAccount retrieves one account's credentials (an account whose role
// cannot be assumed is one STS error, not one error per call), resolves its
// regions, and queues its collections, each at priority base plus the
// collector's place; done is called once they are all done.
func collectAccount(ctx context.Context, p *pool, opts CollectOptions, t Target, facts *AccountFacts, parts *[]AccountFacts, base int, done func()) {
	t.Config = targetConfig(t, opts.RateLimiter)
	if t.Config.Credentials != nil {
		if _, err := t.Config.Credentials.Retrieve(ctx); err != nil {
			facts.Errors = append(facts.Errors, NewError(t.AccountID, Global, "sts", "AssumeRole", err))
			// Without credentials `all` cannot be resolved (the account has
			// no regions and its controls report ERROR account-wide), but
			// named regions are still the account's cells, minus exclusions.
			facts.Regions = nil
			if !opts.Regions.All {
				facts.Regions = opts.Regions.exclude(t.Regions)
			}
			opts.Progress.addErrors(1)
			opts.Progress.addRegions(len(facts.Regions))
			for range facts.Regions {
				opts.Progress.regionDone()
			}
			opts.Progress.accountDone()
			done()
			return
		}
	}
	if opts.Regions.All || len(opts.Regions.Exclude) > 0 {
		regions, cerr := opts.Regions.resolve(ctx, t.Config, t)
		if cerr != nil {
			facts.Errors = append(facts.Errors, *cerr)
			opts.Progress.addErrors(1)
		}
		t.Regions, facts.Regions = regions, slices.Clone(regions)
	}
	opts.Progress.addRegions(len(t.Regions))

	type item struct {
		collector Collector
		regions   []string
		prio      int
	}
	var items []item
	for ci, c := range opts.Collectors {
		if !c.Regional() {
			items = append(items, item{c, t.Regions, base + ci})
			continue
		}
		for _, r := range t.Regions {
			items = append(items, item{c, []string{r}, base + ci})
		}
	}
	if len(items) == 0 {
		opts.Progress.accountDone()
		done()
		return
	}
	*parts = make([]AccountFacts, len(items))

	// An (account, region) cell is done when its regional items are; the
	// account when all of its items are.
	var accountLeft atomic.Int64
	accountLeft.Store(int64(len(items)))
	regionLeft := map[string]*atomic.Int64{}
	for _, r := range t.Regions {
		regionLeft[r] = new(atomic.Int64)
	}
	for _, it := range items {
		if it.collector.Regional() {
			regionLeft[it.regions[0]].Add(1)
		}
	}
	for _, r := range t.Regions {
		if regionLeft[r].Load() == 0 {
			opts.Progress.regionDone()
		}
	}
	for k, it := range items {
		run := func() {
			tt := t
			tt.Regions = it.regions
			part := it.collector.Collect(ctx, tt)
			(*parts)[k] = part
			opts.Progress.addErrors(len(part.Errors))
			if it.collector.Regional() && regionLeft[it.regions[0]].Add(-1) == 0 {
				opts.Progress.regionDone()
			}
			if accountLeft.Add(-1) == 0 {
				opts.Progress.accountDone()
				done()
			}
		}
		if d, ok := it.collector.(Deferred); ok {
			// Queued when the collector can collect; the pool does not
			// finish before. A collector whose cells wait for background
			// streams goes after the account's other collectors' (as it
			// would have been placed, chosen before collection).
			p.pending.Add(1)
			d.Later(func(last bool) {
				prio := it.prio
				if last {
					prio = base + len(opts.Collectors)
				}
				p.push(prio, run)
				p.pending.Done()
			})
			continue
		}
		p.push(it.prio, run)
	}
}

// Deferred is a collector that cannot collect yet: a service whose choice
// of collector waits for every account to be listed (discovery streamed
// with a delegated administrator). Its cells wait outside the pool,
// holding no worker, while the other collectors' run. Later calls run once
// the collector can collect, at once when it already can, and exactly
// once for each call whatever happens (a failed choice included: the
// collector then records the failure). last says whether the collector's
// cells then go after the account's other collectors' (its cells wait for
// streams read in the background: see AdminCollection.Background).
type Deferred interface {
	Later(run func(last bool))
}

// pool runs tasks on a fixed number of workers, lowest priority value
// first, then in the order they were pushed. Tasks may push more tasks;
// wait returns when every task is done.
type pool struct {
	mu      sync.Mutex
	cond    *sync.Cond
	queue   taskHeap
	seq     int
	closed  bool
	pending sync.WaitGroup
	workers sync.WaitGroup
	size    int
	started int
}

type task struct {
	prio, seq int
	run       func()
}

// taskHeap is a min-heap of tasks by (prio, seq).
type taskHeap []task

func (h taskHeap) less(i, j int) bool {
	return h[i].prio < h[j].prio || h[i].prio == h[j].prio && h[i].seq < h[j].seq
}

func (h *taskHeap) push(t task) {
	*h = append(*h, t)
	q := *h
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q[i], q[parent] = q[parent], q[i]
		i = parent
	}
}

func (h *taskHeap) pop() task {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q[last] = task{}
	q = q[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q) && q.less(l, m) {
			m = l
		}
		if r < len(q) && q.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	*h = q
	return top
}

func newPool(size int) *pool {
	p := &pool{size: max(size, 1)}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *pool) push(prio int, run func()) {
	p.pending.Add(1)
	p.mu.Lock()
	p.seq++
	p.queue.push(task{prio, p.seq, run})
	// Workers start on demand, so a small scan does not park hundreds.
	if p.started < p.size {
		p.started++
		p.workers.Add(1)
		go p.work()
	}
	p.mu.Unlock()
	p.cond.Signal()
}

func (p *pool) work() {
	defer p.workers.Done()
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed {
			p.cond.Wait()
		}
		if len(p.queue) == 0 {
			p.mu.Unlock()
			return
		}
		t := p.queue.pop()
		p.mu.Unlock()
		t.run()
		p.pending.Done()
	}
}

func (p *pool) wait() {
	p.pending.Wait()
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cond.Broadcast()
	p.workers.Wait()
}

// SortErrors orders errors by account, region, service and operation so that
// reports and golden files are stable.
func SortErrors(errs []CollectionError) {
	slices.SortStableFunc(errs, func(a, b CollectionError) int {
		return cmp.Or(
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(a.Region, b.Region),
			cmp.Compare(a.Service, b.Service),
			cmp.Compare(a.Operation, b.Operation),
		)
	})
}
