package report

import (
	"fmt"
	"slices"
	"strings"
)

// Filter selects the results a person asked to see (--status, --severity,
// --service, --control, --team). An empty list selects every value. The CLI
// applies it once, to the report, before any writer runs, so every format
// shows the same slice; the exit code is still decided on the whole report,
// so a filter never hides a failure from CI.
type Filter struct {
	Statuses   []Status
	Severities []Severity
	Services   []string
	Controls   []string
	Teams      []string // team names as shown: "unassigned" for results without one
}

// Empty reports whether f selects everything.
func (f Filter) Empty() bool {
	return len(f.Statuses)+len(f.Severities)+len(f.Services)+len(f.Controls)+len(f.Teams) == 0
}

// ParseStatuses reads a --status list such as "fail,error", ignoring case.
func ParseStatuses(values []string) ([]Status, error) {
	valid := []Status{StatusFail, StatusError, StatusWaived, StatusPass, StatusNotApplicable}
	var out []Status
	for _, v := range values {
		s := Status(strings.ToUpper(strings.TrimSpace(v)))
		if !slices.Contains(valid, s) {
			names := make([]string, len(valid))
			for i, s := range valid {
				names[i] = string(s)
			}
			return nil, fmt.Errorf("unknown status %q: valid values are %s", v, strings.Join(names, ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

// ParseSeverities reads a --severity list such as "critical,high".
func ParseSeverities(values []string) ([]Severity, error) {
	var out []Severity
	for _, v := range values {
		s, err := ParseSeverity(v)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Match reports whether f selects res.
func (f Filter) Match(res Result) bool {
	return (len(f.Statuses) == 0 || slices.Contains(f.Statuses, res.Status)) &&
		(len(f.Severities) == 0 || slices.Contains(f.Severities, res.Severity)) &&
		(len(f.Services) == 0 || slices.Contains(f.Services, res.Service())) &&
		(len(f.Controls) == 0 || slices.ContainsFunc(f.Controls, func(c string) bool { return strings.EqualFold(c, res.ControlID) })) &&
		(len(f.Teams) == 0 || slices.Contains(f.Teams, teamName(res.Team)))
}

// Check returns an error naming the flag for a service, control or team that
// no result of r has, with the values r does have: a typo must not print an
// empty, all-clear report. knownTeams are teams known from elsewhere (the
// --teams file) that are valid even without a result.
func (f Filter) Check(r *Report, knownTeams []string) error {
	services, controls, teams := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, res := range r.Results {
		services[res.Service()] = true
		controls[strings.ToUpper(res.ControlID)] = true
		teams[teamName(res.Team)] = true
	}
	for _, t := range knownTeams {
		teams[t] = true
	}
	for _, c := range []struct {
		flag   string
		values []string
		known  map[string]bool
		key    func(string) string
	}{
		{"--service", f.Services, services, func(s string) string { return s }},
		{"--control", f.Controls, controls, strings.ToUpper},
		{"--team", f.Teams, teams, func(s string) string { return s }},
	} {
		for _, v := range c.values {
			if !c.known[c.key(v)] {
				return fmt.Errorf("%s: no result has %q; this report has %s", c.flag, v, strings.Join(sortedKeys(c.known), ", "))
			}
		}
	}
	return nil
}

// Apply returns a copy of r with only the results f selects and the summary
// counted from them. With a team or service filter, the coverage, collection
// errors and coverage gaps are narrowed to the accounts whose results the
// filter kept (and to the services named), so the headline and the coverage
// describe the same slice as the rows. r is not modified.
func (f Filter) Apply(r *Report) *Report {
	if f.Empty() {
		return r
	}
	out := *r
	out.Results = nil
	accounts := map[string]bool{}
	// A team or service filter narrows the accounts: those with a result of
	// the team (whatever its status), so a team whose account is all PASS
	// still sees its coverage.
	scope := Filter{Teams: f.Teams}
	for _, res := range r.Results {
		if scope.Match(res) {
			accounts[res.AccountID] = true
		}
		if f.Match(res) {
			out.Results = append(out.Results, res)
		}
	}
	out.Results = nonNil(out.Results)
	out.Summary = Summarize(out.Results)
	keepAccount := func(a string) bool { return len(f.Teams) == 0 || accounts[a] }
	keepService := func(s string) bool { return len(f.Services) == 0 || slices.Contains(f.Services, s) }
	out.Coverage = nonNil(slices.DeleteFunc(slices.Clone(r.Coverage), func(c Coverage) bool {
		return !keepAccount(c.AccountID) || !keepService(c.Service)
	}))
	out.Errors = nonNil(slices.DeleteFunc(slices.Clone(r.Errors), func(e Error) bool {
		return !keepAccount(e.AccountID) || !keepService(e.Service)
	}))
	out.CoverageGaps = slices.DeleteFunc(slices.Clone(r.CoverageGaps), func(g CoverageGap) bool {
		return !keepAccount(g.AccountID) || !keepService(g.Service)
	})
	if len(f.Teams) > 0 {
		out.Scope.Accounts = slices.DeleteFunc(slices.Clone(r.Scope.Accounts), func(a string) bool { return !accounts[a] })
	}
	if len(f.Controls) > 0 {
		out.Waivers = slices.DeleteFunc(slices.Clone(r.Waivers), func(w WaiverStatus) bool {
			return !slices.ContainsFunc(f.Controls, func(c string) bool { return strings.EqualFold(c, w.Control) })
		})
	}
	if r.Diff != nil {
		out.Diff = f.applyDiff(r.Diff, r.Results)
	}
	return &out
}

// applyDiff narrows a diff by team, severity, control and service (a diff
// result's service is its control's); a change has no single status, so
// --status leaves the diff whole.
func (f Filter) applyDiff(d *Diff, results []Result) *Diff {
	service := map[string]string{}
	for _, res := range results {
		service[res.ControlID] = res.Service()
	}
	g := Filter{Severities: f.Severities, Services: f.Services, Controls: f.Controls, Teams: f.Teams}
	keep := func(list []DiffResult) []DiffResult {
		return slices.DeleteFunc(slices.Clone(list), func(c DiffResult) bool {
			return !g.Match(Result{Severity: c.Severity, Control: &ControlText{Service: service[c.ControlID]}, ControlID: c.ControlID, Team: c.Team})
		})
	}
	out := *d
	out.New, out.Regressed, out.Fixed, out.StillFailing, out.Waived, out.Unobserved =
		keep(d.New), keep(d.Regressed), keep(d.Fixed), keep(d.StillFailing), keep(d.Waived), keep(d.Unobserved)
	keepCoverage := func(list []CoverageChange) []CoverageChange {
		return slices.DeleteFunc(slices.Clone(list), func(c CoverageChange) bool {
			return (len(f.Teams) > 0 && !slices.Contains(f.Teams, teamName(c.Team))) ||
				(len(f.Services) > 0 && !slices.Contains(f.Services, c.Service))
		})
	}
	out.CoverageLost, out.CoverageGained = keepCoverage(d.CoverageLost), keepCoverage(d.CoverageGained)
	out.Summary = DiffSummary{
		New: len(out.New), Regressed: len(out.Regressed), Fixed: len(out.Fixed), StillFailing: len(out.StillFailing),
		Waived: len(out.Waived), Unobserved: len(out.Unobserved), CoverageLost: len(out.CoverageLost), CoverageGained: len(out.CoverageGained),
	}
	if len(f.Teams) > 0 {
		out.ByTeam = slices.DeleteFunc(slices.Clone(d.ByTeam), func(t TeamDiffSummary) bool { return !slices.Contains(f.Teams, teamName(t.Team)) })
	}
	return &out
}
