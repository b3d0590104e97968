package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/policies"
)

func newPoliciesCmd(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policies",
		Short: "The control catalogue and policy tooling",
	}
	cmd.AddCommand(newPoliciesListCmd(stdout), newPoliciesTestCmd(stdout), newPoliciesDocCmd(stdout))
	return cmd
}

func newPoliciesListCmd(stdout io.Writer) *cobra.Command {
	var policy policyFlags
	var format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the controls: built-in and from --policy-dir",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("--format: unknown format %q: valid formats are table, json", format)
			}
			engine, _, err := policy.load(cmd.Context())
			if err != nil {
				return err
			}
			controls := engine.Controls()
			if format == "json" {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(controls)
			}
			table := tablewriter.NewWriter(stdout)
			table.Header("ID", "TITLE", "SEVERITY", "SCOPE", "SERVICE", "SOURCE", "REFERENCES")
			for _, c := range controls {
				if err := table.Append(c.ID, c.Title, string(c.Severity), string(c.Scope), c.Service, c.Source, strings.Join(c.References, "; ")); err != nil {
					return err
				}
			}
			return table.Render()
		},
	}
	policy.register(cmd)
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

func newPoliciesTestCmd(stdout io.Writer) *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the Rego tests of the built-in policies and of each DIR",
		Long: `test runs every test_ rule of the _test.rego files, built-in and in each
directory given, in the same sandbox and with the same default data the scan
uses. It prints failing and erroring tests (every test with -v) and a summary,
and exits 1 when any test fails.`,
		RunE: func(cmd *cobra.Command, dirs []string) error {
			engine, err := policies.NewEngine(dirs...)
			if err != nil {
				return fmt.Errorf("load policies: %w", err)
			}
			results, err := engine.Test(cmd.Context())
			if err != nil {
				return err
			}
			counts := map[string]int{}
			for _, r := range results {
				counts[r.Outcome]++
				if verbose || r.Outcome == "fail" || r.Outcome == "error" {
					line := fmt.Sprintf("%-5s %s.%s (%s)", strings.ToUpper(r.Outcome), r.Package, r.Name, r.Location)
					if r.Message != "" {
						line += ": " + r.Message
					}
					fmt.Fprintln(stdout, line)
				}
			}
			fmt.Fprintf(stdout, "%d passed, %d failed, %d errors, %d skipped\n", counts["pass"], counts["fail"], counts["error"], counts["skip"])
			if counts["fail"]+counts["error"] > 0 {
				return &ExitError{Code: ExitFailing}
			}
			if len(results) == 0 {
				return fmt.Errorf("policies test: no tests found")
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every test, not only the failing ones")
	return cmd
}

func newPoliciesDocCmd(stdout io.Writer) *cobra.Command {
	var policy policyFlags
	cmd := &cobra.Command{
		Use:   "doc",
		Short: "Print the control catalogue as Markdown",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			engine, _, err := policy.load(cmd.Context())
			if err != nil {
				return err
			}
			return policies.WriteCatalogue(stdout, engine.Controls())
		},
	}
	policy.register(cmd)
	return cmd
}
