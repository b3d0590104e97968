package checks

import (
	"cmp"
	"context"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
)

// DefaultConcurrency bounds the (account, region, service) work items in
// flight at once.
const DefaultConcurrency = 16

// CollectOptions configure one collection.
type CollectOptions struct {
	Collectors  []Collector
	Concurrency int
	Tool        Tool
	// Now is the clock; the snapshot's collected_at is read from it once.
	Now func() time.Time
}

type workItem struct {
	account   int
	collector Collector
	regions   []string
}

// Collect observes every target with every collector and returns the
// snapshot. It never fails as a whole: a failed call, a denied AssumeRole or
// a cancelled context are recorded as CollectionErrors of the affected
// account, so every control that needed them reports ERROR.
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
		Accounts:      make([]AccountFacts, len(targets)),
	}
	regionSet := map[string]bool{}
	for i, t := range targets {
		snap.Accounts[i] = AccountFacts{AccountID: t.AccountID, AccountName: t.AccountName, Regions: slices.Clone(t.Regions)}
		snap.Scope.Accounts = append(snap.Scope.Accounts, t.AccountID)
		for _, r := range t.Regions {
			regionSet[r] = true
		}
	}
	for r := range regionSet {
		snap.Scope.Regions = append(snap.Scope.Regions, r)
	}
	slices.Sort(snap.Scope.Regions)

	// Credentials first, once per account: an account whose role cannot be
	// assumed is one STS error, not one error per call.
	credErrs := make([]*CollectionError, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for i, t := range targets {
		g.Go(func() error {
			if t.Config.Credentials == nil {
				return nil
			}
			if _, err := t.Config.Credentials.Retrieve(gctx); err != nil {
				ce := NewError(t.AccountID, Global, "sts", "AssumeRole", err)
				credErrs[i] = &ce
			}
			return nil
		})
	}
	_ = g.Wait() // the goroutines record errors instead of returning them

	var items []workItem
	for i, t := range targets {
		if credErrs[i] != nil {
			snap.Accounts[i].Errors = append(snap.Accounts[i].Errors, *credErrs[i])
			continue
		}
		for _, c := range opts.Collectors {
			if !c.Regional() {
				items = append(items, workItem{i, c, t.Regions})
				continue
			}
			for _, r := range t.Regions {
				items = append(items, workItem{i, c, []string{r}})
			}
		}
	}

	parts := make([]AccountFacts, len(items))
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(limit)
	for k, it := range items {
		g.Go(func() error {
			t := targets[it.account]
			t.Regions = it.regions
			parts[k] = it.collector.Collect(gctx, t)
			return nil
		})
	}
	_ = g.Wait()

	for k, it := range items {
		snap.Accounts[it.account].Merge(parts[k])
	}
	for i := range snap.Accounts {
		SortErrors(snap.Accounts[i].Errors)
	}
	return snap
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
