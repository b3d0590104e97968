package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/report"
)

// registerHistory adds --history and --history-depth to cmd.
func (f *reviewFlags) registerHistory(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.historyDir, "history", "", "folder of earlier JSON reports (searched recursively, e.g. downloaded CI artifacts): each failing result gets failing_since, each team a trend; without --previous the newest is the report to compare with")
	fs.IntVar(&f.historyDepth, "history-depth", report.DefaultTrendDepth, "with --history: how many earlier scans the team trend shows")
}

// loadHistory reads the --history folder. JSON files that are not baseline
// reports are left out; an unreadable report is an error naming it.
func (f *reviewFlags) loadHistory() error {
	f.history = nil
	if f.historyDepth < 1 {
		return fmt.Errorf("--history-depth: %d: must be at least 1", f.historyDepth)
	}
	if f.historyDir == "" {
		return nil
	}
	reps, skipped, err := report.ReadHistory(f.historyDir)
	if err != nil {
		return fmt.Errorf("--history: %w", err)
	}
	f.history, f.skippedHistory = reps, skipped
	return nil
}

// noteHistory says on w what --history read, so that a folder of the wrong
// files is not silently a scan without history.
func (f *reviewFlags) noteHistory(w io.Writer) {
	if f.historyDir == "" {
		return
	}
	fmt.Fprintf(w, "baseline: history: %d earlier report(s) read from %s\n", len(f.history), f.historyDir)
	for _, s := range f.skippedHistory {
		fmt.Fprintf(w, "baseline: history: %s: not a baseline report, left out\n", s)
	}
}
