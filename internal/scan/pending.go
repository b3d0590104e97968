package scan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/baseline-scanner/baseline/checks"
)

// pendingChoice is the choice of collector of the services that need every
// account (checks.ErrAccountsNeeded: the caller administers them) while
// discovery is streamed. The other services collect the accounts as their
// ListAccounts pages arrive; these services' cells wait, holding no worker
// (checks.Deferred), until the listing has ended and each service has
// chosen with every account, exactly as when listing first: their
// administrators' streams and coverage gaps are planned over the same
// accounts.
type pendingChoice struct {
	ready   chan struct{} // closed by resolve
	mu      sync.Mutex
	done    bool
	waiting []func()
	got     map[string]checks.AdminCollection // by service name
	err     error                             // the choice failed: the scan stops
}

func newPendingChoice() *pendingChoice {
	return &pendingChoice{ready: make(chan struct{})}
}

// later runs run once the choice is made, at once when it is.
func (p *pendingChoice) later(run func()) {
	p.mu.Lock()
	if !p.done {
		p.waiting = append(p.waiting, run)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	run()
}

// resolve records the choices, or the error that stops the scan (the
// listing failed, or a service's choice did), and lets the waiting cells
// run; only the first call counts.
func (p *pendingChoice) resolve(got map[string]checks.AdminCollection, err error) {
	p.mu.Lock()
	if p.done {
		p.mu.Unlock()
		return
	}
	p.got, p.err, p.done = got, err, true
	waiting := p.waiting
	p.waiting = nil
	close(p.ready)
	p.mu.Unlock()
	for _, run := range waiting {
		run()
	}
}

// choose asks each pending service, in order, for its collector with
// every account listed (env's targets), as chooseCollectors does when
// listing first. A collector that is not regional as the service's direct
// one is is an error: its cells were planned as the direct one's.
func (p *pendingChoice) choose(ctx context.Context, svcs []checks.Service, env adminEnv) (map[string]checks.AdminCollection, error) {
	got := map[string]checks.AdminCollection{}
	for _, s := range svcs {
		c, err := s.Admin(ctx, env.adminEnv())
		if err != nil {
			return nil, err
		}
		if c.Collector == nil || c.Collector.Regional() != s.New().Regional() || c.Collector.Service() != s.New().Service() {
			return nil, fmt.Errorf("%s: the collector chosen with every account listed is not one the scan planned its cells for", s.Name)
		}
		got[s.Name] = c
	}
	return got, nil
}

// pendingCollector stands for a pending service's collector in the
// scheduler until the choice is made. It keeps its service's place among
// the collectors; a choice whose cells wait for background streams is
// queued after the account's other collectors (Later's last), where
// chooseCollectors would have placed it.
type pendingCollector struct {
	choice *pendingChoice
	name   string
	direct checks.Collector // the service's direct collector: its Service and Regional
}

func (c pendingCollector) Service() string { return c.direct.Service() }
func (c pendingCollector) Regional() bool  { return c.direct.Regional() }
func (c pendingCollector) Later(run func(last bool)) {
	c.choice.later(func() {
		got := c.chosen()
		run(got != nil && got.Background)
	})
}
func (c pendingCollector) chosen() *checks.AdminCollection {
	if got, ok := c.choice.got[c.name]; ok {
		return &got
	}
	return nil
}

// Collect collects t with the chosen collector. Without a choice (the
// listing or the choice failed; the scan stops with that error) each of
// t's regions gets an error, so that nothing is observed.
func (c pendingCollector) Collect(ctx context.Context, t checks.Target) checks.AccountFacts {
	select {
	case <-c.choice.ready:
	case <-ctx.Done():
	}
	var err error
	select {
	case <-c.choice.ready:
		if got := c.chosen(); got != nil {
			return got.Collector.Collect(ctx, t)
		}
		err = c.choice.err
	default:
		err = ctx.Err()
	}
	if err == nil {
		err = errors.New("no collector was chosen")
	}
	facts := checks.AccountFacts{AccountID: t.AccountID}
	for _, r := range t.Regions {
		facts.Errors = append(facts.Errors, checks.NewError(t.AccountID, r, c.Service(), "ChooseCollector", err))
	}
	return facts
}

// sortedTargets are targets by account id, as Discover gives them.
func sortedTargets(targets []checks.Target) []checks.Target {
	out := slices.Clone(targets)
	slices.SortFunc(out, func(a, b checks.Target) int { return strings.Compare(a.AccountID, b.AccountID) })
	return out
}

// gaps are the coverage-gap sources of the pending services' choices, in
// the services' order.
func (p *pendingChoice) gaps(svcs []checks.Service) []gapSource {
	var out []gapSource
	for _, s := range svcs {
		if got, ok := p.got[s.Name]; ok && got.Gaps != nil {
			out = append(out, gapSource{s.Name, got.CoveredBy, got.Gaps})
		}
	}
	return out
}
