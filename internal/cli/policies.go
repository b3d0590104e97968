package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
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
			writer, err := report.NewWriterFor(format, report.Catalogue{})
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			engine, _, err := policy.load(cmd.Context())
			if err != nil {
				return err
			}
			return writer.Write(stdout, catalogue(engine.Controls()))
		},
	}
	policy.register(cmd)
	cmd.Flags().StringVar(&format, "format", "table", strings.Join(report.FormatsFor(report.Catalogue{}), ", "))
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
			run := testRun(results, verbose)
			if err := (report.TableWriter{}).Write(stdout, run); err != nil {
				return err
			}
			counts := run.Counts()
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
			return (report.MarkdownWriter{}).Write(stdout, catalogue(engine.Controls()))
		},
	}
	policy.register(cmd)
	return cmd
}
