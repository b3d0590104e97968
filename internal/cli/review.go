package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/internal/teams"
	"github.com/baseline-scanner/baseline/internal/waivers"
	"github.com/baseline-scanner/baseline/report"
)

// reviewFlags are the weekly-review inputs of scan and evaluate: waivers,
// the team mapping and the previous report to diff against. They are read
// and checked before a scan starts, so a typo fails in a second, exit 2.
type reviewFlags struct {
	waiversFile  string
	teamsFile    string
	previousFile string
	failOnNew    bool
	historyDir   string
	historyDepth int
	errorOwner   string

	waivers  []waivers.Waiver
	teams    teams.Mapping
	previous *report.Report
	history  []*report.Report
	// skippedHistory are the --history files that are not baseline reports.
	skippedHistory []string
}

func (f *reviewFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.waiversFile, "waivers", "", "YAML file of waivers: accepted failures (control glob, accounts, regions, resource glob, reason, owner, expires) reported as WAIVED")
	fs.StringVar(&f.teamsFile, "teams", "", `YAML file mapping account ids to teams ({"111111111111": platform}); overrides the account tags`)
	fs.StringVar(&f.previousFile, "previous", "", "previous JSON report: attach what is new, regressed and fixed since it to the report")
	fs.BoolVar(&f.failOnNew, "fail-on-new", false, "with --previous or --history: exit 1 only for new or regressed failures at or above --fail-on, not for known ones")
	f.registerHistory(cmd)
	fs.StringVar(&f.errorOwner, "error-owner", scan.DefaultErrorOwner, "team that owns results in ERROR because a call failed (denied, throttled, unreachable): listed under it, not under the account's team")
}

// load reads the files named by the flags.
func (f *reviewFlags) load(ctx context.Context) error {
	if f.failOnNew && f.previousFile == "" && f.historyDir == "" {
		return fmt.Errorf("--fail-on-new: needs --previous FILE or --history DIR, the reports to compare with")
	}
	var err error
	f.waivers, f.teams, f.previous = nil, nil, nil
	if f.waiversFile != "" {
		if f.waivers, err = waivers.Load(ctx, f.waiversFile); err != nil {
			return fmt.Errorf("--waivers: %w", err)
		}
	}
	if f.teamsFile != "" {
		if f.teams, err = teams.Load(ctx, f.teamsFile); err != nil {
			return fmt.Errorf("--teams: %w", err)
		}
	}
	if f.previousFile != "" {
		if f.previous, err = report.ReadReport(f.previousFile); err != nil {
			return fmt.Errorf("--previous: %w", err)
		}
	}
	return f.loadHistory()
}

// review is what the files add to the report.
func (f *reviewFlags) review() scan.Review {
	return scan.Review{
		Teams:        f.teams,
		Waivers:      f.waivers,
		WaiversGiven: f.waiversFile != "",
		Previous:     f.previous,
		PreviousName: f.previousFile,
		History:      f.history,
		HistoryGiven: f.historyDir != "",
		HistoryDepth: f.historyDepth,
		ErrorOwner:   f.errorOwner,
	}
}
