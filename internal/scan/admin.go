package scan

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/ssm"
)

// Collection modes (Options.Collection).
const (
	ModeAuto   = checks.ModeAuto
	ModeDirect = checks.ModeDirect
	ModeAdmin  = checks.ModeAdmin
)

// DefaultSSMSyncMaxAge is Options.SSMSyncMaxAge's default.
const DefaultSSMSyncMaxAge = ssm.DefaultSyncMaxAge

// Modes are the valid collection modes.
var Modes = []string{ModeAuto, ModeDirect, ModeAdmin}

// adminEnv is what choosing a service's collector needs.
type adminEnv struct {
	cfg        aws.Config
	limiter    *checks.RateLimiter
	targets    []checks.Target
	regions    []string
	allRegions bool
	fromOrg    bool // the targets were listed from the organization
	// scanAccounts is how many accounts the whole scan selected (more
	// than the targets in a shard).
	scanAccounts int
	orgID        string // the organization's id, when the account list has it
	mode         string
	status       func(string)
	now          func() time.Time
	syncMaxAge   time.Duration
	// accountsPending: the accounts are still being listed (targets nil).
	accountsPending bool
}

// accounts are the targets' account ids.
func (e adminEnv) accounts() []string {
	out := make([]string, 0, len(e.targets))
	for _, t := range e.targets {
		out = append(out, t.AccountID)
	}
	return out
}

// adminEnv is what a service's Admin is given.
func (e adminEnv) adminEnv() checks.AdminEnv {
	scope := e.regions
	if e.allRegions {
		scope = nil
	}
	var accounts []string
	if !e.accountsPending {
		accounts = e.accounts()
	}
	return checks.AdminEnv{
		Caller:       e.callerConfig(),
		Accounts:     accounts,
		ScanAccounts: e.scanAccounts,
		Home:         e.home(),
		Regions:      scope,
		Mode:         e.mode,
		Status:       e.status,

		FromOrganization: e.fromOrg,
		OrganizationID:   e.orgID,

		Now:             e.now,
		SyncMaxAge:      e.syncMaxAge,
		AccountsPending: e.accountsPending,
	}
}

// probeCollectors asks every service with an administrator mode, before
// the accounts are listed (--collection auto or admin), how it would
// collect: the choices a service could make without the accounts (the
// caller administers nothing for it) are returned by service name; the
// others are asked again once every account is listed (pendingChoice). An
// error (--collection admin, and the caller administers nothing) stops
// the scan before the listing.
func probeCollectors(ctx context.Context, svcs []checks.Service, env adminEnv) (decided map[string]checks.AdminCollection, err error) {
	env.accountsPending, env.targets = true, nil
	decided = map[string]checks.AdminCollection{}
	for _, s := range svcs {
		if s.Admin == nil {
			continue
		}
		got, err := s.Admin(ctx, env.adminEnv())
		switch {
		case errors.Is(err, checks.ErrAccountsNeeded):
		case err != nil:
			return nil, err
		case got.Gaps != nil:
			// An administrator's collection all the same: asked again
			// with the accounts.
		default:
			decided[s.Name] = got
		}
	}
	return decided, nil
}

// home is the region the administrator is looked for in.
func (e adminEnv) home() string {
	if e.cfg.Region == "" && len(e.regions) > 0 {
		return e.regions[0]
	}
	return e.cfg.Region
}

// callerConfig is cfg paced as the caller (the administrator's own calls).
func (e adminEnv) callerConfig() aws.Config {
	c := e.cfg.Copy()
	c.APIOptions = append(c.APIOptions, e.limiter.Middleware("caller"))
	return c
}

// gapSource is an administrator-mode collection whose uncovered cells
// become coverage gaps.
type gapSource struct {
	service, coveredBy string
	Gaps               func() []checks.CoverageGap
}

// chooseCollectors returns the collector of every service, in order, each
// direct or, for a service with an administrator mode, through the
// caller's delegated administrator (--collection). decided are choices
// already made (by probeCollectors), kept as they are; with pending
// (discovery streamed), a service not decided chooses once every account
// is listed, and its collector waits until then.
func chooseCollectors(ctx context.Context, svcs []checks.Service, env adminEnv, decided map[string]checks.AdminCollection, pending *pendingChoice) ([]checks.Collector, []gapSource, error) {
	var collectors, last []checks.Collector
	var gaps []gapSource
	for _, s := range svcs {
		if s.Admin == nil || env.mode == ModeDirect {
			collectors = append(collectors, s.New())
			continue
		}
		got, ok := decided[s.Name]
		if !ok && pending != nil {
			// In its place; queued last once chosen, if its choice reads
			// in the background (pendingCollector.Later).
			collectors = append(collectors, pendingCollector{choice: pending, name: s.Name, direct: s.New()})
			continue
		}
		var err error
		if !ok {
			got, err = s.Admin(ctx, env.adminEnv())
		}
		if err != nil {
			return nil, nil, err
		}
		if got.Background {
			last = append(last, got.Collector)
		} else {
			collectors = append(collectors, got.Collector)
		}
		if got.Gaps != nil {
			gaps = append(gaps, gapSource{s.Name, got.CoveredBy, got.Gaps})
		}
	}
	// A service whose administrator streams are read in the background
	// goes last: its cells mostly wait for those streams, and the workers
	// serve the other services meanwhile (the pool starts the collectors
	// in this order).
	return append(collectors, last...), gaps, nil
}
