package report

import (
	"cmp"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// This file holds the parts of the HTML view that summarize: the team
// table (which also feeds the headline cards under the team filter), the
// waivers needing attention, the failing-by-control table and the coverage
// summary of a large organization. html.go lays them out.

// htmlMaxRows bounds the results listed one by one in the HTML, most urgent
// first (FAIL by severity, then ERROR, WAIVED, PASS); the rest are counted
// in the team and control tables and listed in the JSON. At 1,000 accounts a
// scan has some 60,000 FAIL results: listing them all made a 240 MB page.
const htmlMaxRows = 2000

// htmlMaxPassRows: PASS results are listed one by one only when there are at
// most this many; otherwise they are counted per control.
const htmlMaxPassRows = 1000

// htmlPageRows: of the listed rows, the page displays this many at first
// (those matching the filter, most urgent first) and hides the rest until
// the reader asks for more. Style and layout of thousands of table rows,
// not the file's size, made the 1,000-account page take 7 s to open in
// Chromium; hidden rows cost neither. The filter and its counts still
// cover every listed row.
const htmlPageRows = 100

// pageRows hides the rows past htmlPageRows, as the page's script does for
// the unfiltered view.
func pageRows(v *htmlView) {
	if len(v.Rows) <= htmlPageRows {
		return
	}
	v.Paged, v.PageRows = true, htmlPageRows
	for i := htmlPageRows; i < len(v.Rows); i++ {
		v.Rows[i].Later = true
	}
}

// htmlMaxGridAccounts: the coverage grid has a row per account up to this
// many accounts; above, it is summarized per region and service.
const htmlMaxGridAccounts = 60

// htmlTeam is one row of the team table; its data attributes give the page's
// script the cards' values under the team filter.
type htmlTeam struct {
	Name                                 string
	Fail, Error, Waived, Pass, Total, NA int
	Expiring                             int
	Score                                string
	Crit, High, Med, Low                 int // FAIL by severity
	Trend                                template.HTML
	TrendText                            string
}

func newHTMLTeams(r *Report) []htmlTeam {
	trends := map[string]TeamTrend{}
	if r.History != nil {
		for _, t := range r.History.Trend {
			trends[teamName(t.Team)] = t
		}
	}
	var out []htmlTeam
	for _, t := range groupByTeam(r.Results, nil) {
		s := summarizePointers(t.results)
		row := htmlTeam{
			Name: htmlText(t.name), Fail: s.Fail, Error: s.Error, Waived: s.Waived, Pass: s.Pass, Total: s.Total, NA: s.NotApplicable,
			Expiring: t.expiringWaivers(r.GeneratedAt), Score: strconv.FormatFloat(s.Score, 'f', 1, 64),
			Crit: s.BySeverity[SeverityCritical].Fail, High: s.BySeverity[SeverityHigh].Fail,
			Med: s.BySeverity[SeverityMedium].Fail, Low: s.BySeverity[SeverityLow].Fail,
		}
		if tr, ok := trends[t.name]; ok && len(tr.Points) > 1 {
			failing, _ := tr.trendSeries()
			var counts []string
			for _, f := range failing {
				counts = append(counts, strconv.Itoa(int(f)))
			}
			row.TrendText = "FAIL " + strings.Join(counts, " → ")
			// svgSparkline escapes its label; the points are numbers.
			row.Trend = template.HTML(svgSparkline(failing, 90, 20, row.TrendText)) //nolint:gosec // built from numbers and an escaped label
		}
		out = append(out, row)
	}
	return out
}

// htmlWaiverStatus is one waiver of the waivers file that needs attention:
// expiring, expired or unused (the Markdown's "Waivers needing attention").
type htmlWaiverStatus struct {
	State, Control, Scope, Owner, Expires, When, Reason string
}

func newHTMLWaiverAttention(r *Report) []htmlWaiverStatus {
	var out []htmlWaiverStatus
	list := slices.Clone(r.Waivers)
	slices.SortStableFunc(list, func(a, b WaiverStatus) int {
		return cmp.Or(cmp.Compare(a.Expires, b.Expires), cmp.Compare(a.Control, b.Control))
	})
	for _, w := range list {
		if w.State != WaiverExpiring && w.State != WaiverExpired && w.State != WaiverUnused {
			continue
		}
		out = append(out, htmlWaiverStatus{
			State: htmlText(string(w.State)), Control: htmlText(w.Control), Scope: htmlText(waiverScope(w)),
			Owner: htmlText(w.Owner), Expires: htmlText(w.Expires), When: htmlText(waiverStateText(w)), Reason: htmlText(w.Reason),
		})
	}
	return out
}

// htmlErrorOwned is one ERROR result whose cause is a failed call: the
// Markdown's "Not observed: for <owner> to fix" section.
type htmlErrorOwned struct {
	Team, Account, Region, Control, Message string
}

func newHTMLErrorOwned(r *Report) ([]htmlErrorOwned, string) {
	var out []htmlErrorOwned
	owner := ""
	for _, res := range ErrorOwned(r.Results) {
		owner = cmp.Or(owner, res.Team)
		account := res.AccountID
		if res.AccountName != "" {
			account = res.AccountName + " (" + res.AccountID + ")"
		}
		out = append(out, htmlErrorOwned{Team: htmlText(teamName(res.Team)), Account: htmlText(account), Region: htmlText(res.Region), Control: htmlText(res.ControlID), Message: htmlText(res.Message)})
	}
	return out, htmlText(teamName(owner))
}

// htmlControlCount is one control's results not listed row by row.
type htmlControlCount struct {
	Control, Severity, Team string
	Fail, Error, Waived     int
	Pass                    int
	DocURL                  string
}

// newHTMLControlCounts counts, per control and team, the results the rows
// table leaves out; empty when every result is listed.
func newHTMLControlCounts(omitted []*Result) []htmlControlCount {
	type key struct{ control, team string }
	index := map[key]int{}
	var out []htmlControlCount
	for _, res := range omitted {
		k := key{res.ControlID, teamName(res.Team)}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, htmlControlCount{Control: htmlText(res.ControlID), Severity: htmlText(string(res.Severity)), Team: htmlText(k.team)})
		}
		switch res.Status {
		case StatusFail:
			out[i].Fail++
		case StatusError:
			out[i].Error++
		case StatusWaived:
			out[i].Waived++
		case StatusPass:
			out[i].Pass++
		}
	}
	slices.SortStableFunc(out, func(a, b htmlControlCount) int {
		return cmp.Or(cmp.Compare(b.Fail, a.Fail), cmp.Compare(Severity(b.Severity).Rank(), Severity(a.Severity).Rank()),
			cmp.Compare(a.Control, b.Control), compareTeams(a.Team, b.Team))
	})
	return out
}

// accountTeams maps each account to the teams owning its results, as the
// heatmap's data-teams attribute ("a b").
func accountTeams(results []Result) map[string]string {
	sets := map[string]map[string]bool{}
	for _, r := range results {
		if sets[r.AccountID] == nil {
			sets[r.AccountID] = map[string]bool{}
		}
		sets[r.AccountID][htmlText(teamName(r.Team))] = true
	}
	out := make(map[string]string, len(sets))
	for a, s := range sets {
		out[a] = strings.Join(sortedKeys(s), " ")
	}
	return out
}

// heatSummaryCell counts the accounts in each coverage state for one region
// and service.
type heatSummaryCell struct {
	Enabled, Disabled, Error, Unknown int
	State, Label                      string // the worst state present
}

// htmlMaxCoverageTeams: the coverage summary is counted again for each team
// (for the team filter) up to this many teams; above, it counts all
// accounts whatever the filter, and says so.
const htmlMaxCoverageTeams = 40

// heatSummaryTeam is the coverage summary of the accounts holding a team's
// results, shown under the team filter as the grid's rows would be.
type heatSummaryTeam struct {
	Team string
	Rows []heatSummaryRow
}

// summarizeHeatmapByTeam is summarizeHeatmap for each team's accounts, or
// nil above htmlMaxCoverageTeams teams.
func summarizeHeatmapByTeam(h heatmapView) []heatSummaryTeam {
	byTeam := map[string][]heatRow{}
	for _, acct := range h.Rows {
		for _, team := range strings.Fields(acct.Teams) {
			byTeam[team] = append(byTeam[team], acct)
		}
	}
	if len(byTeam) > htmlMaxCoverageTeams {
		return nil
	}
	teams := slices.Collect(maps.Keys(byTeam))
	slices.SortStableFunc(teams, compareTeams)
	var out []heatSummaryTeam
	for _, team := range teams {
		out = append(out, heatSummaryTeam{Team: team, Rows: summarizeHeatmap(h, byTeam[team])})
	}
	return out
}

// summarizeHeatmap turns the grid's rows (accounts) into one row per
// region, a cell per service, counting accounts by state.
func summarizeHeatmap(h heatmapView, accounts []heatRow) []heatSummaryRow {
	var rows []heatSummaryRow
	for gi, region := range h.Regions {
		row := heatSummaryRow{Region: region}
		for si, svc := range h.Services {
			var c heatSummaryCell
			for _, acct := range accounts {
				switch acct.Cells[gi*len(h.Services)+si].State {
				case string(CoverageEnabled):
					c.Enabled++
				case string(CoverageDisabled):
					c.Disabled++
				case string(CoverageError):
					c.Error++
				default:
					c.Unknown++
				}
			}
			c.State = string(CoverageEnabled)
			switch {
			case c.Error > 0:
				c.State = string(CoverageError)
			case c.Disabled > 0:
				c.State = string(CoverageDisabled)
			case c.Unknown > 0:
				c.State = "unknown"
			}
			c.Label = fmt.Sprintf("%s · %s: %d enabled, %d disabled, %d error, %d not observed", region, svc.Name, c.Enabled, c.Disabled, c.Error, c.Unknown)
			row.Cells = append(row.Cells, c)
		}
		rows = append(rows, row)
	}
	return rows
}

type heatSummaryRow struct {
	Region string
	Cells  []heatSummaryCell
}
