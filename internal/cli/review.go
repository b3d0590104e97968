package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
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

	waivers  []waivers.Waiver
	teams    teams.Mapping
	previous *report.Report
}

func (f *reviewFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.waiversFile, "waivers", "", "YAML file of waivers: accepted failures (control glob, accounts, regions, resource glob, reason, owner, expires) reported as WAIVED")
	fs.StringVar(&f.teamsFile, "teams", "", `YAML file mapping account ids to teams ({"111111111111": platform}); overrides the account tags`)
	fs.StringVar(&f.previousFile, "previous", "", "previous JSON report: attach what is new, regressed and fixed since it to the report")
	fs.BoolVar(&f.failOnNew, "fail-on-new", false, "with --previous: exit 1 only for new or regressed failures at or above --fail-on, not for known ones")
}

// load reads the files named by the flags.
func (f *reviewFlags) load(ctx context.Context) error {
	if f.failOnNew && f.previousFile == "" {
		return fmt.Errorf("--fail-on-new: needs --previous FILE, the report to compare with")
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
	return nil
}

// apply completes a built report: the team of every result, the waivers
// (against the report's time), the summary recomputed after them, and the
// diff against the previous report.
func (f *reviewFlags) apply(rep *report.Report, snap *checks.Snapshot) error {
	tagged := make(map[string]string, len(snap.Accounts))
	for _, a := range snap.Accounts {
		tagged[a.AccountID] = a.Team
	}
	for i := range rep.Results {
		r := &rep.Results[i]
		r.Team = f.teams.Resolve(r.AccountID, tagged[r.AccountID])
	}
	if f.waiversFile != "" {
		rep.Waivers = waivers.Apply(rep.Results, f.waivers, rep.GeneratedAt)
		if rep.Waivers == nil {
			rep.Waivers = []report.WaiverStatus{}
		}
	}
	rep.Finalize()
	if f.previous != nil {
		d, err := report.Compare(f.previous, rep)
		if err != nil {
			var mismatch *report.SchemaMismatchError
			if errors.As(err, &mismatch) {
				return fmt.Errorf("--previous: %s: schema_version %q differs from this report's %q; compare reports of one schema version", f.previousFile, mismatch.Previous, mismatch.Current)
			}
			return fmt.Errorf("--previous: %s: %w", f.previousFile, err)
		}
		rep.Diff = d
	}
	return nil
}

// exitCode is the verdict of the report: ExitCode, or with --fail-on-new
// only the new and regressed failures count.
func (f *reviewFlags) exitCode(rep *report.Report, failOn report.Severity) int {
	if f.failOnNew {
		return report.ExitCodeOnNew(rep, failOn)
	}
	return report.ExitCode(rep, failOn)
}
