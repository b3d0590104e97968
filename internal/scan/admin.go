package scan

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsguardduty "github.com/aws/aws-sdk-go-v2/service/guardduty"
	awssecurityhub "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/checks/guardduty"
	"github.com/baseline-scanner/baseline/checks/securityhub"
	"github.com/baseline-scanner/baseline/checks/ssm"
)

// Collection modes (Options.Collection).
const (
	ModeAuto   = securityhub.ModeAuto
	ModeDirect = securityhub.ModeDirect
	ModeAdmin  = securityhub.ModeAdmin
)

// Modes are the valid collection modes.
var Modes = securityhub.Modes

// adminEnv is what choosing a service's collector needs.
type adminEnv struct {
	cfg        aws.Config
	limiter    *checks.RateLimiter
	targets    []checks.Target
	regions    []string
	allRegions bool
	mode       string
	status     func(string)
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

// chooseCollectors returns every collector a scan runs, in order, each
// direct or through the caller's delegated administrator (--collection).
func chooseCollectors(ctx context.Context, env adminEnv) ([]checks.Collector, []gapSource, error) {
	var gaps []gapSource
	sh, agg, err := securityHubCollector(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	if agg != nil {
		gaps = append(gaps, gapSource{"securityhub", "aggregator", agg.Gaps})
	}
	gd, admin, err := guardDutyCollector(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	if admin != nil {
		gaps = append(gaps, gapSource{"guardduty", "administrator", admin.Gaps})
	}
	return []checks.Collector{sh, gd, cloudtrail.New(), ssm.New()}, gaps, nil
}

// securityHubCollector chooses how Security Hub findings are read: in auto
// and admin modes it looks for the caller's finding aggregator; auto falls
// back to direct collection without one, admin fails.
func securityHubCollector(ctx context.Context, env adminEnv) (securityhub.Collector, *securityhub.Aggregation, error) {
	if env.mode == ModeDirect {
		return securityhub.New(), nil, nil
	}
	adminCfg := env.callerConfig()
	scope := env.regions
	if env.allRegions {
		scope = nil
	}
	agg, err := securityhub.DiscoverAggregation(ctx, func(region string) securityhub.AdminAPI {
		return awssecurityhub.NewFromConfig(adminCfg, func(o *awssecurityhub.Options) { o.Region = region })
	}, env.home(), env.accounts(), scope)
	if err != nil {
		if env.mode == ModeAdmin {
			return securityhub.Collector{}, nil, fmt.Errorf("--collection admin: %w; run as the Security Hub delegated administrator, or use --collection direct", err)
		}
		if !errors.Is(err, securityhub.ErrNoAggregator) {
			env.status(fmt.Sprintf("securityhub: %v; collecting each account directly", err))
		}
		return securityhub.New(), nil, nil
	}
	env.status(fmt.Sprintf("securityhub: findings of %d member account(s) from administrator %s's aggregator in %s", agg.Members(), agg.Admin, agg.Region))
	return securityhub.NewAggregated(agg), agg, nil
}

// guardDutyCollector chooses how GuardDuty findings are read: in auto and
// admin modes it asks whether the caller is the GuardDuty administrator
// with members; auto falls back to direct collection when it is not, admin
// fails.
func guardDutyCollector(ctx context.Context, env adminEnv) (guardduty.Collector, *guardduty.Administration, error) {
	if env.mode == ModeDirect {
		return guardduty.New(), nil, nil
	}
	adminCfg := env.callerConfig()
	home := env.home()
	admin, err := guardduty.DiscoverAdministration(ctx, func(region string) guardduty.AdminAPI {
		return awsguardduty.NewFromConfig(adminCfg, func(o *awsguardduty.Options) { o.Region = region })
	}, home, env.accounts())
	if err != nil {
		if env.mode == ModeAdmin {
			return guardduty.Collector{}, nil, fmt.Errorf("--collection admin: %w; run as the GuardDuty delegated administrator, or use --collection direct", err)
		}
		if !errors.Is(err, guardduty.ErrNotAdministrator) {
			env.status(fmt.Sprintf("guardduty: %v; collecting each account directly", err))
		}
		return guardduty.New(), nil, nil
	}
	env.status(fmt.Sprintf("guardduty: findings of %d member account(s) in %s from administrator %s's detector", admin.Members(ctx, home), home, admin.Admin))
	return guardduty.NewAdministered(admin), admin, nil
}
