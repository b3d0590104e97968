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
		org, demo, quiet bool
		world, out       string
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
scan that read the tags itself would.`,
		Example: `  baseline accounts --org -o accounts.json
  baseline scan --accounts-from accounts.json --shard 2/8 --regions all --format json -o report-2.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !org && !demo && world == "" {
				return errors.New("accounts: --org is required: the command lists the caller's organization")
			}
			if err := checkOutputPath("-o", out); err != nil {
				return err
			}
			o := scan.Options{Org: true, Demo: demo, World: world, Tool: checks.Tool{Name: "baseline", Version: version()}}
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
	return cmd
}
