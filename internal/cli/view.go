package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/baseline-scanner/baseline/report"
)

// viewFlags choose what every format shows: the filters (--status,
// --severity, --service, --control, --team, comma lists) and, for the
// terminal table, --all. The filter is applied once, in outputFlags.write,
// before any writer; the exit code is decided on the whole report.
type viewFlags struct {
	statuses, severities, services, controls, teams []string
	all                                             bool

	filter report.Filter
}

func (f *viewFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringSliceVar(&f.statuses, "status", nil, "show only results of these statuses, comma list: FAIL, ERROR, WAIVED, PASS, NOT_APPLICABLE (every format; the exit code still judges the whole report)")
	fs.StringSliceVar(&f.severities, "severity", nil, "show only results of these severities, comma list: critical, high, medium, low")
	fs.StringSliceVar(&f.services, "service", nil, "show only results of these services, comma list, e.g. securityhub,guardduty")
	fs.StringSliceVar(&f.controls, "control", nil, "show only results of these control ids, comma list")
	fs.StringSliceVar(&f.teams, "team", nil, `show only results owned by these teams, comma list ("unassigned" for results without a team); cards, coverage and errors narrow to their accounts`)
	fs.BoolVar(&f.all, "all", false, "table format: list PASS and NOT_APPLICABLE results too (by default they are only counted)")
}

// parse checks the values that need no report: statuses and severities.
func (f *viewFlags) parse() error {
	statuses, err := report.ParseStatuses(f.statuses)
	if err != nil {
		return fmt.Errorf("--status: %w", err)
	}
	severities, err := report.ParseSeverities(f.severities)
	if err != nil {
		return fmt.Errorf("--severity: %w", err)
	}
	trim := func(list []string) []string {
		var out []string
		for _, v := range list {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	f.filter = report.Filter{Statuses: statuses, Severities: severities,
		Services: trim(f.services), Controls: trim(f.controls), Teams: trim(f.teams)}
	return nil
}

// terminal is what the table writer needs to know about where it writes;
// tests inject it.
type terminal struct {
	getenv     func(string) string
	isTerminal func(w io.Writer) bool
	size       func(w io.Writer) (int, bool)
}

var realTerminal = terminal{
	getenv: os.Getenv,
	isTerminal: func(w io.Writer) bool {
		f, ok := w.(*os.File)
		return ok && term.IsTerminal(int(f.Fd()))
	},
	size: func(w io.Writer) (int, bool) {
		f, ok := w.(*os.File)
		if !ok {
			return 0, false
		}
		width, _, err := term.GetSize(int(f.Fd()))
		return width, err == nil && width > 0
	},
}

// tableFor configures the table writer for w: colour only on a terminal and
// without NO_COLOR (https://no-color.org: set and not empty); the width from
// COLUMNS, else the terminal's, else report.DefaultTableWidth.
func (t terminal) tableFor(w io.Writer, all bool) report.TableWriter {
	tty := w != nil && t.isTerminal(w)
	tw := report.TableWriter{All: all, Color: tty && t.getenv("NO_COLOR") == ""}
	if n, err := strconv.Atoi(strings.TrimSpace(t.getenv("COLUMNS"))); err == nil && n > 0 {
		tw.Width = n
	} else if n, ok := t.size(w); tty && ok {
		tw.Width = n
	}
	return tw
}
