package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awsguardduty "github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	awssecurityhub "github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/checks/guardduty"
	"github.com/baseline-scanner/baseline/checks/securityhub"
	"github.com/baseline-scanner/baseline/checks/ssm"
	"github.com/baseline-scanner/baseline/internal/redact"
	"github.com/baseline-scanner/baseline/internal/teams"
	"github.com/baseline-scanner/baseline/report"
)

// collectors lists every collector a scan runs, explicitly; sh is the
// Security Hub collector (direct, or through the administrator's aggregator),
// gd the GuardDuty one (direct, or through the administrator's detector).
func collectors(sh securityhub.Collector, gd guardduty.Collector) []checks.Collector {
	return []checks.Collector{sh, gd, cloudtrail.New(), ssm.New()}
}

// targetFlags select what to scan and how to reach it.
type targetFlags struct {
	org             bool
	roleName        string
	externalID      string
	accounts        []string
	excludeAccounts []string
	regions         string
	demo            bool
	world           string
	concurrency     int
	quiet           bool
	teamTag         string
	collection      string
	scale           scaleFlags
	regionsGiven    func() bool // whether --regions was on the command line
}

func (f *targetFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	f.regionsGiven = func() bool { return fs.Changed("regions") }
	fs.BoolVar(&f.org, "org", false, "scan every ACTIVE account of the organization (organizations:ListAccounts from the caller's account)")
	fs.StringVar(&f.roleName, "role-name", checks.DefaultRoleName, "role assumed in every account other than the caller's")
	fs.StringVar(&f.externalID, "external-id", "", "external id passed to sts:AssumeRole, if the role requires one")
	fs.StringSliceVar(&f.accounts, "accounts", nil, "comma list of account ids to scan (with --org: only these of the organization)")
	fs.StringSliceVar(&f.excludeAccounts, "exclude-accounts", nil, "comma list of account ids to skip")
	fs.StringVar(&f.regions, "regions", "", "comma list of regions to scan in every account, or \"all\": each account's enabled regions (account:ListRegions, else ec2:DescribeRegions) (default: the SDK's region, e.g. AWS_REGION; with --demo: the sample organization's regions)")
	fs.BoolVar(&f.demo, "demo", false, "scan the built-in simulated organization (no AWS account needed)")
	fs.StringVar(&f.world, "world", "", "scan a simulated organization described by this world file (YAML; implies --demo)")
	fs.IntVar(&f.concurrency, "concurrency", checks.DefaultConcurrency, "(account, region, service) collections in flight at once")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print no progress to stderr")
	f.scale.register(fs)
	fs.StringVar(&f.collection, "collection", securityhub.ModeAuto, "how Security Hub and GuardDuty findings are read: auto (through the caller's Security Hub finding aggregator and GuardDuty detector when it is their delegated administrator, else direct), direct (each account and region), or admin (require both)")
	fs.StringVar(&f.teamTag, "team-tag", teams.DefaultTag, `with --org, the AWS Organizations account tag whose value is the account's team (organizations:ListTagsForResource); "" reads no tags`)
}

// validate checks the flags that need no AWS call, so that a typo fails
// before a long scan starts.
func (f *targetFlags) validate() error {
	if err := checks.ValidateAccountIDs("--accounts", f.accounts); err != nil {
		return err
	}
	if err := checks.ValidateAccountIDs("--exclude-accounts", f.excludeAccounts); err != nil {
		return err
	}
	if _, _, err := parseRegionsFlag(f.regions); err != nil {
		return err
	}
	// Given but empty is a mistake (an unset CI variable, say), not a
	// request for the default region.
	if f.regionsGiven != nil && f.regionsGiven() && strings.TrimSpace(f.regions) == "" {
		return errors.New("--regions: no region given")
	}
	if err := f.scale.validate(); err != nil {
		return err
	}
	if f.concurrency < 1 {
		return fmt.Errorf("--concurrency: must be at least 1, got %d", f.concurrency)
	}
	if f.roleName == "" {
		return fmt.Errorf("--role-name: must not be empty")
	}
	if !slices.Contains(securityhub.Modes, f.collection) {
		return fmt.Errorf("--collection: %q is not one of %s", f.collection, strings.Join(securityhub.Modes, ", "))
	}
	return nil
}

// collect discovers the targets and collects the snapshot. Everything after
// the AWS config is the same for a real organization and for --demo.
func (f *targetFlags) collect(ctx context.Context, stderr io.Writer) (*checks.Snapshot, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	regions, allRegions, _ := parseRegionsFlag(f.regions)
	org := f.org

	var cfg aws.Config
	if f.demo || f.world != "" {
		demo, err := startDemo(ctx, f.world)
		if err != nil {
			return nil, err
		}
		defer demo.close()
		cfg = demo.cfg
		if regions == nil && !allRegions {
			regions = demo.regions
		}
		org = true
	} else {
		var opts []func(*config.LoadOptions) error
		if len(regions) > 0 {
			opts = append(opts, config.WithDefaultRegion(regions[0]))
		}
		var err error
		cfg, err = config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("load AWS configuration: %w", err)
		}
		if regions == nil && !allRegions {
			if cfg.Region == "" {
				return nil, fmt.Errorf("no region to scan: pass --regions (e.g. --regions us-east-1,eu-west-1) or set AWS_REGION or a profile region")
			}
			if regions, err = checks.ParseRegions("AWS_REGION", cfg.Region); err != nil {
				return nil, err
			}
		}
	}

	if allRegions && cfg.Region == "" {
		cfg.Region = "us-east-1" // the Account API's endpoint region
	}
	checks.ConfigureClients(&cfg, checks.ClientOptions{CallTimeout: f.scale.callTimeout, MaxConnsPerHost: f.concurrency})
	calls := checks.NewCallCounter()
	cfg.APIOptions = append(cfg.APIOptions, calls.Middleware)
	// Discovery and AssumeRole act as the caller; Collect paces each
	// target's calls by its own account.
	limiter := checks.NewRateLimiter(nil)
	discovery := cfg.Copy()
	discovery.APIOptions = append(discovery.APIOptions, limiter.Middleware("caller"))

	stsClient := sts.NewFromConfig(discovery)
	targetOpts := checks.TargetOptions{
		Org:             org,
		RoleName:        f.roleName,
		ExternalID:      f.externalID,
		Accounts:        f.accounts,
		ExcludeAccounts: f.excludeAccounts,
		Regions:         regions,
		TeamTag:         f.teamTag,
	}
	targets, err := checks.Discover(ctx, cfg, stsClient, organizations.NewFromConfig(discovery), targetOpts)
	if err != nil {
		return nil, err
	}
	selected := map[string]bool{} // every selected account, whatever the shard
	for _, t := range targets {
		selected[t.AccountID] = true
	}

	shardK, shardN, _ := f.scale.parseShard()
	targets = inShard(targets, shardK, shardN)

	progress := func(format string, args ...any) {
		if !f.quiet {
			fmt.Fprint(stderr, report.TerminalText(redact.Secrets(fmt.Sprintf("baseline: "+format, args...)))+"\n")
		}
	}
	regionsDesc := fmt.Sprintf("%d region(s)", len(regions))
	if allRegions {
		regionsDesc = "all enabled regions"
	}
	shardDesc := ""
	if shardN > 0 {
		shardDesc = fmt.Sprintf(" (shard %d/%d)", shardK, shardN)
	}
	shCollector, agg, err := f.securityHubCollector(ctx, cfg, limiter, targets, regions, allRegions, progress)
	if err != nil {
		return nil, err
	}
	gdCollector, gdAdmin, err := f.guardDutyCollector(ctx, cfg, limiter, targets, regions, progress)
	if err != nil {
		return nil, err
	}
	progress("collecting %d account(s)%s × %s: securityhub, guardduty, cloudtrail, ssm", len(targets), shardDesc, regionsDesc)
	start := time.Now()
	live := &checks.Progress{Calls: calls}
	stopProgress := func() {}
	if !f.quiet {
		stopProgress = startProgress(stderr, isTerminal(stderr), live, nil, nil)
	}
	snap := checks.Collect(ctx, targets, checks.CollectOptions{
		Collectors:  collectors(shCollector, gdCollector),
		Concurrency: f.concurrency,
		Tool:        checks.Tool{Name: "baseline", Version: version()},
		RateLimiter: limiter,
		Regions:     checks.RegionScope{All: allRegions, Exclude: f.scale.excludeRegions},
		Progress:    live,
		GCPercent:   checks.DefaultGCPercent,
	})
	stopProgress()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("collect: interrupted: %w", err)
	}
	if err := f.joinTrailOwners(ctx, cfg, stsClient, limiter, targetOpts, snap, selected, allRegions, progress); err != nil {
		return nil, err
	}
	snap.Scope.RegionsMode = checks.RegionsList
	if allRegions {
		snap.Scope.RegionsMode = checks.RegionsAll
	}
	if shardN > 0 {
		snap.Scope.Shard = &checks.ShardScope{Index: shardK, Count: shardN}
	}
	if agg != nil {
		snap.CoverageGaps = agg.Gaps()
		if n := len(snap.CoverageGaps); n > 0 {
			progress("securityhub: %d (account, region) cell(s) not covered by the aggregator were collected directly (coverage_gaps in the snapshot)", n)
		}
	}
	if gdAdmin != nil {
		gaps := gdAdmin.Gaps()
		snap.CoverageGaps = append(snap.CoverageGaps, gaps...)
		if n := len(gaps); n > 0 {
			progress("guardduty: %d (account, region) cell(s) not covered by the administrator were collected directly (coverage_gaps in the snapshot)", n)
		}
	}
	errCount := 0
	for _, a := range snap.Accounts {
		errCount += len(a.Errors)
	}
	if !f.quiet {
		fmt.Fprintln(stderr, callSummary(calls.ByService(), time.Since(start), errCount))
	}
	return snap, nil
}

// securityHubCollector chooses how Security Hub findings are read
// (--collection): in auto and admin modes it looks for the caller's
// finding aggregator; auto falls back to direct collection without one,
// admin fails.
func (f *targetFlags) securityHubCollector(ctx context.Context, cfg aws.Config, limiter *checks.RateLimiter, targets []checks.Target, regions []string, allRegions bool, progress func(string, ...any)) (securityhub.Collector, *securityhub.Aggregation, error) {
	if f.collection == securityhub.ModeDirect {
		return securityhub.New(), nil, nil
	}
	adminCfg := cfg.Copy()
	adminCfg.APIOptions = append(adminCfg.APIOptions, limiter.Middleware("caller"))
	accounts := make([]string, 0, len(targets))
	for _, t := range targets {
		accounts = append(accounts, t.AccountID)
	}
	scope := regions
	if allRegions {
		scope = nil
	}
	home := cfg.Region
	if home == "" && len(regions) > 0 {
		home = regions[0]
	}
	agg, err := securityhub.DiscoverAggregation(ctx, func(region string) securityhub.AdminAPI {
		return awssecurityhub.NewFromConfig(adminCfg, func(o *awssecurityhub.Options) { o.Region = region })
	}, home, accounts, scope)
	if err != nil {
		if f.collection == securityhub.ModeAdmin {
			return securityhub.Collector{}, nil, fmt.Errorf("--collection admin: %w; run as the Security Hub delegated administrator, or use --collection direct", err)
		}
		if !errors.Is(err, securityhub.ErrNoAggregator) {
			progress("securityhub: %v; collecting each account directly", err)
		}
		return securityhub.New(), nil, nil
	}
	progress("securityhub: findings of %d member account(s) from administrator %s's aggregator in %s", agg.Members(), agg.Admin, agg.Region)
	return securityhub.NewAggregated(agg), agg, nil
}

// guardDutyCollector chooses how GuardDuty findings are read
// (--collection): in auto and admin modes it asks whether the caller is the
// GuardDuty administrator with members; auto falls back to direct
// collection when it is not, admin fails.
func (f *targetFlags) guardDutyCollector(ctx context.Context, cfg aws.Config, limiter *checks.RateLimiter, targets []checks.Target, regions []string, progress func(string, ...any)) (guardduty.Collector, *guardduty.Administration, error) {
	if f.collection == securityhub.ModeDirect {
		return guardduty.New(), nil, nil
	}
	adminCfg := cfg.Copy()
	adminCfg.APIOptions = append(adminCfg.APIOptions, limiter.Middleware("caller"))
	accounts := make([]string, 0, len(targets))
	for _, t := range targets {
		accounts = append(accounts, t.AccountID)
	}
	home := cfg.Region
	if home == "" && len(regions) > 0 {
		home = regions[0]
	}
	admin, err := guardduty.DiscoverAdministration(ctx, func(region string) guardduty.AdminAPI {
		return awsguardduty.NewFromConfig(adminCfg, func(o *awsguardduty.Options) { o.Region = region })
	}, home, accounts)
	if err != nil {
		if f.collection == securityhub.ModeAdmin {
			return guardduty.Collector{}, nil, fmt.Errorf("--collection admin: %w; run as the GuardDuty delegated administrator, or use --collection direct", err)
		}
		if !errors.Is(err, guardduty.ErrNotAdministrator) {
			progress("guardduty: %v; collecting each account directly", err)
		}
		return guardduty.New(), nil, nil
	}
	progress("guardduty: findings of %d member account(s) in %s from administrator %s's detector", admin.Members(ctx, home), home, admin.Admin)
	return guardduty.NewAdministered(admin), admin, nil
}

// joinTrailOwners gives members the facts of organization trails they see
// but do not own, read once by the owner (the account in the trail ARN):
// from the snapshot when the owner was collected, else by collecting the
// owner's CloudTrail facts now (one AssumeRole, as for any account), so
// that the trail is judged even when its owner is outside --accounts.
func (f *targetFlags) joinTrailOwners(ctx context.Context, cfg aws.Config, stsClient checks.STSAPI, limiter *checks.RateLimiter, opts checks.TargetOptions, snap *checks.Snapshot, selected map[string]bool, allRegions bool, progress func(string, ...any)) error {
	var owners []checks.AccountFacts
	if missing := cloudtrail.MissingOwners(snap); len(missing) > 0 {
		opts.Regions = snap.Scope.Regions
		targets, err := checks.AccountTargets(ctx, cfg, stsClient, missing, opts)
		if err != nil {
			return fmt.Errorf("collect organization trail owners: %w", err)
		}
		progress("cloudtrail: reading the organization trails of owner account(s) %s, not in this scan", strings.Join(missing, ", "))
		owned := checks.Collect(ctx, targets, checks.CollectOptions{
			Collectors:  []checks.Collector{cloudtrail.New()},
			Concurrency: f.concurrency,
			Tool:        snap.Tool,
			RateLimiter: limiter,
			Regions:     checks.RegionScope{All: allRegions, Exclude: f.scale.excludeRegions},
		})
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("collect: interrupted: %w", err)
		}
		owners = owned.Accounts
	}
	cloudtrail.JoinOwnerFacts(snap, owners, func(id string) bool { return selected[id] })
	return nil
}
