package report

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// HTMLWriter writes the report as one self-contained page: no external
// assets, no build step. It shows the totals and score, FAIL counts by
// severity as an inline SVG bar chart, a coverage heatmap of accounts ×
// regions × services, and a findings table filtered by team, severity,
// status and service with a little vanilla JavaScript. The filter can be
// preset from the URL fragment, e.g. report.html#severity=critical&status=FAIL.
//
// html/template escapes every string from AWS for its context, control and
// bidirectional-override characters are removed first, and a
// Content-Security-Policy allows only the page's own style and script (by
// hash) and no network load at all.
type HTMLWriter struct{}

// Extension implements Writer.
func (HTMLWriter) Extension() string { return "html" }

// Write renders r. It does not modify r.
func (HTMLWriter) Write(w io.Writer, doc Document) error {
	r, ok := doc.(*Report)
	if !ok {
		return &UnsupportedError{Format: "html", Kind: doc.Kind()}
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, newHTMLView(r)); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// htmlCSP allows the inline style and script by their hashes and nothing
// else: no other script runs and nothing is fetched, even if some text
// escaped its escaping.
var htmlCSP = "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'; " +
	"style-src " + cspHash(htmlCSS) + "; script-src " + cspHash(htmlJS)

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

type htmlView struct {
	Title     string
	Tool      string
	Generated string
	Scope     string
	Summary   Summary
	Score     string
	CSP       string
	CSS       template.CSS
	JS        template.JS

	SeverityCounts []severityCounts
	Chart          svgChart
	Heatmap        heatmapView
	Filters        []htmlFilter
	Rows           []htmlRow
	PageRows       int // rows displayed at first when there are more (Paged); the script shows more on request
	Paged          bool
	Counts         string // the initial "n FAIL · n ERROR · …" of the shown rows
	Waivers        []htmlWaiver
	Errors         []Error
	CoverageGaps   []CoverageGap
	Changes        *htmlChanges

	Teams           []htmlTeam         // the team table; its rows feed the cards under the team filter
	WaiverAttention []htmlWaiverStatus // waivers expiring, expired or unused
	ErrorOwned      []htmlErrorOwned   // ERROR results caused by a failed call
	ErrorOwner      string             // who owns them (--error-owner)
	ControlCounts   []htmlControlCount // results not listed row by row, per control and team
	Omitted         string             // what the rows table leaves out, e.g. "52,000 FAIL, 180,000 PASS"
	HeatSummary     []heatSummaryRow   // the coverage per region and service, above htmlMaxGridAccounts
	HeatTeams       []heatSummaryTeam  // and per team, for the team filter (nil: too many teams)
	HeatAccounts    int                // accounts in the coverage
	HasTrend        bool               // --history gave the teams a trend
}

type severityCounts struct {
	Severity Severity
	StatusCounts
}

type htmlFilter struct {
	Name    string // data attribute and URL fragment key
	Label   string
	Options []string
}

type htmlRow struct {
	Status, Severity, Control, Title, Service string
	Account, AccountID, Region                string
	Resource, ResourceFull, ResourceURL       string
	Message                                   []textLink // ARNs with a console page are links
	Remediation                               string
	References                                []textLink // URLs and Security Hub control ids are links
	Team                                      string
	Waiver                                    string
	Change                                    string // "new" or "regressed" since the previous scan
	Finding                                   *htmlFinding
	Later                                     bool // hidden until the reader asks for more rows (htmlPageRows)
}

// htmlFinding is what a finding-level result shows of its finding: the
// title, the Security Hub control id linked to its documentation (L-1), the
// finding linked to its console page (L-2, L-3) and the SLA.
type htmlFinding struct {
	Title, Product, Control, ControlURL, URL, SLA string
}

type htmlWaiver struct {
	Control, Account, Region, Resource, Team string
	Owner, Expires, Reason                   string
	Warning                                  string // "expires in 5 days" when close, "expired"
}

type htmlChanges struct {
	Previous     string
	Counts       string
	Rows         []htmlChange
	CoverageLost []htmlCoverageChange
}

type htmlChange struct {
	Change, Label, Severity, Control, Title string
	Account, Region, Resource, ResourceFull string
	Message, Team                           string
}

type htmlCoverageChange struct {
	Account, Region, Service, Before, Now, Team string
}

func newHTMLView(r *Report) htmlView {
	v := htmlView{
		Title:     "Baseline report",
		Tool:      htmlText(cmp.Or(r.Tool.Name, "baseline") + " " + r.Tool.Version),
		Generated: formatScanTime(r.GeneratedAt),
		Scope:     plural(len(r.Scope.Accounts), "account", "accounts") + " × " + plural(len(r.Scope.Regions), "region", "regions"),
		Summary:   r.Summary,
		Score:     strconv.FormatFloat(r.Summary.Score, 'f', 1, 64),
		CSP:       htmlCSP,
		CSS:       template.CSS(htmlCSS),
		JS:        template.JS(htmlJS),
		Chart:     newSVGChart(r.Summary),
		Heatmap:   newHeatmap(r),
		Errors:    sortedErrors(r.Errors),
	}
	for i, e := range v.Errors {
		v.Errors[i] = Error{
			AccountID: htmlText(e.AccountID), Region: htmlText(e.Region), Service: htmlText(e.Service),
			Operation: htmlText(e.Operation), Code: htmlText(e.Code), Message: htmlText(e.Message),
		}
	}

	for _, g := range sortedCoverageGaps(r.CoverageGaps) {
		v.CoverageGaps = append(v.CoverageGaps, CoverageGap{AccountID: htmlText(g.AccountID), Region: htmlText(g.Region), Service: htmlText(g.Service), Reason: htmlText(g.Reason)})
	}

	teams, services := map[string]bool{}, map[string]bool{}
	var listed, omitted []*Result
	listPass := r.Summary.Pass <= htmlMaxPassRows
	for _, res := range attentionOrder(pointers(r.Results)) {
		switch {
		case res.Status == StatusNotApplicable:
			continue // counted in the summary, listed in the JSON
		case len(listed) >= htmlMaxRows || (res.Status == StatusPass && !listPass):
			omitted = append(omitted, res)
		default:
			listed = append(listed, res)
		}
		teams[htmlText(teamName(res.Team))] = true
		services[htmlText(res.Service())] = true
		if res.Status == StatusWaived {
			v.Waivers = append(v.Waivers, newHTMLWaiver(*res, r.GeneratedAt))
		}
	}
	for _, res := range listed {
		v.Rows = append(v.Rows, newHTMLRow(*res))
	}
	pageRows(&v)
	if len(omitted) > 0 {
		v.ControlCounts = newHTMLControlCounts(omitted)
		v.Omitted = statusCountsText(summarizePointers(omitted))
	}
	v.Teams = newHTMLTeams(r)
	v.WaiverAttention = newHTMLWaiverAttention(r)
	v.ErrorOwned, v.ErrorOwner = newHTMLErrorOwned(r)
	v.HeatAccounts = len(v.Heatmap.Rows)
	if len(v.Heatmap.Rows) > htmlMaxGridAccounts {
		v.HeatSummary = summarizeHeatmap(v.Heatmap, v.Heatmap.Rows)
		v.HeatTeams = summarizeHeatmapByTeam(v.Heatmap)
		v.Heatmap.Rows = nil
	}
	for _, t := range v.Teams {
		v.HasTrend = v.HasTrend || t.Trend != ""
	}
	slices.SortStableFunc(v.Waivers, func(a, b htmlWaiver) int { return cmp.Compare(a.Expires, b.Expires) })
	v.Counts = statusCountsText(r.Summary)
	for _, sev := range Severities {
		v.SeverityCounts = append(v.SeverityCounts, severityCounts{sev, r.Summary.BySeverity[sev]})
	}

	teamNames := sortedKeys(teams)
	slices.SortStableFunc(teamNames, compareTeams)
	var sevs []string
	for _, s := range Severities {
		sevs = append(sevs, string(s))
	}
	v.Filters = []htmlFilter{
		{Name: "team", Label: "Team", Options: teamNames},
		{Name: "severity", Label: "Severity", Options: sevs},
		{Name: "status", Label: "Status", Options: []string{string(StatusFail), string(StatusError), string(StatusWaived), string(StatusPass)}},
		{Name: "service", Label: "Service", Options: sortedKeys(services)},
	}

	if d := r.Diff; d != nil {
		v.Changes = &htmlChanges{
			Previous: formatScanTime(d.Previous.GeneratedAt),
			Counts:   diffCountsText(d.Summary),
		}
		if s := d.Summary; s.CoverageLost+s.CoverageGained > 0 {
			v.Changes.Counts += fmt.Sprintf(" · coverage: %d lost, %d gained", s.CoverageLost, s.CoverageGained)
		}
		for _, c := range changeRows(d) {
			v.Changes.Rows = append(v.Changes.Rows, htmlChange{
				Change: c.Change, Label: htmlText(c.changeLabel()), Severity: htmlText(string(c.Severity)),
				Control: htmlText(c.ControlID), Title: htmlText(c.Title),
				Account:      htmlAccount(Result{AccountID: c.AccountID, AccountName: c.AccountName}),
				Region:       htmlText(c.Region),
				Resource:     htmlText(shortResource(Result{AccountID: c.AccountID, Resource: c.Resource})),
				ResourceFull: htmlText(c.Resource), Message: htmlText(c.Message), Team: htmlText(teamName(c.Team)),
			})
		}
		for _, c := range d.CoverageLost {
			v.Changes.CoverageLost = append(v.Changes.CoverageLost, htmlCoverageChange{
				Account: htmlText(c.AccountID), Region: htmlText(c.Region), Service: htmlText(c.Service),
				Before: htmlText(cmp.Or(string(c.PreviousState), "absent")), Now: htmlText(cmp.Or(string(c.State), "absent")),
				Team: htmlText(teamName(c.Team)),
			})
		}
		// Mark the findings that are new since the previous scan.
		changed := map[string]string{}
		for _, c := range d.New {
			changed[c.Key()] = "new"
		}
		for _, c := range d.Regressed {
			changed[c.Key()] = "regressed"
		}
		// v.Rows are the listed results, in the same order.
		for i, res := range listed {
			v.Rows[i].Change = changed[res.Key()]
		}
	}
	return v
}

func newHTMLRow(res Result) htmlRow {
	row := htmlRow{
		Status:       htmlText(string(res.Status)),
		Severity:     htmlText(string(res.Severity)),
		Control:      htmlText(res.ControlID),
		Title:        htmlText(res.Title()),
		Service:      htmlText(res.Service()),
		Account:      htmlAccount(res),
		AccountID:    htmlText(res.AccountID),
		Region:       htmlText(res.Region),
		Resource:     htmlText(shortResource(res)),
		ResourceFull: htmlText(res.Resource),
		ResourceURL:  consoleURL(htmlText(res.Resource)),
		Message:      linkify(htmlText(res.Message)),
		Remediation:  htmlText(res.Remediation()),
		Team:         htmlText(teamName(res.Team)),
	}
	if f := res.Finding; f != nil {
		row.Finding = &htmlFinding{
			Title: htmlText(f.Title), Product: htmlText(f.Product), Control: htmlText(f.ControlID),
			ControlURL: securityHubControlDocURL(htmlText(f.ControlID)), URL: findingConsoleURL(res),
		}
		if f.SLADue != "" {
			sla := fmt.Sprintf("first observed %s · SLA %d days, due %s", prefix(f.FirstObservedAt, 10), f.SLADays, f.SLADue)
			if f.DaysOverdue != nil {
				sla += " · " + plural(*f.DaysOverdue, "day", "days") + " overdue"
			}
			row.Finding.SLA = htmlText(sla)
		}
	}
	for _, ref := range res.References() {
		ref = htmlText(ref)
		row.References = append(row.References, textLink{Text: ref, URL: referenceURL(ref)})
	}
	if res.Status == StatusWaived {
		row.Waiver = htmlText(waiverNote(res.Waiver))
		if res.Waiver != nil && res.Waiver.Reason != "" {
			row.Waiver += ": " + htmlText(res.Waiver.Reason)
		}
	}
	return row
}

func newHTMLWaiver(res Result, now time.Time) htmlWaiver {
	w := htmlWaiver{
		Control: htmlText(res.ControlID), Account: htmlAccount(res), Region: htmlText(res.Region),
		Resource: htmlText(shortResource(res)), Team: htmlText(teamName(res.Team)),
	}
	if res.Waiver == nil {
		return w
	}
	w.Owner, w.Expires, w.Reason = htmlText(res.Waiver.Owner), htmlText(res.Waiver.Expires), htmlText(res.Waiver.Reason)
	if days, ok := waiverDaysLeft(res.Waiver, now); ok {
		switch {
		case days < 0:
			w.Warning = "expired"
		case days <= ExpiringWithinDays:
			w.Warning = daysLeftText(days)
		}
	}
	return w
}

func htmlAccount(res Result) string {
	if res.AccountName == "" {
		return htmlText(res.AccountID)
	}
	return htmlText(res.AccountName) + " (" + htmlText(res.AccountID) + ")"
}

// statusCountsText is e.g. "4 FAIL · 1 ERROR · 1 WAIVED · 3 PASS"; the page's
// script writes the same text for the rows a filter shows.
func statusCountsText(s Summary) string {
	text := fmt.Sprintf("%d FAIL · %d ERROR · %d WAIVED · %d PASS", s.Fail, s.Error, s.Waived, s.Pass)
	if s.NotApplicable > 0 {
		text += fmt.Sprintf(" · %d NOT_APPLICABLE (not shown, not scored)", s.NotApplicable)
	}
	return text
}

// svgChart is a horizontal bar chart of FAIL counts by severity, laid out
// here because templates do no arithmetic.
type svgChart struct {
	Width, Height int
	Label         string
	Bars          []svgBar
}

type svgBar struct {
	Severity        string
	Count           int
	Y, TextY, Width int
	LabelX          int
}

func newSVGChart(s Summary) svgChart {
	const (
		left, barMax, rowHeight, barHeight = 76, 240, 30, 20
	)
	c := svgChart{Width: left + barMax + 56, Height: rowHeight * len(Severities)}
	most := 0
	for _, sev := range Severities {
		most = max(most, s.BySeverity[sev].Fail)
	}
	var labels []string
	for i, sev := range Severities {
		n := s.BySeverity[sev].Fail
		w := 0
		if most > 0 {
			w = n * barMax / most
		}
		if n > 0 {
			w = max(w, 2) // a failure is never an invisible bar
		}
		c.Bars = append(c.Bars, svgBar{
			Severity: string(sev), Count: n,
			Y: i*rowHeight + (rowHeight-barHeight)/2, TextY: i*rowHeight + rowHeight/2 + 5,
			Width: w, LabelX: left + w + 6,
		})
		labels = append(labels, fmt.Sprintf("%s %d", sev, n))
	}
	c.Label = "FAIL results by severity: " + strings.Join(labels, ", ")
	return c
}

// heatmapView is the coverage grid: a row per account, a column group per
// region, a cell per service in each.
type heatmapView struct {
	Regions  []string
	Services []heatService
	Rows     []heatRow
	Total    int
}

type heatService struct{ Name, Abbrev string }

type heatRow struct {
	Account string
	Teams   string // the teams owning the account's results, for the team filter
	Cells   []heatCell
}

type heatCell struct {
	Region, Service, State, Symbol, Label string
}

// coverageSymbols make the heatmap readable without colour.
var coverageSymbols = map[string]string{
	string(CoverageEnabled):  "✓",
	string(CoverageDisabled): "✗",
	string(CoverageError):    "!",
	"unknown":                "·",
}

var serviceAbbrevs = map[string]string{
	"securityhub": "SH", "guardduty": "GD", "cloudtrail": "CT", "ssm": "SSM",
}

// newHeatmap lays out the coverage of every account of the scope (and of the
// coverage list) in every region, for every service that has coverage or
// results. A combination without a coverage entry is "unknown": it was not
// observed, which is not the same as disabled.
func newHeatmap(r *Report) heatmapView {
	accounts, regions, services := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, a := range r.Scope.Accounts {
		accounts[a] = true
	}
	for _, g := range r.Scope.Regions {
		regions[g] = true
	}
	states := map[[3]string]string{}
	for _, c := range r.Coverage {
		accounts[c.AccountID], regions[c.Region], services[c.Service] = true, true, true
		states[[3]string{c.AccountID, c.Region, c.Service}] = string(c.State)
	}
	names := map[string]string{}
	for _, res := range r.Results {
		if res.Service() != "" {
			services[res.Service()] = true
		}
		if res.AccountName != "" && names[res.AccountID] == "" {
			names[res.AccountID] = res.AccountName
		}
	}

	h := heatmapView{}
	for _, g := range sortedKeys(regions) {
		h.Regions = append(h.Regions, htmlText(g))
	}
	serviceList := sortedKeys(services)
	for _, s := range serviceList {
		h.Services = append(h.Services, heatService{Name: htmlText(s), Abbrev: cmp.Or(serviceAbbrevs[s], strings.ToUpper(prefix(htmlText(s), 3)))})
	}
	owners := accountTeams(r.Results)
	for _, a := range sortedKeys(accounts) {
		label := htmlAccount(Result{AccountID: a, AccountName: names[a]})
		row := heatRow{Account: label, Teams: owners[a]}
		for _, g := range sortedKeys(regions) {
			for _, s := range serviceList {
				state := cmp.Or(states[[3]string{a, g, s}], "unknown")
				text := state
				if state == "unknown" {
					text = "not observed"
				}
				row.Cells = append(row.Cells, heatCell{
					Region: htmlText(g), Service: htmlText(s), State: htmlText(state),
					Symbol: cmp.Or(coverageSymbols[state], "?"),
					Label:  label + " · " + htmlText(g) + " · " + htmlText(s) + ": " + htmlText(text),
				})
			}
		}
		h.Rows = append(h.Rows, row)
	}
	h.Total = len(accounts) * len(regions) * len(services)
	return h
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"lower": strings.ToLower,
}).Parse(htmlPage))

const htmlPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="referrer" content="no-referrer">
<title>{{.Title}} · {{.Generated}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="meta">{{.Tool}} · scanned {{.Generated}} · {{.Scope}}</p>
</header>
<main>
<section class="overview" aria-label="Summary">
<p id="team-note" class="sub" aria-live="polite"></p>
<div class="cards">
<div class="card score"><span class="num" data-count="score">{{.Score}}</span><span class="lbl">score</span></div>
<div class="card st-FAIL"><span class="num" data-count="fail">{{.Summary.Fail}}</span><span class="lbl">FAIL</span></div>
<div class="card st-ERROR"><span class="num" data-count="error">{{.Summary.Error}}</span><span class="lbl">ERROR</span></div>
<div class="card st-WAIVED"><span class="num" data-count="waived">{{.Summary.Waived}}</span><span class="lbl">WAIVED</span></div>
<div class="card st-PASS"><span class="num" data-count="pass">{{.Summary.Pass}}</span><span class="lbl">PASS</span></div>
<div class="card"><span class="num" data-count="total">{{.Summary.Total}}</span><span class="lbl">results</span></div>
</div>
<div class="chart">
<h2>Failing by severity</h2>
<svg id="severity-chart" width="{{.Chart.Width}}" height="{{.Chart.Height}}" viewBox="0 0 {{.Chart.Width}} {{.Chart.Height}}" role="img" aria-label="{{.Chart.Label}}">
<title>{{.Chart.Label}}</title>
{{- range .Chart.Bars}}
<g class="bar sev-{{.Severity}}" data-severity="{{.Severity}}">
<text x="0" y="{{.TextY}}" class="axis">{{.Severity}}</text>
<rect x="76" y="{{.Y}}" width="{{.Width}}" height="20" rx="2"></rect>
<text x="{{.LabelX}}" y="{{.TextY}}" class="value" data-count="{{.Severity}}">{{.Count}}</text>
</g>
{{- end}}
</svg>
</div>
<table class="counts" aria-label="Results by severity and status">
<thead><tr><th>Severity</th><th>FAIL</th><th>ERROR</th><th>WAIVED</th><th>PASS</th></tr></thead>
<tbody>
{{- range .SeverityCounts}}
<tr data-severity="{{.Severity}}"><th><span class="sev sev-{{.Severity}}">{{.Severity}}</span></th><td>{{.Fail}}</td><td>{{.Error}}</td><td>{{.Waived}}</td><td>{{.Pass}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- if .Teams}}
<section id="teams">
<h2>Teams</h2>
<p class="sub">Choosing a team in the results filter sets the cards above and the coverage to that team.</p>
<table class="findings" id="team-table">
<thead><tr><th>Team</th><th>FAIL</th><th>critical</th><th>high</th><th>ERROR</th><th>WAIVED</th><th>Waivers expiring ≤ 14 days</th><th>PASS</th><th>Score</th>{{if $.HasTrend}}<th>Trend</th>{{end}}</tr></thead>
<tbody>
{{- range .Teams}}
<tr data-team="{{.Name}}" data-fail="{{.Fail}}" data-error="{{.Error}}" data-waived="{{.Waived}}" data-pass="{{.Pass}}" data-total="{{.Total}}" data-score="{{.Score}}" data-critical="{{.Crit}}" data-high="{{.High}}" data-medium="{{.Med}}" data-low="{{.Low}}"><th>{{.Name}}</th><td>{{.Fail}}</td><td>{{.Crit}}</td><td>{{.High}}</td><td>{{.Error}}</td><td>{{.Waived}}</td><td>{{.Expiring}}</td><td>{{.Pass}}</td><td>{{.Score}}</td>{{if $.HasTrend}}<td title="{{.TrendText}}">{{.Trend}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- with .Changes}}
<section id="changes">
<h2>Changes since the previous scan</h2>
<p>Compared with the scan of {{.Previous}}: <span id="diff-counts">{{.Counts}}</span></p>
{{- if .Rows}}
<div class="scroll">
<table class="findings">
<thead><tr><th>Change</th><th>Severity</th><th>Control</th><th>Account</th><th>Region</th><th>Resource</th><th>Message</th><th>Team</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr data-change="{{.Change}}"><td><span class="chg chg-{{.Change}}">{{.Label}}</span></td><td><span class="sev sev-{{.Severity}}">{{.Severity}}</span></td><td><span class="ctl">{{.Control}}</span><br><span class="sub">{{.Title}}</span></td><td>{{.Account}}</td><td class="nw">{{.Region}}</td><td class="res" title="{{.ResourceFull}}">{{.Resource}}</td><td class="msg">{{.Message}}</td><td>{{.Team}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
{{- if .CoverageLost}}
<h3>Coverage lost</h3>
<table class="findings">
<thead><tr><th>Account</th><th>Region</th><th>Service</th><th>Before</th><th>Now</th><th>Team</th></tr></thead>
<tbody>
{{- range .CoverageLost}}
<tr><td>{{.Account}}</td><td class="nw">{{.Region}}</td><td>{{.Service}}</td><td>{{.Before}}</td><td>{{.Now}}</td><td>{{.Team}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
</section>
{{- end}}
<section id="coverage">
<h2>Coverage</h2>
<p class="legend">
<span class="cov cov-enabled">✓</span> enabled
<span class="cov cov-disabled">✗</span> disabled
<span class="cov cov-error">!</span> error (could not be checked)
<span class="cov cov-unknown">·</span> not observed
{{- range .Heatmap.Services}} · <abbr title="{{.Name}}">{{.Abbrev}}</abbr> {{.Name}}{{end}}
</p>
{{- if .HeatSummary}}
<p>{{.HeatAccounts}} accounts: too many for a row each, so each cell counts the accounts by state (the worst state colours it). The JSON report lists every account's coverage.{{if .HeatTeams}} Choosing a team counts only the accounts holding its results.{{else}} The counts are of all accounts whatever the team filter: there are too many teams to count apart.{{end}}</p>
<div class="scroll">
<table id="heatmap-summary" data-cells="{{.Heatmap.Total}}">
<thead><tr><th scope="col">Region</th>{{range .Heatmap.Services}}<th scope="col" class="svc"><abbr title="{{.Name}}">{{.Abbrev}}</abbr></th>{{end}}</tr></thead>
<tbody data-team="">
{{- range .HeatSummary}}
{{template "heatsum" .}}
{{- end}}
</tbody>
{{- range .HeatTeams}}
<tbody data-team="{{.Team}}" hidden>
{{- range .Rows}}
{{template "heatsum" .}}
{{- end}}
</tbody>
{{- end}}
</table>
</div>
{{- else}}
<div class="scroll">
<table id="heatmap" data-cells="{{.Heatmap.Total}}">
<thead>
<tr><th rowspan="2" scope="col">Account</th>{{range .Heatmap.Regions}}<th colspan="{{len $.Heatmap.Services}}" scope="colgroup" class="region">{{.}}</th>{{end}}</tr>
<tr>{{range .Heatmap.Regions}}{{range $.Heatmap.Services}}<th scope="col" class="svc"><abbr title="{{.Name}}">{{.Abbrev}}</abbr></th>{{end}}{{end}}</tr>
</thead>
<tbody>
{{- range .Heatmap.Rows}}
<tr data-teams="{{.Teams}}"><th scope="row">{{.Account}}</th>{{range .Cells}}<td class="cov cov-{{.State}}" data-region="{{.Region}}" data-service="{{.Service}}" data-state="{{.State}}" title="{{.Label}}" aria-label="{{.Label}}">{{.Symbol}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
</section>
<section id="results">
<h2>Results</h2>
<form id="filters" hidden>
{{- range .Filters}}
<label>{{.Label}} <select name="{{.Name}}"><option value="">all</option>{{range .Options}}<option value="{{.}}">{{.}}</option>{{end}}</select></label>
{{- end}}
<button type="reset">Show all</button>
</form>
<p class="shown">Showing <strong id="shown-count">{{len .Rows}}</strong> of {{len .Rows}} listed results: <span id="shown-by-status">{{.Counts}}</span>{{if .Paged}}<span id="page-note">; the first <span id="page-count">{{.PageRows}}</span> are displayed, to open fast</span>{{end}}</p>
{{- with .Omitted}}
<p class="note">Not listed one by one, to keep the page small: {{.}}. They are counted by control below and listed in the JSON report; <code>--team</code>, <code>--severity</code> or <code>--status</code> narrow the page.</p>
{{- end}}
<div class="scroll">
<table id="findings" class="findings"{{if .Paged}} data-page="{{.PageRows}}"{{end}}>
<thead><tr><th>Status</th><th>Severity</th><th>Control</th><th>Account</th><th>Region</th><th>Resource</th><th>Message</th><th>Team</th></tr></thead>
<tbody>
{{- range .Rows}}
{{template "row" .}}
{{- end}}
</tbody>
</table>
</div>
{{- if .Paged}}
<p id="paging" hidden><button type="button" id="show-more">Show {{.PageRows}} more rows</button> <button type="button" id="show-all">Show all {{len .Rows}} rows</button></p>
{{- end}}
{{- if .ControlCounts}}
<h3>Not listed, by control and team</h3>
<div class="scroll">
<table class="findings" id="control-counts">
<thead><tr><th>Control</th><th>Severity</th><th>Team</th><th>FAIL</th><th>ERROR</th><th>WAIVED</th><th>PASS</th></tr></thead>
<tbody>
{{- range .ControlCounts}}
<tr data-team="{{.Team}}"><td><span class="ctl">{{.Control}}</span></td><td><span class="sev sev-{{.Severity}}">{{.Severity}}</span></td><td>{{.Team}}</td><td>{{.Fail}}</td><td>{{.Error}}</td><td>{{.Waived}}</td><td>{{.Pass}}</td></tr>
{{- end}}
</tbody>
</table>
</div>
{{- end}}
</section>
{{- if .ErrorOwned}}
<section id="error-owned">
<h2>Not observed: for {{.ErrorOwner}} to fix ({{len .ErrorOwned}})</h2>
<p>ERROR because a call failed (denied, throttled, unreachable): owned by the error owner (--error-owner), not by the accounts' teams.</p>
<table class="findings">
<thead><tr><th>Account</th><th>Region</th><th>Control</th><th>Message</th></tr></thead>
<tbody>
{{- range .ErrorOwned}}
<tr data-team="{{.Team}}"><td class="nw">{{.Account}}</td><td class="nw">{{.Region}}</td><td><span class="ctl">{{.Control}}</span></td><td>{{.Message}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- if .WaiverAttention}}
<section id="waivers-attention">
<h2>Waivers needing attention</h2>
<p>Expiring within 14 days, expired (their failures are FAIL again) or unused (nothing matched: remove or fix them).</p>
<table class="findings">
<thead><tr><th>State</th><th>Control</th><th>Scope</th><th>Owner</th><th>Expires</th><th></th><th>Reason</th></tr></thead>
<tbody>
{{- range .WaiverAttention}}
<tr class="waiver-{{.State}}"><td><strong>{{.State}}</strong></td><td><span class="ctl">{{.Control}}</span></td><td class="res">{{.Scope}}</td><td>{{.Owner}}</td><td class="nw">{{.Expires}}</td><td>{{.When}}</td><td>{{.Reason}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- if .Waivers}}
<section id="waivers">
<h2>Waivers</h2>
<table class="findings">
<thead><tr><th>Expires</th><th>Control</th><th>Account</th><th>Region</th><th>Resource</th><th>Team</th><th>Owner</th><th>Reason</th></tr></thead>
<tbody>
{{- range .Waivers}}
<tr{{if .Warning}} class="expiring"{{end}}><td>{{.Expires}}{{with .Warning}} <strong class="warn">⚠ {{.}}</strong>{{end}}</td><td>{{.Control}}</td><td>{{.Account}}</td><td class="nw">{{.Region}}</td><td class="res">{{.Resource}}</td><td>{{.Team}}</td><td>{{.Owner}}</td><td>{{.Reason}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- if .Errors}}
<section id="errors">
<h2>Collection errors ({{len .Errors}})</h2>
<p>These facts could not be collected; the controls that needed them report ERROR, never PASS.</p>
<table class="findings">
<thead><tr><th>Account</th><th>Region</th><th>Service</th><th>Operation</th><th>Code</th><th>Message</th></tr></thead>
<tbody>
{{- range .Errors}}
<tr><td>{{.AccountID}}</td><td>{{.Region}}</td><td>{{.Service}}</td><td>{{.Operation}}</td><td>{{.Code}}</td><td class="msg">{{.Message}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- if .CoverageGaps}}
<section id="coverage-gaps">
<h2>Administrator coverage gaps ({{len .CoverageGaps}})</h2>
<p>Not covered by the delegated administrator, so collected directly in the account.</p>
<table class="findings">
<thead><tr><th>Account</th><th>Region</th><th>Service</th><th>Reason</th></tr></thead>
<tbody>
{{- range .CoverageGaps}}
<tr><td>{{.AccountID}}</td><td class="nw">{{.Region}}</td><td>{{.Service}}</td><td>{{.Reason}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
</main>
<script>{{.JS}}</script>
</body>
</html>
{{define "heatsum"}}<tr><th scope="row">{{.Region}}</th>{{range .Cells}}<td class="cov cov-{{.State}} sum" title="{{.Label}}" aria-label="{{.Label}}">✓{{.Enabled}}{{if .Disabled}} ✗{{.Disabled}}{{end}}{{if .Error}} !{{.Error}}{{end}}{{if .Unknown}} ·{{.Unknown}}{{end}}</td>{{end}}</tr>{{end}}
{{define "row"}}<tr data-team="{{.Team}}" data-severity="{{.Severity}}" data-status="{{.Status}}" data-service="{{.Service}}"{{if .Later}} hidden{{end}}><td><span class="st st-{{.Status}}">{{.Status}}</span>{{with .Change}} <span class="chg chg-{{.}}">{{.}}</span>{{end}}</td><td><span class="sev sev-{{.Severity}}">{{.Severity}}</span></td><td><span class="ctl">{{.Control}}</span><br><span class="sub">{{.Title}}</span></td><td>{{.Account}}</td><td class="nw">{{.Region}}</td><td class="res" title="{{.ResourceFull}}">{{if .ResourceURL}}<a href="{{.ResourceURL}}" rel="noreferrer" target="_blank">{{.Resource}}</a>{{else}}{{.Resource}}{{end}}</td><td class="msg">{{with .Finding}}<strong>{{if .URL}}<a href="{{.URL}}" rel="noreferrer" target="_blank">{{.Title}}</a>{{else}}{{.Title}}{{end}}</strong>{{if .ControlURL}} · <a href="{{.ControlURL}}" rel="noreferrer" target="_blank">{{.Control}}</a>{{else if .Control}} · {{.Control}}{{end}}{{with .Product}} · {{.}}{{end}}{{with .SLA}}<br><span class="sub">{{.}}</span>{{end}}<br>{{end}}{{range .Message}}{{if .URL}}<a href="{{.URL}}" rel="noreferrer" target="_blank">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}{{with .Waiver}}<br><span class="sub">{{.}}</span>{{end}}{{if or .Remediation .References}}<details><summary>How to fix</summary>{{.Remediation}}{{with .References}}<br><span class="sub">{{range $i, $r := .}}{{if $i}} · {{end}}{{if $r.URL}}<a href="{{$r.URL}}" rel="noreferrer" target="_blank">{{$r.Text}}</a>{{else}}{{$r.Text}}{{end}}{{end}}</span>{{end}}</details>{{end}}</td><td>{{.Team}}</td></tr>{{end}}`

const htmlCSS = `
:root{--fg:#1d2330;--muted:#5b6476;--line:#d9dee7;--bg:#f6f7f9;--card:#fff;
--critical:#7b1228;--high:#d1342b;--medium:#d98200;--low:#2f6db5;
--fail:#c62828;--error:#8e3aa8;--waived:#6b7280;--pass:#2e7d32}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px 8px}
h1{margin:0;font-size:24px}
h2{font-size:17px;margin:0 0 10px}
h3{font-size:15px}
.meta,.sub{color:var(--muted)}
.sub{font-size:12px}
main{padding:0 28px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:14px 0}
.overview{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.cards{display:grid;grid-template-columns:repeat(3,110px);gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px;border-top:4px solid var(--line)}
.card .num{display:block;font-size:24px;font-weight:650}
.card .lbl{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.score{border-top-color:var(--fg)}
.card.st-FAIL{border-top-color:var(--fail)}.card.st-ERROR{border-top-color:var(--error)}
.card.st-WAIVED{border-top-color:var(--waived)}.card.st-PASS{border-top-color:var(--pass)}
.chart text{font-size:13px;fill:var(--fg)}
.chart .value{font-weight:650}
.bar.sev-critical rect{fill:var(--critical)}.bar.sev-high rect{fill:var(--high)}
.bar.sev-medium rect{fill:var(--medium)}.bar.sev-low rect{fill:var(--low)}
table{border-collapse:collapse}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{background:#eef1f5;font-weight:600;font-size:13px}
.counts td{text-align:right}
.scroll{overflow-x:auto}
.sev,.st{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}
.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}
.st-FAIL{background:var(--fail)}.st-ERROR{background:var(--error)}
.st-WAIVED{background:var(--waived)}.st-PASS{background:var(--pass)}
.card.st-FAIL,.card.st-ERROR,.card.st-WAIVED,.card.st-PASS{background:var(--card);color:var(--fg)}
.legend{color:var(--muted)}
.legend .cov{display:inline-block;width:22px;text-align:center;margin-left:8px}
#heatmap{font-size:13px}
#heatmap th.region{text-align:center;border-left:2px solid var(--card)}
#heatmap th.svc{text-align:center;font-weight:500;font-size:11px;color:var(--muted)}
#heatmap tbody th{white-space:nowrap;font-weight:500}
td.cov{text-align:center;min-width:34px;font-weight:700;border:2px solid var(--card)}
.cov-enabled{background:#cdebd0;color:#1b5e20}
.cov-disabled{background:#f8c9c9;color:#8e1b1b}
.cov-error{background:#fbd9a8;color:#8a4b00}
.cov-unknown{background:#e7e9ee;color:#666}
#filters{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin-bottom:8px}
#filters[hidden]{display:none}
select,button{font:inherit;padding:2px 4px}
.shown{margin:4px 0 8px}
.findings{width:100%}
.findings td.res{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all;max-width:260px}
.findings td.msg{min-width:300px;max-width:560px;overflow-wrap:anywhere}
.ctl{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
details summary{cursor:pointer;color:var(--muted);font-size:12px}
tr[hidden],.findings tr[hidden]{display:none}
.chg{display:inline-block;padding:0 5px;border-radius:3px;font-size:11px;font-weight:600;border:1px solid currentColor;white-space:nowrap}
.chg-new,.chg-regressed{color:var(--fail)}.chg-fixed{color:var(--pass)}
tr.expiring td{background:#fff6e0}
.warn{color:#8a4b00}
td.nw{white-space:nowrap}
a{color:#1a56a8}
.note{background:#fff6e0;border:1px solid #f0d9a0;border-radius:4px;padding:6px 10px}
td.sum{white-space:nowrap;font-weight:600;font-size:12px;padding:2px 6px}
#team-note:empty{display:none}
#team-note{flex-basis:100%;margin:0;font-weight:600}
.spark{vertical-align:middle;color:var(--fail)}
@media (max-width:640px){
header{padding:14px 12px 4px}
main{padding:0 8px 24px}
section{padding:12px 10px}
.cards{grid-template-columns:repeat(3,minmax(0,1fr))}
.chart svg{max-width:100%;height:auto}
.findings,.findings tbody,.findings tr,.findings td,.findings th{display:block;width:auto;max-width:none}
.findings thead{display:none}
.findings tr{border-bottom:2px solid var(--line);padding:6px 0}
.findings td,.findings tbody th{border:0;padding:1px 4px}
.findings td.res{max-width:none}
#findings td:nth-child(4)::before{content:"Account: ";color:var(--muted)}
#findings td:nth-child(5)::before{content:"Region: ";color:var(--muted)}
#findings td:nth-child(8)::before{content:"Team: ";color:var(--muted)}
#team-table td:nth-child(2)::before{content:"FAIL "}#team-table td:nth-child(3)::before{content:"critical "}
#team-table td:nth-child(4)::before{content:"high "}#team-table td:nth-child(5)::before{content:"ERROR "}
#team-table td:nth-child(6)::before{content:"WAIVED "}#team-table td:nth-child(7)::before{content:"expiring waivers "}
#team-table td:nth-child(8)::before{content:"PASS "}#team-table td:nth-child(9)::before{content:"score "}
#team-table td{display:inline-block;margin-right:8px}
#control-counts td:nth-child(4)::before{content:"FAIL "}#control-counts td:nth-child(5)::before{content:"ERROR "}
#control-counts td:nth-child(6)::before{content:"WAIVED "}#control-counts td:nth-child(7)::before{content:"PASS "}
#control-counts td{display:inline-block;margin-right:8px}
.scroll{max-width:100%}
td.cov{min-width:19px;padding:2px 0;font-size:11px;border-width:1px}
#heatmap th.svc{font-size:9px;padding:2px 0}
#heatmap tbody th{white-space:normal;font-size:11px;padding:2px 4px;min-width:90px}
#heatmap th.region{font-size:11px;padding:2px}
}
`

const htmlJS = `
"use strict";
(function () {
  var perf = window.performance && performance.mark ? performance : null;
  if (perf) { perf.mark("baseline:script-start"); }
  var form = document.getElementById("filters");
  if (!form) { return; }
  var keys = ["team", "severity", "status", "service"];
  var statuses = ["FAIL", "ERROR", "WAIVED", "PASS"];
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings tbody tr"));
  var shown = document.getElementById("shown-count");
  var byStatus = document.getElementById("shown-by-status");

  // A long table displays its first data-page matching rows and hides the
  // rest until asked: laying out thousands of rows takes seconds.
  var table = document.getElementById("findings");
  var page = parseInt(table.getAttribute("data-page"), 10) || 0; // 0: no paging
  var limit = page; // rows displayed; 0: every matching row
  var paging = document.getElementById("paging");
  var pageNote = document.getElementById("page-note");
  var pageCount = document.getElementById("page-count");
  var more = document.getElementById("show-more");
  var all = document.getElementById("show-all");

  function selected() {
    var want = {};
    keys.forEach(function (k) { want[k] = form.elements[k].value; });
    return want;
  }

  // The cards, the severity chart's labels and the coverage rows follow the
  // team filter: the team table's row holds the team's counts.
  var cardKeys = ["fail", "error", "waived", "pass", "total", "score", "critical", "high", "medium", "low"];
  var whole = {};
  cardKeys.forEach(function (k) {
    var el = document.querySelector('[data-count="' + k + '"]');
    whole[k] = el ? el.textContent : "";
  });
  var teamRows = Array.prototype.slice.call(document.querySelectorAll("#team-table tbody tr"));
  var gridRows = Array.prototype.slice.call(document.querySelectorAll("#heatmap tbody tr"));
  // Above a few dozen accounts the coverage is a summary per region, with a
  // body counted for each team.
  var sumBodies = Array.prototype.slice.call(document.querySelectorAll("#heatmap-summary tbody[data-team]"));
  var teamNote = document.getElementById("team-note");

  function showTeam(team) {
    var src = null;
    teamRows.forEach(function (tr) { if (tr.getAttribute("data-team") === team) { src = tr; } });
    cardKeys.forEach(function (k) {
      document.querySelectorAll('[data-count="' + k + '"]').forEach(function (el) {
        el.textContent = src ? src.getAttribute("data-" + k) : whole[k];
      });
    });
    gridRows.forEach(function (tr) {
      tr.hidden = team !== "" && (" " + tr.getAttribute("data-teams") + " ").indexOf(" " + team + " ") < 0;
    });
    var counted = sumBodies.some(function (tb) { return tb.getAttribute("data-team") === team; });
    sumBodies.forEach(function (tb) { tb.hidden = tb.getAttribute("data-team") !== (counted ? team : ""); });
    if (teamNote) { teamNote.textContent = team ? "Team " + team + " only (the results filter)." : ""; }
  }

  function apply() {
    var want = selected(), n = 0, displayed = 0, counts = {};
    showTeam(want.team);
    statuses.forEach(function (s) { counts[s] = 0; });
    rows.forEach(function (tr) {
      var match = keys.every(function (k) {
        return want[k] === "" || tr.getAttribute("data-" + k) === want[k];
      });
      var show = match && (limit === 0 || n < limit);
      if (tr.hidden === show) { tr.hidden = !show; } // an unchanged row costs no style work
      if (match) {
        n++;
        var s = tr.getAttribute("data-status");
        if (Object.prototype.hasOwnProperty.call(counts, s)) { counts[s]++; }
      }
      if (show) { displayed++; }
    });
    shown.textContent = String(n);
    byStatus.textContent = statuses.map(function (s) { return counts[s] + " " + s; }).join(" \u00b7 ");
    if (paging) {
      paging.hidden = pageNote.hidden = displayed === n;
      pageCount.textContent = String(displayed);
      more.textContent = "Show " + Math.min(page, n - displayed) + " more rows";
      all.textContent = "Show all " + n + " rows";
    }
    var hash = keys.filter(function (k) { return want[k] !== ""; })
      .map(function (k) { return k + "=" + encodeURIComponent(want[k]); }).join("&");
    if (hash !== location.hash.replace(/^#/, "")) {
      try {
        history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      } catch (e) { /* file: URLs may refuse; the filter still works */ }
    }
  }

  function decode(s) {
    try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch (e) { return s; }
  }

  // fromHash presets the filters from e.g. #severity=critical&status=FAIL,
  // ignoring case, so a link can point at one slice of the report.
  function fromHash() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (p) {
      var i = p.indexOf("=");
      if (i > 0) { params[decode(p.slice(0, i)).toLowerCase()] = decode(p.slice(i + 1)).toLowerCase(); }
    });
    keys.forEach(function (k) {
      var sel = form.elements[k], v = params[k] || "";
      sel.selectedIndex = 0;
      for (var i = 0; i < sel.options.length; i++) {
        if (sel.options[i].value.toLowerCase() === v) { sel.selectedIndex = i; break; }
      }
    });
  }

  form.hidden = false;
  form.addEventListener("change", function () { limit = page; apply(); });
  form.addEventListener("reset", function () { limit = page; setTimeout(apply, 0); });
  window.addEventListener("hashchange", function () { limit = page; fromHash(); apply(); });
  if (paging) {
    more.addEventListener("click", function () { limit += page; apply(); });
    all.addEventListener("click", function () { limit = 0; apply(); });
  }
  fromHash();
  apply();
  if (perf) { perf.mark("baseline:script-end"); }
})();
`
