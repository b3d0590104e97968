package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/checks/cloudtrail"
	"github.com/baseline-scanner/baseline/checks/guardduty"
	"github.com/baseline-scanner/baseline/checks/securityhub"
	"github.com/baseline-scanner/baseline/checks/ssm"
)

// collectors lists every collector a scan runs, explicitly.
func collectors() []checks.Collector {
	return []checks.Collector{securityhub.New(), guardduty.New(), cloudtrail.New(), ssm.New()}
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
}

func (f *targetFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.org, "org", false, "scan every ACTIVE account of the organization (organizations:ListAccounts from the caller's account)")
	fs.StringVar(&f.roleName, "role-name", checks.DefaultRoleName, "role assumed in every account other than the caller's")
	fs.StringVar(&f.externalID, "external-id", "", "external id passed to sts:AssumeRole, if the role requires one")
	fs.StringSliceVar(&f.accounts, "accounts", nil, "comma list of account ids to scan (with --org: only these of the organization)")
	fs.StringSliceVar(&f.excludeAccounts, "exclude-accounts", nil, "comma list of account ids to skip")
	fs.StringVar(&f.regions, "regions", "", "comma list of regions to scan in every account (default: the SDK's region, e.g. AWS_REGION; with --demo: the sample organization's regions)")
	fs.BoolVar(&f.demo, "demo", false, "scan the built-in simulated organization (no AWS account needed)")
	fs.StringVar(&f.world, "world", "", "scan a simulated organization described by this world file (YAML; implies --demo)")
	fs.IntVar(&f.concurrency, "concurrency", checks.DefaultConcurrency, "(account, region, service) collections in flight at once")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print no progress to stderr")
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
	if f.regions != "" {
		if _, err := checks.ParseRegions("--regions", f.regions); err != nil {
			return err
		}
	}
	if f.concurrency < 1 {
		return fmt.Errorf("--concurrency: must be at least 1, got %d", f.concurrency)
	}
	if f.roleName == "" {
		return fmt.Errorf("--role-name: must not be empty")
	}
	return nil
}

// collect discovers the targets and collects the snapshot. Everything after
// the AWS config is the same for a real organization and for --demo.
func (f *targetFlags) collect(ctx context.Context, stderr io.Writer) (*checks.Snapshot, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	var regions []string
	if f.regions != "" {
		regions, _ = checks.ParseRegions("--regions", f.regions)
	}
	org := f.org

	var cfg aws.Config
	if f.demo || f.world != "" {
		demo, err := startDemo(f.world)
		if err != nil {
			return nil, err
		}
		defer demo.close()
		cfg = demo.cfg
		if regions == nil {
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
		if regions == nil {
			if cfg.Region == "" {
				return nil, fmt.Errorf("no region to scan: pass --regions (e.g. --regions us-east-1,eu-west-1) or set AWS_REGION or a profile region")
			}
			if regions, err = checks.ParseRegions("AWS_REGION", cfg.Region); err != nil {
				return nil, err
			}
		}
	}

	calls := checks.NewCallCounter()
	cfg.APIOptions = append(cfg.APIOptions, calls.Middleware)

	targets, err := checks.Discover(ctx, cfg, sts.NewFromConfig(cfg), organizations.NewFromConfig(cfg), checks.TargetOptions{
		Org:             org,
		RoleName:        f.roleName,
		ExternalID:      f.externalID,
		Accounts:        f.accounts,
		ExcludeAccounts: f.excludeAccounts,
		Regions:         regions,
	})
	if err != nil {
		return nil, err
	}

	progress := func(format string, args ...any) {
		if !f.quiet {
			fmt.Fprintf(stderr, "baseline: "+format+"\n", args...)
		}
	}
	progress("collecting %d account(s) × %d region(s): securityhub, guardduty, cloudtrail, ssm", len(targets), len(regions))
	start := time.Now()
	snap := checks.Collect(ctx, targets, checks.CollectOptions{
		Collectors:  collectors(),
		Concurrency: f.concurrency,
		Tool:        checks.Tool{Name: "baseline", Version: version()},
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("collect: interrupted: %w", err)
	}
	errCount := 0
	for _, a := range snap.Accounts {
		errCount += len(a.Errors)
	}
	progress("collected in %s: %d API calls, %d collection error(s)", time.Since(start).Round(time.Millisecond), calls.Total(), errCount)
	return snap, nil
}
