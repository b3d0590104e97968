package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/scan"
)

// newAccountsCmd lists the organization once for --accounts-from.
func newAccountsCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		org, demo, quiet, noTrails bool
		world, out, regions        string
		excludeRegions             []string
	)
	cmd := &cobra.Command{
		Use:   "accounts",
		Short: "List the organization's accounts and tags once, for sharded scans (--accounts-from)",
		Long: `accounts lists the ACTIVE accounts of the organization (organizations:ListAccounts)
with all their tags (organizations:ListTagsForResource) and writes them as JSON.
Shards given the file with --accounts-from make no Organizations call at all:
N shards no longer list the organization and read every account's tags N
times against the same management account. A tag read that fails is kept in
the file, and a scan from it reports that account's collection error, as a
scan that read the tags itself would.

It also reads the calling account's own trails (cloudtrail:DescribeTrails,
GetTrailStatus, GetEventSelectors) for --regions and --exclude-regions, as a
scan reads an organization trail's owner that is not among its accounts, and
keeps them in the file: a shard scanning from the list with the same regions,
within --trail-facts-max-age, judges its members' view of the caller's
organization trail with them instead of reading the caller's trails again.
Run it from the account that owns the organization trail (the management
account) with the regions the shards scan; otherwise, or with
--no-trail-facts, each shard reads the owner's trails itself. The list also
keeps the organization's id (organizations:DescribeOrganization), which
shards reading Security Hub through its delegated administrator would
otherwise each ask for.`,
		Example: `  baseline accounts --org --regions all -o accounts.json
  baseline scan --accounts-from accounts.json --shard 2/8 --regions all --format json -o report-2.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !org && !demo && world == "" {
				return errors.New("accounts: --org is required: the command lists the caller's organization")
			}
			if err := checkOutputPath("-o", out); err != nil {
				return err
			}
			if err := checkRegionsFlag(regions, cmd.Flags().Changed("regions")); err != nil {
				return err
			}
			if err := checkExcludeRegions(excludeRegions); err != nil {
				return err
			}
			regionList, all, _ := parseRegionsFlag(regions)
			o := scan.Options{Org: true, Demo: demo, World: world, Regions: regionList, AllRegions: all, ExcludeRegions: excludeRegions, NoTrailOwner: noTrails, Tool: checks.Tool{Name: "baseline", Version: version()}}
			if !quiet {
				o.Observer = &stderrObserver{w: stderr, terminal: isTerminal(stderr)}
			}
			list, err := scan.ListAccounts(cmd.Context(), o)
			if err != nil {
				return err
			}
			write := func(w io.Writer) error {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			}
			if out == "" || out == "-" {
				err = write(stdout)
			} else {
				err = writeFileAtomic(out, write)
			}
			if err != nil {
				return fmt.Errorf("accounts: %w", err)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&org, "org", false, "list every ACTIVE account of the caller's organization (required)")
	fs.BoolVar(&demo, "demo", false, "list the built-in simulated organization (no AWS account needed)")
	fs.StringVar(&world, "world", "", "list a simulated organization described by this world file (YAML; implies --demo)")
	fs.BoolVarP(&quiet, "quiet", "q", false, "print no progress to stderr")
	fs.StringVarP(&out, "output", "o", "", "write the list to this file (default: stdout)")
	fs.StringVar(&regions, "regions", "", "the regions of the caller's trails kept in the list, as the shards' --regions: a comma list or \"all\" (default: the SDK's region, e.g. AWS_REGION; with --demo: the sample organization's regions)")
	fs.StringSliceVar(&excludeRegions, "exclude-regions", nil, "regions left out of the caller's trails kept in the list, as the shards' --exclude-regions")
	fs.BoolVar(&noTrails, "no-trail-facts", false, "do not read the caller's trails into the list: each shard reads the organization trail's owner itself")
	return cmd
}
