package checks_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/checks"
)

// gatedCollector is a Deferred collector whose cells may run once open is
// called; each records how many cells of before had run when it ran.
type gatedCollector struct {
	before  *countingCollector
	mu      sync.Mutex
	opened  bool
	last    bool // Later's last
	waiting []func()
	later   atomic.Int32
	ran     atomic.Int32
	early   atomic.Int32 // cells that ran before every cell of before
}

func (*gatedCollector) Service() string { return "gated" }
func (*gatedCollector) Regional() bool  { return true }

func (g *gatedCollector) Later(run func(last bool)) {
	g.later.Add(1)
	g.mu.Lock()
	if g.opened {
		g.mu.Unlock()
		run(g.last)
		return
	}
	g.waiting = append(g.waiting, func() { run(g.last) })
	g.mu.Unlock()
}

func (g *gatedCollector) open() {
	g.mu.Lock()
	g.opened = true
	waiting := g.waiting
	g.waiting = nil
	g.mu.Unlock()
	for _, run := range waiting {
		run()
	}
}

func (g *gatedCollector) Collect(_ context.Context, t checks.Target) checks.AccountFacts {
	g.ran.Add(1)
	if int(g.before.n.Load()) < g.before.all {
		g.early.Add(1)
	}
	return checks.AccountFacts{AccountID: t.AccountID}
}

// countingCollector counts its cells and calls last after the last one.
type countingCollector struct {
	n    atomic.Int32
	all  int
	last func()
}

func (*countingCollector) Service() string { return "counting" }
func (*countingCollector) Regional() bool  { return true }

func (c *countingCollector) Collect(_ context.Context, t checks.Target) checks.AccountFacts {
	if int(c.n.Add(1)) == c.all {
		c.last()
	}
	return checks.AccountFacts{AccountID: t.AccountID}
}

// TestDeferredCellsHoldNoWorker: a Deferred collector's cells wait outside
// the pool until it can collect, so with one worker the other collector's
// cells all run first (a waiting cell that held the worker would hang the
// scan); each cell is queued exactly once, and Collect returns only once
// the deferred cells have run.
func TestDeferredCellsHoldNoWorker(t *testing.T) {
	regions := []string{"us-east-1", "eu-west-1"}
	var targets []checks.Target
	for _, id := range []string{"111111111111", "222222222222", "333333333333"} {
		targets = append(targets, checks.Target{AccountID: id, Regions: regions})
	}
	counting := &countingCollector{all: len(targets) * len(regions)}
	gated := &gatedCollector{before: counting}
	counting.last = gated.open
	done := make(chan *checks.Snapshot, 1)
	go func() {
		done <- checks.Collect(t.Context(), targets, checks.CollectOptions{
			// The deferred collector first: the pool would start its cells
			// first if they were queued.
			Collectors: []checks.Collector{gated, counting}, Concurrency: 1, Tool: tool,
		})
	}()
	var snap *checks.Snapshot
	select {
	case snap = <-done:
	case <-time.After(time.Minute):
		t.Fatal("Collect did not return: a deferred cell holds the only worker")
	}
	want := int32(counting.all)
	if gated.later.Load() != want || gated.ran.Load() != want || gated.early.Load() != 0 {
		t.Errorf("deferred cells: %d queued later, %d ran, %d of them before the other collector's; want %d, %d and 0",
			gated.later.Load(), gated.ran.Load(), gated.early.Load(), want, want)
	}
	if len(snap.Accounts) != len(targets) {
		t.Errorf("%d accounts collected, want %d", len(snap.Accounts), len(targets))
	}
}

// TestDeferredLastGoesAfterTheAccountsOthers: a Deferred collector that
// can collect at once is queued in its place among the collectors, or,
// when Later says last (its cells wait for background streams), after the
// account's other collectors, with or without a sink.
func TestDeferredLastGoesAfterTheAccountsOthers(t *testing.T) {
	for _, sink := range []bool{false, true} {
		for _, last := range []bool{false, true} {
			targets := []checks.Target{{AccountID: "111111111111", Regions: []string{"us-east-1", "eu-west-1"}}}
			counting := &countingCollector{all: 2, last: func() {}}
			gated := &gatedCollector{before: counting, opened: true, last: last}
			opts := checks.CollectOptions{Collectors: []checks.Collector{gated, counting}, Concurrency: 1, Tool: tool}
			if sink {
				opts.Sink = func(int, *checks.AccountFacts) {}
			}
			checks.Collect(t.Context(), targets, opts)
			want := int32(0) // every cell after the other collector's
			if !last {
				want = 2 // in its place: first
			}
			if gated.ran.Load() != 2 || gated.early.Load() != want {
				t.Errorf("sink %v, last %v: %d deferred cells ran, %d before the other collector's; want 2 and %d", sink, last, gated.ran.Load(), gated.early.Load(), want)
			}
		}
	}
}
