package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
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

// Write renders r. It does not modify r; the order is the table's own.
func (t TableWriter) Write(w io.Writer, r *Report) error {
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
		table := tablewriter.NewTable(w,
			tablewriter.WithRenderer(renderer.NewBlueprint()),
			// Widths of ambiguous characters must not depend on the locale.
			tablewriter.WithEastAsian(tw.Off),
			tablewriter.WithTrimSpace(tw.Off),
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithHeaderAutoWrap(tw.WrapNone),
			tablewriter.WithRowAutoWrap(tw.WrapNone),
			tablewriter.WithHeaderAlignment(tw.AlignLeft),
			tablewriter.WithRowAlignment(tw.AlignLeft),
		)
		table.Header(header)
		if err := table.Bulk(rows[start:end]); err != nil {
			return fmt.Errorf("write table report: %w", err)
		}
		if err := table.Render(); err != nil {
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

// shortResource drops the "arn:partition:service:region:account:" prefix of
// an ARN in the result's own account: the group title and the control already
// say it, and the full ARN is in the JSON report.
func shortResource(r Result) string {
	parts := strings.SplitN(r.Resource, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && (parts[4] == "" || parts[4] == r.AccountID) && parts[5] != "" {
		return parts[5]
	}
	return r.Resource
}

// tableOrder returns a copy of results grouped by account and region
// (account-wide "global" results first in each account) and, within a group,
// ordered by what needs attention: FAIL by severity, then ERROR, WAIVED, PASS.
func tableOrder(results []Result) []Result {
	out := slices.Clone(results)
	slices.SortStableFunc(out, func(a, b Result) int {
		return cmp.Or(
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(regionKey(a.Region), regionKey(b.Region)),
			cmp.Compare(statusRank(a.Status), statusRank(b.Status)),
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			cmp.Compare(a.ControlID, b.ControlID),
			cmp.Compare(a.Resource, b.Resource),
		)
	})
	return out
}

// regionKey sorts "global" before every region name.
func regionKey(region string) string {
	if region == "global" {
		return ""
	}
	return region
}

func statusRank(s Status) int {
	switch s {
	case StatusFail:
		return 0
	case StatusError:
		return 1
	case StatusWaived:
		return 2
	case StatusPass:
		return 3
	case StatusNotApplicable:
		return 4
	}
	return 5
}

func sortedErrors(errs []Error) []Error {
	out := slices.Clone(errs)
	slices.SortStableFunc(out, func(a, b Error) int {
		return cmp.Or(
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(regionKey(a.Region), regionKey(b.Region)),
			cmp.Compare(a.Service, b.Service),
			cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.Code, b.Code),
		)
	})
	return out
}

func sortedCoverageGaps(gaps []CoverageGap) []CoverageGap {
	out := slices.Clone(gaps)
	slices.SortStableFunc(out, func(a, b CoverageGap) int {
		return cmp.Or(
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(regionKey(a.Region), regionKey(b.Region)),
			cmp.Compare(a.Service, b.Service),
		)
	})
	return out
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

// cell makes untrusted text safe for one table cell: control and format
// characters (newlines, tabs, terminal escape sequences, bidirectional
// overrides) become spaces, runs of space collapse, and text wider than max
// cells (when max > 0) is cut and ends in "...".
func cell(s string, max int) string {
	s = clean(s)
	if max <= 0 || width(s) <= max {
		return s
	}
	return strings.TrimRight(prefix(s, max-3), " ") + "..."
}

// cellMiddle is cell for identifiers whose both ends matter: it keeps the
// start and the end and drops the middle.
func cellMiddle(s string, max int) string {
	s = clean(s)
	if max <= 0 || width(s) <= max {
		return s
	}
	tail := (max - 3) / 2
	r := []rune(s)
	end := len(r)
	for w := 0; end > 0; end-- {
		w += width(string(r[end-1]))
		if w > tail {
			break
		}
	}
	suffix := string(r[end:])
	return prefix(s, max-3-width(suffix)) + "..." + suffix
}

// prefix is the longest prefix of s at most max cells wide.
func prefix(s string, max int) string {
	w := 0
	for i, r := range s {
		w += width(string(r))
		if w > max {
			return s[:i]
		}
	}
	return s
}

// width is the display width of s in terminal cells, East Asian ambiguous
// characters counted narrow as in the rendered table.
func width(s string) int {
	return twwidth.WidthWithOptions(s, twwidth.Options{})
}

// ansiEscape matches terminal escape sequences (CSI and OSC), removed whole
// so that no fragment of them reaches the table.
var ansiEscape = twwidth.Filter()

func clean(s string) string {
	s = ansiEscape.ReplaceAllString(s, "")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}), " ")
}

// TerminalText is text made safe for a terminal line: escape sequences and
// control, format and bidirectional characters removed, white space folded.
// Everything baseline prints that AWS or a user supplied goes through it.
func TerminalText(s string) string { return clean(s) }
