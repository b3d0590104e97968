package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/report"
)

func newMergeCmd(stdout io.Writer) *cobra.Command {
	var output, format, failOn, memoryLimit string
	cmd := &cobra.Command{
		Use:   "merge FILE FILE... [-o merged.json]",
		Short: "Combine the JSON reports (or snapshots) of sharded scans into one",
		Long: `merge combines the outputs of 'scan --shard K/N --format json' (reports) or
'collect --shard K/N' (snapshots) into one document, as if one scan had covered
every account. The kind is detected from the first file's schema; every file
must be of the same kind and schema version, written by the same tool version,
over the same regions (unless they were chosen with --regions all: then the
merged regions are their union), and no account may appear in two files.
Shards must all be there, each once: 1/N to N/N. The merged document has no
shard in its scope.

Merged reports are written as JSON, or in any report format with --format;
merged snapshots only as JSON. Render a saved merged report again with
'baseline report merged.json --format html'.

merge exits with the merged document's verdict: for reports, 1 when a FAIL is
at or above --fail-on, else 3 when the scan was incomplete, else 0; for
snapshots, 3 when any account has collection errors.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, paths []string) error {
			kind, err := scan.DocumentKind(paths[0])
			if err != nil {
				return err
			}
			sev, err := report.ParseSeverity(failOn)
			if err != nil {
				return fmt.Errorf("--fail-on: %w", err)
			}
			if err := checkOutputPath("-o", output); err != nil {
				return err
			}
			restore, err := limitMemory(memoryLimit)
			if err != nil {
				return err
			}
			defer restore()
			var write func(io.Writer) error
			var verdict scan.Verdict
			switch kind {
			case "report":
				writer, err := report.NewWriter(format)
				if err != nil {
					return fmt.Errorf("--format: %w", err)
				}
				merged, err := scan.MergeReports(paths)
				if err != nil {
					return err
				}
				write = func(w io.Writer) error { return writer.Write(w, merged) }
				verdict = scan.Verdict{Report: merged, FailOn: sev}
			default:
				if f := strings.ToLower(strings.TrimSpace(format)); f != "json" {
					return fmt.Errorf("--format: %s are snapshots, written only as json, not %q", strings.Join(paths, ", "), format)
				}
				merged, err := scan.MergeSnapshots(paths)
				if err != nil {
					return err
				}
				write = func(w io.Writer) error { return checks.WriteSnapshot(w, merged) }
				verdict = scan.Verdict{Snapshot: merged}
			}
			if output == "" || output == "-" {
				err = write(stdout)
			} else {
				err = writeFileAtomic(output, write)
			}
			if err != nil {
				return err
			}
			// The merged document's verdict, as one scan of every shard
			// would have exited: CI gates on the merge step.
			return exitError(scan.ExitCode(verdict))
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the merged document to FILE instead of stdout")
	cmd.Flags().StringVar(&format, "format", "json", "format of a merged report: "+strings.Join(report.Formats(), ", ")+" (snapshots: json)")
	registerMemoryLimit(cmd.Flags(), &memoryLimit)
	cmd.Flags().StringVar(&failOn, "fail-on", "high", "for reports, the lowest severity whose failures exit 1: critical, high, medium or low")
	return cmd
}
