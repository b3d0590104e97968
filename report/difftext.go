package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// diffCategories are the changed-result lists in the order people read them;
// still_failing is only counted: it is not a change.
var diffCategories = []struct {
	label string
	list  func(TeamChanges) []DiffResult
}{
	{"NEW", func(t TeamChanges) []DiffResult { return t.New }},
	{"REGRESSED", func(t TeamChanges) []DiffResult { return t.Regressed }},
	{"UNOBSERVED", func(t TeamChanges) []DiffResult { return t.Unobserved }},
	{"WAIVED", func(t TeamChanges) []DiffResult { return t.Waived }},
	{"FIXED", func(t TeamChanges) []DiffResult { return t.Fixed }},
}

// DiffHeadline is the one-line summary of a diff.
func DiffHeadline(d *Diff) string {
	s := d.Summary
	return fmt.Sprintf("since the report of %s: %d new, %d regressed, %d fixed, %d still failing, %d waived, %d unobserved; coverage %d lost, %d gained",
		d.Previous.GeneratedAt.UTC().Format(time.RFC3339), s.New, s.Regressed, s.Fixed, s.StillFailing, s.Waived, s.Unobserved, s.CoverageLost, s.CoverageGained)
}

func diffTeamName(team string) string {
	if team == "" {
		return "(no team)"
	}
	return team
}

func diffAccount(r DiffResult) string {
	if r.AccountName == "" {
		return r.AccountID
	}
	return fmt.Sprintf("%s (%s)", r.AccountName, r.AccountID)
}

func diffStatusChange(prev, now string) string {
	return fmt.Sprintf("%s → %s", diffOrDash(prev), diffOrDash(now))
}

// diffOrDash names a missing status or state: the result or coverage entry
// is not in that report.
func diffOrDash(s string) string {
	if s == "" {
		return "absent"
	}
	return s
}

// WriteDiffTable writes a diff for a terminal: the headline, then the
// changed results grouped by team, then the coverage changes.
func WriteDiffTable(w io.Writer, d *Diff) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Changes %s\n", DiffHeadline(d))
	for _, t := range d.Teams() {
		var rows int
		for _, c := range diffCategories {
			rows += len(c.list(t))
		}
		if rows == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", cell(diffTeamName(t.Team), 0))
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

// WriteDiffMarkdown writes a diff as GitHub-flavoured Markdown.
func WriteDiffMarkdown(w io.Writer, d *Diff) error {
	var b strings.Builder
	s := d.Summary
	fmt.Fprintf(&b, "## Changes since the previous scan\n\nCompared with the report of %s.\n\n", d.Previous.GeneratedAt.UTC().Format(time.RFC3339))
	b.WriteString("| new | regressed | fixed | still failing | waived | unobserved | coverage lost | coverage gained |\n|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d | %d |\n", s.New, s.Regressed, s.Fixed, s.StillFailing, s.Waived, s.Unobserved, s.CoverageLost, s.CoverageGained)
	for _, t := range d.Teams() {
		var rows []string
		for _, c := range diffCategories {
			for _, r := range c.list(t) {
				rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s |", c.label, mdText(string(r.Severity), 0), mdText(r.ControlID, 0), mdText(diffAccount(r), 0), mdText(r.Region, 0),
					mdText(r.Resource, 0), mdText(diffStatusChange(string(r.PreviousStatus), string(r.Status)), 0)))
			}
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n| change | severity | control | account | region | resource | status |\n|:--|:--|:--|:--|:--|:--|:--|\n%s\n", mdText(diffTeamName(t.Team), 0), strings.Join(rows, "\n"))
	}
	if len(d.CoverageLost)+len(d.CoverageGained) > 0 {
		b.WriteString("\n### Coverage\n\n| change | service | account | region | state |\n|:--|:--|:--|:--|:--|\n")
		for _, l := range []struct {
			label string
			list  []CoverageChange
		}{{"LOST", d.CoverageLost}, {"GAINED", d.CoverageGained}} {
			for _, c := range l.list {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", l.label, mdText(c.Service, 0), mdText(c.AccountID, 0), mdText(c.Region, 0), mdText(diffStatusChange(string(c.PreviousState), string(c.State)), 0))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
