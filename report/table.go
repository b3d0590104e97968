package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Default column limits of the table, in terminal cells. They keep a row
// within a wide terminal without asking the terminal its width, so the output
// is the same in a shell, a CI log and a golden file.
const (
	DefaultMessageWidth  = 64
	DefaultResourceWidth = 40
)

var tableHeader = []string{"STATUS", "SEVERITY", "CONTROL", "RESOURCE", "MESSAGE"}

// TableWriter writes a human-readable report: one table per account and
// region, failures first, then a summary line and the collection errors.
// Every table has the same column widths so they read as one. The zero value
// uses the default column limits.
type TableWriter struct {
	MessageWidth  int // widest message shown; longer ones end in "..."
	ResourceWidth int // widest resource shown; longer ones lose their middle
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
	msgWidth := cmp.Or(t.MessageWidth, DefaultMessageWidth)
	resWidth := cmp.Or(t.ResourceWidth, DefaultResourceWidth)

	// NOT_APPLICABLE results judged nothing: the summary line counts them,
	// the JSON lists them, the table leaves them out.
	results := tableOrder(slices.DeleteFunc(slices.Clone(r.Results), func(res Result) bool { return res.Status == StatusNotApplicable }))
	rows := make([][]string, len(results))
	widths := make([]int, len(tableHeader))
	for i, h := range tableHeader {
		widths[i] = width(h)
	}
	for i, res := range results {
		rows[i] = []string{
			cell(string(res.Status), 0),
			cell(string(res.Severity), 0),
			cell(res.ControlID, 0),
			cellMiddle(shortResource(res), resWidth),
			cell(res.Message, msgWidth),
		}
		for c, v := range rows[i] {
			widths[c] = max(widths[c], width(v))
		}
	}
	// Padding the header cells to the widest value of the whole report gives
	// every group's table the same columns.
	header := make([]string, len(tableHeader))
	for i, h := range tableHeader {
		header[i] = h + strings.Repeat(" ", widths[i]-width(h))
	}

	for start := 0; start < len(results); {
		end := start + 1
		for end < len(results) && sameGroup(results[start], results[end]) {
			end++
		}
		if _, err := fmt.Fprintf(w, "%s\n", groupTitle(results[start])); err != nil {
			return fmt.Errorf("write table report: %w", err)
		}
		table, err := boxTable(header, rows[start:end], false)
		if err != nil {
			return fmt.Errorf("write table report: %w", err)
		}
		if _, err := io.WriteString(w, table); err != nil {
			return fmt.Errorf("write table report: %w", err)
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return fmt.Errorf("write table report: %w", err)
		}
		start = end
	}

	var b strings.Builder
	b.WriteString(summaryLine(r.Summary))
	b.WriteByte('\n')
	if len(r.Errors) > 0 {
		fmt.Fprintf(&b, "\nCollection errors (%d):\n", len(r.Errors))
		for _, e := range sortedErrors(r.Errors) {
			fmt.Fprintf(&b, "  %s  %s  %s:%s  %s\n",
				cell(e.AccountID, 0), cell(e.Region, 0), cell(e.Service, 0), cell(e.Operation, 0), cell(e.Code, 0))
		}
	}
	if len(r.CoverageGaps) > 0 {
		fmt.Fprintf(&b, "\nAdministrator coverage gaps (%d), collected directly:\n", len(r.CoverageGaps))
		for _, g := range sortedCoverageGaps(r.CoverageGaps) {
			fmt.Fprintf(&b, "  %s  %s  %s  %s\n", cell(g.AccountID, 0), cell(g.Region, 0), cell(g.Service, 0), cell(g.Reason, 0))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
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
