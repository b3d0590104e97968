package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/report"
)

func newReportCmd(stdout io.Writer) *cobra.Command {
	var output outputFlags
	var memoryLimit string
	cmd := &cobra.Command{
		Use:   "report report.json",
		Short: "Render a saved JSON report in any format and exit with its verdict",
		Long: `report reads a JSON report written by 'scan --format json', 'evaluate' or
'merge' (schema 1.0, 2.0 or 3.0) and writes it in the formats asked for, then exits
with the code a scan would have: 0, 1 for failures at or above --fail-on, 3
for an incomplete scan. With --previous it attaches the diff against an
earlier report, and --fail-on-new counts only new and regressed failures.
Waivers and teams are applied when the report is made (scan, evaluate); a
saved report keeps them.`,
		Example: `  baseline merge report-*.json -o report.json
  baseline report report.json --format html -o report.html
  baseline report report.json --format table,markdown,junit --out-dir out --fail-on critical
  baseline report report.json --previous last-week.json --fail-on-new --format markdown`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("report: expected one JSON report file, got %d argument(s)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := output.validate(cmd.Context()); err != nil {
				return err
			}
			restore, err := limitMemory(memoryLimit)
			if err != nil {
				return err
			}
			defer restore()
			rep, err := report.ReadReport(args[0])
			if err != nil {
				return err
			}
			output.review.noteHistory(cmd.ErrOrStderr())
			if err := scan.Compared(rep, output.review.review()); err != nil {
				return err
			}
			if err := output.write(rep, stdout); err != nil {
				return err
			}
			return exitError(scan.ExitCode(scan.Verdict{Report: rep, FailOn: output.severity, OnlyNew: output.review.failOnNew}))
		},
	}
	output.registerFormats(cmd)
	fs := cmd.Flags()
	registerMemoryLimit(fs, &memoryLimit)
	fs.StringVar(&output.review.previousFile, "previous", "", "previous JSON report: attach what is new, regressed and fixed since it")
	fs.BoolVar(&output.review.failOnNew, "fail-on-new", false, "with --previous or --history: exit 1 only for new or regressed failures at or above --fail-on")
	output.review.registerHistory(cmd)
	return cmd
}
