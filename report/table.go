package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// DefaultTableWidth is the width the table wraps to when the terminal's is
// unknown (a pipe, a file, a CI log) and COLUMNS is not set.
const DefaultTableWidth = 120

// TableWriter writes a human-readable report: a summary (score, counts,
// failures by team and severity), then the failing and erroring results
// grouped by team and account, then the collection errors. PASS, WAIVED and
// NOT_APPLICABLE results are only counted unless All is set. Cells wrap to
// Width; nothing is cut. The zero value writes plain text DefaultTableWidth
// wide, the same in a shell, a CI log and a golden file.
type TableWriter struct {
	All   bool // list PASS, WAIVED and NOT_APPLICABLE results too
	Color bool // ANSI colour (the CLI sets it on a terminal without NO_COLOR)
	Width int  // terminal width in cells; 0 for DefaultTableWidth
}

// Extension implements Writer.
func (TableWriter) Extension() string { return "txt" }

// Write renders a report, a diff, the control catalogue, policy test results
// or a notice for a terminal. It does not modify doc.
func (t TableWriter) Write(w io.Writer, doc Document) error {
	switch doc := doc.(type) {
	case *Report:
		return t.writeReport(w, doc)
	case *Diff:
		return t.writeDiff(w, doc)
	case Catalogue:
		return t.writeCatalogue(w, doc)
	case *TestRun:
		return t.writeTestRun(w, doc)
	case Notice:
		_, err := io.WriteString(w, TerminalText(string(doc))+"\n")
		return err
	}
	return &UnsupportedError{Format: "table", Kind: doc.Kind()}
}

// writeReport renders r. It does not modify r; the order is the table's own.
func (t TableWriter) writeReport(w io.Writer, r *Report) error {
	b := bufio.NewWriterSize(w, 64<<10) // written as it goes, not held whole
	t.writeSummary(b, r)
	for _, g := range t.tableGroups(r) {
		fmt.Fprintf(b, "\n%s\n", t.paint(ansiBold, g.title))
		table, err := boxTable(tableHeader, g.rows, false)
		if err != nil {
			return fmt.Errorf("write table report: %w", err)
		}
		b.WriteString(table)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(b, "\nCollection errors (%d):\n", len(r.Errors))
		for _, e := range sortedErrors(r.Errors) {
			fmt.Fprintf(b, "  %s  %s  %s:%s  %s\n",
				cell(e.AccountID, 0), cell(e.Region, 0), cell(e.Service, 0), cell(e.Operation, 0), t.paint(ansiMagenta, cell(e.Code, 0)))
		}
	}
	if len(r.CoverageGaps) > 0 {
		fmt.Fprintf(b, "\nAdministrator coverage gaps (%d), collected directly:\n", len(r.CoverageGaps))
		for _, g := range sortedCoverageGaps(r.CoverageGaps) {
			fmt.Fprintf(b, "  %s  %s  %s  %s\n", cell(g.AccountID, 0), cell(g.Region, 0), cell(g.Service, 0), cell(g.Reason, 0))
		}
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write table report: %w", err)
	}
	return nil
}

func sameGroup(a, b Result) bool {
	return a.AccountID == b.AccountID && a.Region == b.Region
}

// groupTitle is e.g. "prod (111111111111) · eu-west-1".
func groupTitle(r Result) string {
	account := cell(r.AccountID, 0)
	if r.AccountName != "" {
		account = cell(r.AccountName, 40) + " (" + account + ")"
	}
	return account + " · " + cell(r.Region, 0)
}

// summaryLine is e.g. "148 results: 90 PASS, 41 FAIL, 12 ERROR, 5 WAIVED ·
// critical 2 FAIL · high 10 FAIL · score 64.2". Severities without failures
// are left out.
func summaryLine(s Summary) string {
	var b strings.Builder
	noun := "results"
	if s.Total == 1 {
		noun = "result"
	}
	fmt.Fprintf(&b, "%d %s: %d PASS, %d FAIL, %d ERROR, %d WAIVED", s.Total, noun, s.Pass, s.Fail, s.Error, s.Waived)
	if s.NotApplicable > 0 {
		fmt.Fprintf(&b, ", %d NOT_APPLICABLE (not shown, not scored)", s.NotApplicable)
	}
	for _, sev := range Severities {
		if n := s.BySeverity[sev].Fail; n > 0 {
			fmt.Fprintf(&b, " · %s %d FAIL", sev, n)
		}
	}
	b.WriteString(" · score " + strconv.FormatFloat(s.Score, 'f', 1, 64))
	return b.String()
}

// writeDiff writes a diff for a terminal: the headline, then the
// changed results grouped by team, then the coverage changes.
func (TableWriter) writeDiff(w io.Writer, d *Diff) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Changes %s\n", DiffHeadline(d))
	for _, t := range diffTeams(d) {
		var rows int
		for _, c := range diffCategories {
			rows += len(c.list(t))
		}
		if rows == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", cell(teamName(t.Team), 0))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, c := range diffCategories {
			for _, r := range c.list(t) {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.label, cell(string(r.Severity), 0), cell(r.ControlID, 0), cell(diffAccount(r), 0), cell(r.Region, 0), cell(r.Resource, 0),
					cell(diffStatusChange(string(r.PreviousStatus), string(r.Status)), 0))
			}
		}
		tw.Flush()
	}
	if len(d.CoverageLost)+len(d.CoverageGained) > 0 {
		b.WriteString("\nCoverage\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, l := range []struct {
			label string
			list  []CoverageChange
		}{{"LOST", d.CoverageLost}, {"GAINED", d.CoverageGained}} {
			for _, c := range l.list {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", l.label, cell(c.Service, 0), cell(c.AccountID, 0), cell(c.Region, 0), cell(diffStatusChange(string(c.PreviousState), string(c.State)), 0))
			}
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCatalogue writes the control list as one table.
func (TableWriter) writeCatalogue(w io.Writer, c Catalogue) error {
	rows := make([][]string, len(c))
	for i, ctl := range c {
		rows[i] = []string{cell(ctl.ID, 0), cell(ctl.Title, 0), cell(string(ctl.Severity), 0), cell(ctl.Scope, 0),
			cell(ctl.Service, 0), cell(ctl.Source, 0), cell(strings.Join(ctl.References, "; "), 0)}
	}
	table, err := boxTable([]string{"ID", "TITLE", "SEVERITY", "SCOPE", "SERVICE", "SOURCE", "REFERENCES"}, rows, true)
	if err != nil {
		return fmt.Errorf("write control list: %w", err)
	}
	_, err = io.WriteString(w, table)
	return err
}

// boxTable draws a table with box-drawing borders (tablewriter): the header
// (centred when centerHeader, else left-aligned), a rule, then the rows,
// left-aligned. Cells must be terminal-safe already (cell); nothing is
// wrapped, trimmed or reformatted, and widths do not depend on the locale.
func boxTable(header []string, rows [][]string, centerHeader bool) (string, error) {
	align := tw.AlignLeft
	if centerHeader {
		align = tw.AlignCenter
	}
	var b strings.Builder
	table := tablewriter.NewTable(&b,
		tablewriter.WithRenderer(renderer.NewBlueprint()),
		tablewriter.WithEastAsian(tw.Off),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(align),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	table.Header(header)
	if err := table.Bulk(rows); err != nil {
		return "", err
	}
	if err := table.Render(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeTestRun writes the failing and erroring tests (every test when
// verbose), one a line, then the counts.
func (TableWriter) writeTestRun(w io.Writer, run *TestRun) error {
	var b strings.Builder
	for _, r := range run.Tests {
		if run.Verbose || r.Outcome == "fail" || r.Outcome == "error" {
			fmt.Fprintf(&b, "%-5s %s.%s (%s)", strings.ToUpper(cell(r.Outcome, 0)), cell(r.Package, 0), cell(r.Name, 0), cell(r.Location, 0))
			if r.Message != "" {
				b.WriteString(": " + cell(r.Message, 0))
			}
			b.WriteByte('\n')
		}
	}
	counts := run.Counts()
	fmt.Fprintf(&b, "%d passed, %d failed, %d errors, %d skipped\n", counts["pass"], counts["fail"], counts["error"], counts["skip"])
	_, err := io.WriteString(w, b.String())
	return err
}
