package report

import (
	"bufio"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file lays out the terminal report (TableWriter.writeReport): the
// summary by team and severity, the groups of rows by team and account, the
// wrapping of cells to the terminal width and the colours.

// tableHeader: a result's status, severity and change since the previous
// scan share the first cell, its region and resource the third.
var tableHeader = []string{"STATUS", "CONTROL", "REGION / RESOURCE", "MESSAGE"}

// ANSI SGR codes; paint adds them only when the writer colours.
const (
	ansiBold    = "1"
	ansiRed     = "31"
	ansiGreen   = "32"
	ansiYellow  = "33"
	ansiBlue    = "34"
	ansiMagenta = "35"
	ansiGrey    = "90"
	ansiBoldRed = "1;31"
)

var statusColors = map[Status]string{
	StatusFail: ansiBoldRed, StatusError: ansiMagenta, StatusWaived: ansiGrey,
	StatusPass: ansiGreen, StatusNotApplicable: ansiGrey,
}

var severityColors = map[Severity]string{
	SeverityCritical: ansiBoldRed, SeverityHigh: ansiRed, SeverityMedium: ansiYellow, SeverityLow: ansiBlue,
}

// paint wraps s, which must be terminal-safe already, in an SGR colour.
func (t TableWriter) paint(code, s string) string {
	if !t.Color || code == "" || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (t TableWriter) width() int { return cmp.Or(t.Width, DefaultTableWidth) }

// listed reports whether the table lists a result's row by default: only
// what someone must act on, FAIL and ERROR.
func (t TableWriter) listed(s Status) bool {
	return t.All || s == StatusFail || s == StatusError
}

// writeSummary writes the headline, the counts and the table of failures
// by team and severity.
func (t TableWriter) writeSummary(b *bufio.Writer, r *Report) {
	line := func(text string) {
		b.WriteString(strings.Join(wrapWords(text, t.width()), "\n") + "\n")
	}
	head := fmt.Sprintf("Baseline report · %s · scanned %s · %s × %s",
		cell(cmp.Or(r.Tool.Name, "baseline")+" "+r.Tool.Version, 0), formatScanTime(r.GeneratedAt),
		plural(len(r.Scope.Accounts), "account", "accounts"), plural(len(r.Scope.Regions), "region", "regions"))
	lines := wrapWords(head, t.width())
	lines[0] = t.paint(ansiBold, "Baseline report") + strings.TrimPrefix(lines[0], "Baseline report")
	b.WriteString(strings.Join(lines, "\n") + "\n")
	line(summaryLine(r.Summary))
	if !t.All {
		line("Listed: FAIL and ERROR; PASS, WAIVED and NOT_APPLICABLE are counted only (--all lists them).")
	}
	if d := r.Diff; d != nil {
		line(fmt.Sprintf("Changes since the scan of %s: %s", formatScanTime(d.Previous.GeneratedAt), diffCountsText(d.Summary)))
	}
	if len(r.Results) == 0 {
		return
	}
	header := []string{"TEAM", "FAIL", "critical", "high", "medium", "low", "ERROR", "WAIVED", "PASS", "SCORE"}
	row := func(name string, s Summary) []string {
		out := []string{cell(name, 0), strconv.Itoa(s.Fail)}
		for _, sev := range Severities {
			out = append(out, strconv.Itoa(s.BySeverity[sev].Fail))
		}
		return append(out, strconv.Itoa(s.Error), strconv.Itoa(s.Waived), strconv.Itoa(s.Pass), strconv.FormatFloat(s.Score, 'f', 1, 64))
	}
	var rows [][]string
	teams := groupByTeam(r.Results, nil)
	for _, team := range teams {
		rows = append(rows, row(team.name, summarizePointers(team.results)))
	}
	if len(teams) > 1 {
		rows = append(rows, row("all teams", Summarize(r.Results)))
	}
	// Numbers right-aligned: pad each column to its widest value.
	for c := 1; c < len(header); c++ {
		w := width(header[c])
		for _, row := range rows {
			w = max(w, width(row[c]))
		}
		header[c] = strings.Repeat(" ", w-width(header[c])) + header[c]
		for _, row := range rows {
			row[c] = strings.Repeat(" ", w-width(row[c])) + row[c]
		}
	}
	for _, row := range rows {
		if strings.TrimSpace(row[1]) != "0" {
			row[1] = t.paint(ansiBoldRed, row[1])
		}
		if strings.TrimSpace(row[6]) != "0" {
			row[6] = t.paint(ansiMagenta, row[6])
		}
	}
	b.WriteString("\n")
	line("FAIL by team and severity; ERROR, WAIVED and PASS of every severity:")
	table, err := boxTable(header, rows, false)
	if err == nil {
		b.WriteString(table)
	}
}

// tableGroup is the rows of one team in one account.
type tableGroup struct {
	title string
	rows  [][]string
}

// tableRow is one row before wrapping: results with the same status,
// region, resource, message and change share a row, their controls listed
// one a line (the 12 controls a denied call left unobserved are one row).
type tableRow struct {
	status   Status
	severity Severity
	controls []string
	region   string
	resource string
	message  string
	change   string // "new" or "regressed" since the previous scan
}

// tableGroups lays out the listed results: by team (by name, "unassigned"
// last), then account, then in tableOrder; cells wrapped to the width.
func (t TableWriter) tableGroups(r *Report) []tableGroup {
	changed := map[string]string{}
	if d := r.Diff; d != nil {
		for _, c := range d.New {
			changed[c.Key()] = "new"
		}
		for _, c := range d.Regressed {
			changed[c.Key()] = "regressed"
		}
	}
	// A result whose cause is a collection error is the error owner's to
	// fix (--error-owner): its rows come after every team's, in groups of
	// their own, never under a dev team.
	type groupKey struct {
		errorOwned    bool
		team, account string
	}
	var keys []groupKey
	byKey := map[groupKey][]tableRow{}
	titles := map[groupKey]Result{}
	type rowKey struct {
		status                            Status
		region, resource, message, change string
	}
	index := map[groupKey]map[rowKey]int{}
	for _, res := range tableOrder(r.Results) {
		if !t.listed(res.Status) {
			continue
		}
		k := groupKey{res.Cause == CauseCollectionError, teamName(res.Team), res.AccountID}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
			titles[k] = *res
			index[k] = map[rowKey]int{}
		}
		row := tableRow{status: res.Status, region: cell(res.Region, 0), resource: cell(shortResource(*res), 0),
			message: cell(res.Message, 0), change: changed[res.Key()]}
		rk := rowKey{row.status, row.region, row.resource, row.message, row.change}
		if i, ok := index[k][rk]; ok {
			byKey[k][i].controls = append(byKey[k][i].controls, cell(res.ControlID, 0))
			continue
		}
		index[k][rk] = len(byKey[k])
		row.severity, row.controls = res.Severity, []string{cell(res.ControlID, 0)}
		byKey[k] = append(byKey[k], row)
	}
	slices.SortStableFunc(keys, func(a, b groupKey) int {
		return cmp.Or(compareBools(a.errorOwned, b.errorOwned), compareTeams(a.team, b.team), cmp.Compare(a.account, b.account))
	})

	// Column widths, the same for every group so the tables read as one.
	widths := make([]int, len(tableHeader))
	for i, h := range tableHeader {
		widths[i] = width(h)
	}
	resourceMax, messageMax := 0, 0
	for _, rows := range byKey {
		for _, row := range rows {
			widths[0] = max(widths[0], width(string(row.status)), width(string(row.severity)), width(row.change))
			for _, c := range row.controls {
				widths[1] = max(widths[1], min(width(c), 40))
			}
			widths[2] = max(widths[2], width(row.region))
			resourceMax = max(resourceMax, width(row.resource))
			messageMax = max(messageMax, width(row.message))
		}
	}
	// Four columns: five rules and a space either side of every cell.
	rest := t.width() - (3*len(tableHeader) + 1) - widths[0] - widths[1]
	// The resource takes up to a third of the rest, and 28 cells (an EC2
	// instance's "instance/i-…") when half the rest allows; the message the
	// remainder, at least 20 cells (a very narrow terminal overflows).
	widths[2] = max(widths[2], min(resourceMax, max(16, min(28, rest/2), rest/3)))
	widths[3] = max(widths[3], min(messageMax, max(20, rest-widths[2])))

	groups := make([]tableGroup, 0, len(keys))
	for _, k := range keys {
		first := titles[k]
		counts := map[Status]int{}
		for _, res := range r.Results {
			if (res.Cause == CauseCollectionError) == k.errorOwned && teamName(res.Team) == k.team && res.AccountID == k.account && t.listed(res.Status) {
				counts[res.Status]++
			}
		}
		var parts []string
		for _, s := range []Status{StatusFail, StatusError, StatusWaived, StatusPass, StatusNotApplicable} {
			if counts[s] > 0 {
				parts = append(parts, t.paint(statusColors[s], fmt.Sprintf("%d %s", counts[s], s)))
			}
		}
		account := cell(first.AccountID, 0)
		if first.AccountName != "" {
			account = cell(first.AccountName, 0) + " (" + account + ")"
		}
		team := cell(k.team, 0)
		if k.errorOwned {
			team = "not observed, for " + team + " to fix"
		}
		g := tableGroup{title: team + " › " + account + ": " + strings.Join(parts, " · ")}
		for _, row := range byKey[k] {
			status := t.paint(statusColors[row.status], string(row.status)) + "\n" + t.paint(severityColors[row.severity], string(row.severity))
			if row.change != "" {
				status += "\n" + t.paint(ansiYellow, row.change)
			}
			where := []string{row.region}
			if row.resource != "" {
				where = append(where, wrapHard(row.resource, widths[2])...)
			}
			var controls []string
			for _, c := range row.controls {
				controls = append(controls, wrapHard(c, widths[1])...)
			}
			g.rows = append(g.rows, []string{
				status,
				strings.Join(controls, "\n"),
				strings.Join(where, "\n"),
				strings.Join(wrapWords(row.message, widths[3]), "\n"),
			})
		}
		// Padding the first row's cells to the column widths gives every
		// group's table the same columns.
		if len(g.rows) > 0 {
			for i := range g.rows[0] {
				lines := strings.Split(g.rows[0][i], "\n")
				w := width(stripANSI(lines[0]))
				lines[0] += strings.Repeat(" ", max(0, widths[i]-w))
				g.rows[0][i] = strings.Join(lines, "\n")
			}
		}
		groups = append(groups, g)
	}
	return groups
}

// stripANSI removes the SGR codes paint adds.
func stripANSI(s string) string {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+j+1:]
	}
}

// wrapWords breaks s into lines at most w cells wide, at spaces; a word
// wider than w is split (wrapHard). Nothing is dropped: the lines joined
// with spaces give s back.
func wrapWords(s string, w int) []string {
	if w <= 0 || width(s) <= w {
		return []string{s}
	}
	var lines []string
	line := ""
	for _, word := range strings.Split(s, " ") {
		switch {
		case line == "":
			line = word
		case width(line)+1+width(word) <= w:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
		if width(line) > w {
			parts := wrapHard(line, w)
			lines = append(lines, parts[:len(parts)-1]...)
			line = parts[len(parts)-1]
		}
	}
	return append(lines, line)
}

// wrapHard breaks s into lines at most w cells wide, preferring to break
// after a "/", ":" or "," past the first third of a line; joined without
// separators the lines give s back.
func wrapHard(s string, w int) []string {
	if w <= 0 || width(s) <= w {
		return []string{s}
	}
	var lines []string
	for width(s) > w {
		cut := len(prefix(s, w))
		if cut == 0 { // a character wider than the column
			_, size := firstRune(s)
			cut = size
		}
		if i := strings.LastIndexAny(s[:cut], "/:,"); i >= cut/3 && i+1 < cut {
			cut = i + 1
		}
		lines = append(lines, s[:cut])
		s = s[cut:]
	}
	return append(lines, s)
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// compareBools orders false before true.
func compareBools(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}
