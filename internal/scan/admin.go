package scan

import (
	"context"
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
}

// accounts are the targets' account ids.
func (e adminEnv) accounts() []string {
	out := make([]string, 0, len(e.targets))
	for _, t := range e.targets {
		out = append(out, t.AccountID)
	}
	return out
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
// caller's delegated administrator (--collection).
func chooseCollectors(ctx context.Context, svcs []checks.Service, env adminEnv) ([]checks.Collector, []gapSource, error) {
	var collectors, last []checks.Collector
	var gaps []gapSource
	for _, s := range svcs {
		if s.Admin == nil || env.mode == ModeDirect {
			collectors = append(collectors, s.New())
			continue
		}
		scope := env.regions
		if env.allRegions {
			scope = nil
		}
		got, err := s.Admin(ctx, checks.AdminEnv{
			Caller:       env.callerConfig(),
			Accounts:     env.accounts(),
			ScanAccounts: env.scanAccounts,
			Home:         env.home(),
			Regions:      scope,
			Mode:         env.mode,
			Status:       env.status,

			FromOrganization: env.fromOrg,
			OrganizationID:   env.orgID,

			Now:        env.now,
			SyncMaxAge: env.syncMaxAge,
		})
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
