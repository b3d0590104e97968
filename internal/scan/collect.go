package scan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/checks/services"
)

// Options say what a scan collects and how it reaches AWS.
type Options struct {
	// Org scans every ACTIVE account of the organization (ListAccounts).
	Org bool
	// RoleName is assumed in every account other than the caller's;
	// ExternalID is passed to AssumeRole when set.
	RoleName, ExternalID string
	// Accounts limits the scan to these accounts; ExcludeAccounts skips some.
	Accounts, ExcludeAccounts []string
	// Regions are scanned in every account; nil means the SDK's region (the
	// simulated organization's regions with Demo). AllRegions resolves each
	// account's enabled regions instead; ExcludeRegions are skipped either way.
	Regions        []string
	AllRegions     bool
	ExcludeRegions []string
	// Demo scans a simulated organization: World names its YAML file, or
	// the built-in sample organization when empty.
	Demo  bool
	World string
	// AWS, when set, is the SDK configuration to scan with instead of the
	// SDK's default chain (the bench and tests point it at a simulator).
	AWS *aws.Config
	// Concurrency bounds the (account, region, service) collections in
	// flight; CallTimeout bounds one API call attempt.
	Concurrency int
	CallTimeout time.Duration
	// Shard, when Count > 0, keeps the accounts of shard Index of Count.
	Shard checks.ShardScope
	// TeamTag is the Organizations account tag naming the account's team.
	TeamTag string
	// AccountList, when set (--accounts-from), is the organization's
	// accounts and tags listed earlier by ListAccounts: the scan makes no
	// Organizations call. Org is implied.
	AccountList *checks.AccountList
	// TrailFactsMaxAge is how old the AccountList's trail owner facts may
	// be for the scan to join them into its members instead of reading the
	// owner itself (DefaultTrailFactsMaxAge when 0; never when negative).
	TrailFactsMaxAge time.Duration
	// NoTrailOwner, for ListAccounts, does not read the caller's trails
	// into the list (TrailOwners).
	NoTrailOwner bool
	// Collection is how findings are read: auto, direct or admin
	// (ModeAuto, ModeDirect, ModeAdmin).
	Collection string
	// SSMSyncMaxAge is how old the Systems Manager delegated
	// administrator's AWS-QuickSetup-ManagedNode sync may be for its node
	// inventory to be read (ssm.DefaultSyncMaxAge when 0).
	SSMSyncMaxAge time.Duration
	// Services are the services collected, in order (services.All when nil).
	Services []checks.Service
	// Tool names the program in the snapshot.
	Tool checks.Tool
	// Calls counts the API calls of the scan; Collect makes one when nil.
	Calls *checks.CallCounter
	// Observer hears the scan's progress; nil is silent.
	Observer Observer
	// Now is the clock of the progress display, the elapsed time and the
	// snapshot's collected_at (time.Now when nil).
	Now func() time.Time
	// Notes are status lines the observer hears once the scan has its AWS
	// configuration (the caller's settings, e.g. the memory limit chosen).
	Notes []string

	// listFirst (tests) lists every account before collection whatever
	// the mode: the reference a streamed discovery is compared with.
	listFirst bool
}

// Observer hears what a scan is doing. Status lines carry AWS-supplied
// names: the observer sanitizes and redacts them for its medium.
type Observer interface {
	// Status is one line about the scan, e.g. which collection mode was chosen.
	Status(line string)
	// Collecting shows the live progress p, from discovery to the end of
	// collection, until stop is called. Status lines may come meanwhile.
	Collecting(p *checks.Progress) (stop func())
	// Collected reports the calls made by service, the time taken and the
	// number of collection errors.
	Collected(stats []checks.ServiceStats, elapsed time.Duration, errors int)
}

type silent struct{}

func (silent) Status(string)                                       {}
func (silent) Collecting(*checks.Progress) func()                  { return func() {} }
func (silent) Collected([]checks.ServiceStats, time.Duration, int) {}

// Collect discovers the targets and collects the snapshot. Everything after
// the AWS configuration is the same for a real organization and a simulated
// one.
func Collect(ctx context.Context, o Options) (*checks.Snapshot, error) {
	snap, _, err := collect(ctx, o, nil)
	return snap, err
}

// collect is Collect, or with sp, CollectStreamed: each finished account
// goes to sp instead of the snapshot, and the joins of team tags and
// organization trail owners are left to sp's readers (the snapshot
// returned has no accounts).
func collect(ctx context.Context, o Options, sp *spooler) (*checks.Snapshot, []checks.Target, error) {
	if o.Observer == nil {
		o.Observer = silent{}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Concurrency < 1 {
		o.Concurrency = checks.DefaultConcurrency
	}
	if o.RoleName == "" {
		o.RoleName = checks.DefaultRoleName
	}
	if o.Collection == "" {
		o.Collection = ModeAuto
	}
	if o.Services == nil {
		o.Services = services.All
	}
	checks.RegisterFacts(o.Services...)
	names := checks.SigningNamesOf(o.Services)
	regions, org := o.Regions, o.Org

	cfg, demoRegions, closeDemo, err := connect(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	defer closeDemo()
	for _, n := range o.Notes {
		o.Observer.Status(n)
	}
	if demoRegions != nil {
		org = true
	}
	if regions, err = requestedRegions(o, &cfg, demoRegions); err != nil {
		return nil, nil, err
	}

	checks.ConfigureClients(&cfg, checks.ClientOptions{CallTimeout: o.CallTimeout, MaxConnsPerHost: o.Concurrency})
	calls := o.Calls
	if calls == nil {
		calls = checks.NewCallCounter()
	}
	cfg.APIOptions = append(cfg.APIOptions, calls.Middleware(names))
	// Discovery and AssumeRole act as the caller; Collect paces each
	// target's calls by its own account.
	limiter := checks.NewRateLimiter(checks.RateLimitsOf(o.Services), names)
	discovery := cfg.Copy()
	discovery.APIOptions = append(discovery.APIOptions, limiter.Middleware("caller"))

	// The live progress runs from the first call: discovery and team tags
	// take minutes in a large organization.
	live := &checks.Progress{Calls: calls, Now: o.Now}
	stop := o.Observer.Collecting(live)
	defer func() { stop() }()

	stsClient := sts.NewFromConfig(discovery)
	targetOpts := checks.TargetOptions{
		Org:             org,
		RoleName:        o.RoleName,
		ExternalID:      o.ExternalID,
		Accounts:        o.Accounts,
		ExcludeAccounts: o.ExcludeAccounts,
		Regions:         regions,
		TeamTag:         o.TeamTag,
		Progress:        live,
	}
	if o.AccountList != nil {
		targetOpts.Listed = o.AccountList.Accounts
		if targetOpts.Listed == nil {
			targetOpts.Listed = []checks.ListedAccount{}
		}
		org, targetOpts.Org = true, true
	}
	orgs := organizations.NewFromConfig(discovery)
	// Collection and the team-tag reads stop early when a service's
	// choice of collector, made once the accounts are listed, fails.
	cctx, stopCollection := context.WithCancel(ctx)
	defer stopCollection()
	// Team tags are read beside collection, not before it: at
	// Organizations' pace they took a minute at 100 accounts, and only the
	// report needs them.
	targetOpts.DeferTeams = true
	var teams *checks.TeamReader
	startTeamReader := func() {
		if org && o.TeamTag != "" && o.AccountList == nil {
			teams = checks.NewTeamReader(cctx, orgs, o.TeamTag, live)
		}
	}
	// Discovery is streamed when nothing needs the whole account list
	// before collection: each ListAccounts page's selected accounts (of
	// the shard; named with --accounts, not --exclude-accounts) are
	// collected, and their tags read, as the page arrives. With --accounts
	// the listing stops once every named account is found; one the
	// organization does not have is an error once the listing ends (the
	// scan stops, no report). With --collection auto or admin each service
	// is asked first, before listing, whether the caller administers it.
	// An administrator's streams and coverage gaps are planned over every
	// account: such a service chooses its collector once the listing has
	// ended, with every account as when listing first, and its cells wait
	// until then without holding a worker (pendingChoice); the other
	// services collect the accounts as they arrive.
	streamed := org && o.AccountList == nil && !o.listFirst
	env := adminEnv{cfg: cfg, limiter: limiter, regions: regions, allRegions: o.AllRegions, fromOrg: org, mode: o.Collection, status: o.Observer.Status, now: o.Now, syncMaxAge: o.SSMSyncMaxAge}
	var (
		decided     map[string]checks.AdminCollection
		pending     *pendingChoice
		pendingSvcs []checks.Service
	)
	if streamed && o.Collection != ModeDirect {
		if decided, err = probeCollectors(ctx, o.Services, env); err != nil {
			return nil, nil, err
		}
		for _, s := range o.Services {
			if _, ok := decided[s.Name]; s.Admin != nil && !ok {
				pendingSvcs = append(pendingSvcs, s)
			}
		}
		if len(pendingSvcs) > 0 {
			pending = newPendingChoice()
		}
	}
	selected := map[string]bool{} // every selected account, whatever the shard
	var (
		targets    []checks.Target
		more       chan []checks.Target
		discovered = make(chan error, 1)
	)
	dctx, stopDiscovery := context.WithCancel(ctx)
	defer stopDiscovery()
	if streamed {
		startTeamReader()
		more = make(chan []checks.Target)
		penv := env // the pending services' environment, once every account is listed
		go func() {
			defer close(more)
			var shardTargets []checks.Target
			err := checks.DiscoverStream(dctx, cfg, stsClient, orgs, targetOpts, func(page []checks.Target) {
				for _, t := range page {
					selected[t.AccountID] = true
				}
				if page = inShard(page, o.Shard); len(page) > 0 {
					if pending != nil {
						shardTargets = append(shardTargets, page...)
					}
					if teams != nil {
						teams.Add(page)
					}
					more <- page
				}
			})
			if err != nil {
				// The scan stops with the listing's error: what is
				// collected meanwhile would not be reported.
				stopCollection()
			}
			if pending != nil {
				var got map[string]checks.AdminCollection
				if err == nil {
					penv.targets, penv.scanAccounts = sortedTargets(shardTargets), len(selected)
					var cerr error
					if got, cerr = pending.choose(cctx, pendingSvcs, penv); cerr != nil {
						stopCollection()
					}
					pending.resolve(got, cerr)
				}
				pending.resolve(nil, err)
			}
			discovered <- err
		}()
	} else {
		if targets, err = checks.Discover(ctx, cfg, stsClient, orgs, targetOpts); err != nil {
			return nil, nil, err
		}
		for _, t := range targets {
			selected[t.AccountID] = true
		}
		targets = inShard(targets, o.Shard)
		if startTeamReader(); teams != nil {
			teams.Add(targets)
		}
		discovered <- nil
	}

	env.targets = targets
	if o.AccountList != nil {
		env.orgID = o.AccountList.OrganizationID
	}
	if !streamed {
		env.scanAccounts = len(selected)
	}
	collectors, gaps, err := chooseCollectors(ctx, o.Services, env, decided, pending)
	if err != nil {
		// Nothing is collected: stop the listing and the tag reads.
		stopDiscovery()
		stopCollection()
		if more != nil {
			for range more {
			}
		}
		if teams != nil {
			teams.Wait()
		}
		return nil, nil, err
	}
	regionsDesc := fmt.Sprintf("%d region(s)", len(regions))
	if o.AllRegions {
		regionsDesc = "all enabled regions"
	}
	shardDesc := ""
	if o.Shard.Count > 0 {
		shardDesc = fmt.Sprintf(" (shard %d/%d)", o.Shard.Index, o.Shard.Count)
	}
	labels := make([]string, len(o.Services))
	for i, s := range o.Services {
		labels[i] = s.Name
	}
	accountsDesc := fmt.Sprintf("%d account(s)", len(targets))
	if streamed {
		accountsDesc = "the organization's accounts as they are listed"
	}
	o.Observer.Status(fmt.Sprintf("collecting %s%s × %s: %s", accountsDesc, shardDesc, regionsDesc, strings.Join(labels, ", ")))
	start := o.Now()
	regionScope := checks.RegionScope{All: o.AllRegions, Exclude: o.ExcludeRegions}
	copts := checks.CollectOptions{
		Collectors:  collectors,
		Concurrency: o.Concurrency,
		Tool:        o.Tool,
		Now:         o.Now,
		RateLimiter: limiter,
		Regions:     regionScope,
		Progress:    live,
		More:        more,
	}
	if sp != nil {
		sp.start(targets, selected)
		copts.Sink = sp.add
	}
	snap := checks.Collect(cctx, targets, copts)
	derr := <-discovered
	var tags []checks.Target
	if teams != nil {
		tags = teams.Wait()
	}
	stop()
	stop = func() {}
	if derr != nil {
		return nil, nil, derr
	}
	if pending != nil {
		if err := pending.err; err != nil {
			if ctx.Err() != nil {
				return nil, nil, fmt.Errorf("collect: interrupted: %w", ctx.Err())
			}
			return nil, nil, err
		}
		gaps = append(gaps, pending.gaps(pendingSvcs)...)
		slices.SortStableFunc(gaps, func(a, b gapSource) int {
			return slices.IndexFunc(o.Services, func(s checks.Service) bool { return s.Name == a.service }) -
				slices.IndexFunc(o.Services, func(s checks.Service) bool { return s.Name == b.service })
		})
	}
	if sp == nil {
		checks.JoinTeams(snap, tags)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("collect: interrupted: %w", err)
	}
	if sp != nil {
		if err := sp.failed(); err != nil {
			return nil, nil, err
		}
		owners, err := collectOwners(ctx, cfg, stsClient, limiter, targetOpts, snap, sp.missingOwners(), regionScope, o)
		if err != nil {
			return nil, nil, err
		}
		sp.addOwners(owners)
	} else if err := joinTrailOwners(ctx, cfg, stsClient, limiter, targetOpts, snap, selected, regionScope, o); err != nil {
		return nil, nil, err
	}
	snap.Scope.RegionsMode = checks.RegionsList
	if o.AllRegions {
		snap.Scope.RegionsMode = checks.RegionsAll
	}
	if o.Shard.Count > 0 {
		sh := o.Shard
		snap.Scope.Shard = &sh
	}
	for _, g := range gaps {
		cells := g.Gaps()
		snap.CoverageGaps = append(snap.CoverageGaps, cells...)
		if n := len(cells); n > 0 {
			o.Observer.Status(fmt.Sprintf("%s: %d (account, region) cell(s) not covered by the %s were collected directly (coverage_gaps in the snapshot)", g.service, n, g.coveredBy))
		}
	}
	errCount := 0
	for _, a := range snap.Accounts {
		errCount += len(a.Errors)
	}
	if sp != nil {
		errCount = sp.errors
		for _, t := range tags {
			errCount += len(t.Errors)
		}
	}
	o.Observer.Collected(calls.ByService(), o.Now().Sub(start), errCount)
	return snap, tags, nil
}

// requestedRegions are the regions o asks for in every account: o.Regions,
// else the simulated organization's (demoRegions), else the SDK's region;
// with o.AllRegions, o.Regions as given (nil), and cfg gets a region for
// the Account API's endpoint (us-east-1) when it has none.
func requestedRegions(o Options, cfg *aws.Config, demoRegions []string) ([]string, error) {
	switch {
	case o.AllRegions:
		if cfg.Region == "" {
			cfg.Region = "us-east-1" // the Account API's endpoint region
		}
		return o.Regions, nil
	case o.Regions != nil:
		return o.Regions, nil
	case demoRegions != nil:
		return demoRegions, nil
	case cfg.Region == "":
		return nil, fmt.Errorf("no region to scan: pass --regions (e.g. --regions us-east-1,eu-west-1) or set AWS_REGION or a profile region")
	}
	return checks.ParseRegions("AWS_REGION", cfg.Region)
}

// inShard keeps the targets of shard s (all of them when s.Count is 0).
func inShard(targets []checks.Target, s checks.ShardScope) []checks.Target {
	if s.Count == 0 {
		return targets
	}
	var out []checks.Target
	for _, t := range targets {
		if checks.Shard(t.AccountID, s.Count) == s.Index-1 {
			out = append(out, t)
		}
	}
	return out
}

// joinTrailOwners gives members the facts of organization trails they see
// but do not own, read once by the owner (the account in the trail ARN):
// from the snapshot when the owner was collected, else by collecting the
// owner's CloudTrail facts now (one AssumeRole, as for any account), so
// that the trail is judged even when its owner is outside --accounts.
func joinTrailOwners(ctx context.Context, cfg aws.Config, stsClient checks.STSAPI, limiter *checks.RateLimiter, opts checks.TargetOptions, snap *checks.Snapshot, selected map[string]bool, regions checks.RegionScope, o Options) error {
	owners, err := collectOwners(ctx, cfg, stsClient, limiter, opts, snap, cloudtrail.MissingOwners(snap), regions, o)
	if err != nil {
		return err
	}
	cloudtrail.JoinOwnerFacts(snap, owners, func(id string) bool { return selected[id] })
	return nil
}

// collectOwners collects the CloudTrail facts of the trail owners missing
// from the scan of snap (none when missing is empty).
func collectOwners(ctx context.Context, cfg aws.Config, stsClient checks.STSAPI, limiter *checks.RateLimiter, opts checks.TargetOptions, snap *checks.Snapshot, missing []string, regions checks.RegionScope, o Options) ([]checks.AccountFacts, error) {
	var listed []checks.AccountFacts
	listed, missing = listedOwners(o, missing, opts.Regions)
	if len(missing) == 0 {
		return listed, nil
	}
	opts.Regions = snap.Scope.Regions
	targets, err := checks.AccountTargets(ctx, cfg, stsClient, missing, opts)
	if err != nil {
		return nil, fmt.Errorf("collect organization trail owners: %w", err)
	}
	o.Observer.Status(fmt.Sprintf("cloudtrail: reading the organization trails of owner account(s) %s, not in this scan", strings.Join(missing, ", ")))
	owned := checks.Collect(ctx, targets, checks.CollectOptions{
		Collectors:  []checks.Collector{cloudtrail.New()},
		Concurrency: o.Concurrency,
		Tool:        snap.Tool,
		RateLimiter: limiter,
		Regions:     regions,
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("collect: interrupted: %w", err)
	}
	return append(listed, owned.Accounts...), nil
}

// DefaultTrailFactsMaxAge is Options.TrailFactsMaxAge's default: an account
// list's trail owner facts an hour old or less are joined as they are.
const DefaultTrailFactsMaxAge = time.Hour

// listedOwners takes the owners of missing whose facts o.AccountList holds,
// read for the regions the scan is asked for (requested, o.AllRegions,
// o.ExcludeRegions) no longer than o.TrailFactsMaxAge ago, and returns
// their facts and the owners left to read. Each owner's source is told.
func listedOwners(o Options, missing, requested []string) (facts []checks.AccountFacts, left []string) {
	if o.AccountList == nil || len(o.AccountList.TrailOwners) == 0 || o.TrailFactsMaxAge < 0 {
		return nil, missing
	}
	maxAge := o.TrailFactsMaxAge
	if maxAge == 0 {
		maxAge = DefaultTrailFactsMaxAge
	}
	now := o.Now()
	for _, id := range missing {
		i := slices.IndexFunc(o.AccountList.TrailOwners, func(t checks.TrailOwner) bool { return t.AccountID == id })
		if i < 0 {
			left = append(left, id)
			continue
		}
		t := &o.AccountList.TrailOwners[i]
		read := t.CollectedAt.UTC().Format(time.RFC3339)
		switch age := now.Sub(t.CollectedAt); {
		case !t.Matches(requested, o.AllRegions, o.ExcludeRegions):
			o.Observer.Status(fmt.Sprintf("cloudtrail: the account list has the trail facts of owner account %s for other regions; reading them again", id))
			left = append(left, id)
		case age > maxAge || age < -time.Minute:
			o.Observer.Status(fmt.Sprintf("cloudtrail: the account list's trail facts of owner account %s were read at %s, not within --trail-facts-max-age %s of now; reading them again", id, read, maxAge))
			left = append(left, id)
		default:
			o.Observer.Status(fmt.Sprintf("cloudtrail: trail facts of owner account %s from the account list (read at %s)", id, read))
			facts = append(facts, t.Facts.AccountFacts)
		}
	}
	return facts, left
}

// connect is the SDK configuration of a scan: o.AWS, the simulated
// organization of o.Demo/o.World (its regions returned, and a func that
// stops it), or the SDK's default chain.
func connect(ctx context.Context, o Options) (cfg aws.Config, demoRegions []string, stop func(), err error) {
	stop = func() {}
	switch {
	case o.AWS != nil:
		return o.AWS.Copy(), nil, stop, nil
	case o.Demo || o.World != "":
		demo, err := startDemo(ctx, o.World)
		if err != nil {
			return aws.Config{}, nil, stop, err
		}
		return demo.cfg, demo.regions, demo.close, nil
	}
	var opts []func(*config.LoadOptions) error
	if len(o.Regions) > 0 {
		opts = append(opts, config.WithDefaultRegion(o.Regions[0]))
	}
	cfg, err = config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, nil, stop, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil, stop, nil
}
