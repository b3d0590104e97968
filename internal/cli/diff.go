package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/report"
)

func newDiffCmd(stdout io.Writer) *cobra.Command {
	var format, failOn, output string
	var failOnNew bool
	cmd := &cobra.Command{
		Use:   "diff previous.json current.json",
		Short: "Show what is new, regressed and fixed between two JSON reports",
		Long: `diff compares two JSON reports of the same schema version. Results are matched
on control, account, region and resource:

  new            FAIL now; absent or ERROR before
  regressed      FAIL now; PASS or WAIVED before
  fixed          FAIL before; PASS now or no longer reported
  still failing  FAIL in both
  waived         FAIL before; WAIVED now
  unobserved     FAIL before; ERROR now (not fixed: not seen)

plus the services whose coverage was lost or gained, grouped by team.
'scan --previous' and 'evaluate --previous' attach the same diff to a report.`,
		Example: `  baseline diff last-week.json report.json
  baseline diff last-week.json report.json --format markdown >> "$GITHUB_STEP_SUMMARY"
  baseline diff last-week.json report.json --fail-on-new --fail-on high`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return fmt.Errorf("diff: expected two report files (previous.json current.json), got %d argument(s)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			writer, err := report.NewWriterFor(format, &report.Diff{})
			if err != nil {
				return fmt.Errorf("--format: %w", err)
			}
			sev, err := report.ParseSeverity(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			prev, err := report.ReadReport(args[0])
			if err != nil {
				return err
			}
			cur, err := report.ReadReport(args[1])
			if err != nil {
				return err
			}
			d, err := report.Compare(prev, cur)
			if err != nil {
				var mismatch *report.SchemaMismatchError
				if errors.As(err, &mismatch) {
					return fmt.Errorf("diff: %s has schema_version %q and %s %q: compare reports of one schema version", args[0], mismatch.Previous, args[1], mismatch.Current)
				}
				return fmt.Errorf("diff %s %s: %w", args[0], args[1], err)
			}
			render := func(w io.Writer) error { return writer.Write(w, d) }
			if output == "" || output == "-" {
				if err := render(stdout); err != nil {
					return fmt.Errorf("write diff: %w", err)
				}
			} else if err := writeFileAtomic(output, render); err != nil {
				return err
			}
			return exitError(scan.ExitCode(scan.Verdict{Diff: d, FailOn: sev, OnlyNew: failOnNew}))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&format, "format", "table", "output format: "+strings.Join(report.FormatsFor(&report.Diff{}), ", "))
	fs.StringVarP(&output, "output", "o", "", "write the diff to this file (default: stdout)")
	fs.BoolVar(&failOnNew, "fail-on-new", false, "exit 1 when there are new or regressed failures at or above --fail-on")
	fs.StringVar(&failOn, "fail-on", "high", "with --fail-on-new, the lowest severity that counts: critical, high, medium or low")
	return cmd
}
