package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/memlimit"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/internal/teams"
)

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
	accountsFrom    string
	trailMaxAge     time.Duration
	ssmSyncMaxAge   time.Duration
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
	fs.StringVar(&f.collection, "collection", scan.ModeAuto, "how Security Hub and GuardDuty findings are read: auto (through the caller's Security Hub finding aggregator and GuardDuty detector when it is their delegated administrator, else direct), direct (each account and region), or admin (require both)")
	fs.StringVar(&f.accountsFrom, "accounts-from", "", "scan the accounts of this file written by 'baseline accounts' (ids, names, tags) instead of listing the organization: no Organizations call; --accounts, --exclude-accounts and --shard apply to it")
	fs.DurationVar(&f.trailMaxAge, "trail-facts-max-age", scan.DefaultTrailFactsMaxAge, "with --accounts-from, how old the list's facts of the organization trail owner (read by 'baseline accounts') may be for members to be judged with them instead of each shard reading the owner's trails again; 0 always reads them again")
	fs.DurationVar(&f.ssmSyncMaxAge, "ssm-sync-max-age", scan.DefaultSSMSyncMaxAge, "with --collection auto|admin, how old the Systems Manager delegated administrator's AWS-QuickSetup-ManagedNode sync may be for its node inventory to be read; an older one is not used (every account and region is read directly and shown as a coverage gap)")
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
	if err := checkRegionsFlag(f.regions, f.regionsGiven != nil && f.regionsGiven()); err != nil {
		return err
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
	if f.accountsFrom != "" && f.org {
		return errors.New("--accounts-from and --org: give one of them (the file is the organization's account list)")
	}
	if f.trailMaxAge < 0 {
		return fmt.Errorf("--trail-facts-max-age: must not be negative, got %s", f.trailMaxAge)
	}
	if f.ssmSyncMaxAge <= 0 {
		return fmt.Errorf("--ssm-sync-max-age: must be positive, got %s", f.ssmSyncMaxAge)
	}
	if !slices.Contains(scan.Modes, f.collection) {
		return fmt.Errorf("--collection: %q is not one of %s", f.collection, strings.Join(scan.Modes, ", "))
	}
	return nil
}

// options turns the flags into the pipeline's options.
func (f *targetFlags) options(stderr io.Writer) scan.Options {
	regions, allRegions, _ := parseRegionsFlag(f.regions)
	shardK, shardN, _ := f.scale.parseShard()
	o := scan.Options{
		Org:              f.org,
		RoleName:         f.roleName,
		ExternalID:       f.externalID,
		Accounts:         f.accounts,
		ExcludeAccounts:  f.excludeAccounts,
		Regions:          regions,
		AllRegions:       allRegions,
		ExcludeRegions:   f.scale.excludeRegions,
		Demo:             f.demo,
		World:            f.world,
		Concurrency:      f.concurrency,
		CallTimeout:      f.scale.callTimeout,
		TeamTag:          f.teamTag,
		Collection:       f.collection,
		SSMSyncMaxAge:    f.ssmSyncMaxAge,
		TrailFactsMaxAge: f.trailMaxAge,
		Tool:             checks.Tool{Name: "baseline", Version: version()},
	}
	if f.trailMaxAge == 0 {
		o.TrailFactsMaxAge = -1 // never: 0 is the library's default
	}
	if shardN > 0 {
		o.Shard = checks.ShardScope{Index: shardK, Count: shardN}
	}
	if !f.quiet {
		o.Observer = &stderrObserver{w: stderr, terminal: isTerminal(stderr)}
	}
	return o
}

// collectStreamed discovers the targets and collects them, keeping the
// finished accounts in a spool file, not in memory (scan.CollectStreamed).
// The process's memory limit and GC target hold until done is called: for
// scan, after the evaluation and the report, where the results of a large
// organization make the peak.
func (f *targetFlags) collectStreamed(ctx context.Context, stderr io.Writer) (st *scan.Streamed, done func(), err error) {
	o, done, err := f.prepare(ctx, stderr)
	if err != nil {
		return nil, nil, err
	}
	st, err = scan.CollectStreamed(ctx, o)
	if err != nil {
		done()
		return nil, nil, err
	}
	return st, done, nil
}

// prepare checks the flags, sets the process's memory limit until done is
// called, and returns the scan's options.
func (f *targetFlags) prepare(ctx context.Context, stderr io.Writer) (o scan.Options, done func(), err error) {
	if err := f.validate(); err != nil {
		return scan.Options{}, nil, err
	}
	// The process, not the library, sets the memory limit and GC target.
	mem, err := memlimit.Decide(f.scale.memoryLimit, os.LookupEnv, os.ReadFile)
	if err != nil {
		return scan.Options{}, nil, err
	}
	o = f.options(stderr)
	if f.accountsFrom != "" {
		if o.AccountList, err = scan.ReadAccountList(ctx, f.accountsFrom); err != nil {
			return scan.Options{}, nil, err
		}
	}
	o.Notes = append(o.Notes, "memory: "+mem.String())
	return o, memlimit.Apply(mem, os.LookupEnv), nil
}
