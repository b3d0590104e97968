package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Diff is what changed between a previous report and the current one. A
// result is identified by its id (ResultID: control_id, account_id, region,
// resource and finding id), a
// coverage entry by (account_id, region, service). Every result that was
// failing before, and every one failing now, lands in exactly one list:
//
//   - new:           FAIL now; absent or ERROR before (never seen failing)
//   - regressed:     FAIL now; PASS, WAIVED or NOT_APPLICABLE before
//   - still_failing: FAIL before and now
//   - fixed:         FAIL before; PASS or NOT_APPLICABLE now (status says
//     which: nothing left to judge, e.g. the instance stopped), or no longer
//     reported
//   - waived:        FAIL before; WAIVED now
//   - unobserved:    FAIL before; ERROR now (not fixed: not seen at all)
type Diff struct {
	Previous     DiffSource   `json:"previous"`
	Summary      DiffSummary  `json:"summary"`
	New          []DiffResult `json:"new"`
	Regressed    []DiffResult `json:"regressed"`
	Fixed        []DiffResult `json:"fixed"`
	StillFailing []DiffResult `json:"still_failing"`
	Waived       []DiffResult `json:"waived"`
	Unobserved   []DiffResult `json:"unobserved"`
	// OutOfScope are results failing before in an account or region the
	// current scan no longer covers: neither fixed nor unobserved. (A
	// failure in an account or region the scan newly covers is new: never
	// seen failing, and --fail-on-new must stop it.) New in 3.0.
	OutOfScope []DiffResult `json:"out_of_scope"`
	// ScopeChange says what the scopes do not share; absent when they are
	// the same. New in 3.0.
	ScopeChange *ScopeChange `json:"scope_change,omitempty"`
	// CoverageLost are services enabled before and now disabled, in error
	// or no longer reported; CoverageGained the reverse.
	CoverageLost   []CoverageChange `json:"coverage_lost"`
	CoverageGained []CoverageChange `json:"coverage_gained"`
	// ByTeam counts the result lists per team, sorted by team.
	ByTeam []TeamDiffSummary `json:"by_team"`
}

// DiffSource identifies the previous report.
type DiffSource struct {
	GeneratedAt time.Time `json:"generated_at"`
	Tool        Tool      `json:"tool"`
}

// DiffSummary counts the lists of a Diff.
type DiffSummary struct {
	New            int `json:"new"`
	Regressed      int `json:"regressed"`
	Fixed          int `json:"fixed"`
	StillFailing   int `json:"still_failing"`
	Waived         int `json:"waived"`
	Unobserved     int `json:"unobserved"`
	OutOfScope     int `json:"out_of_scope"`
	CoverageLost   int `json:"coverage_lost"`
	CoverageGained int `json:"coverage_gained"`
}

// TeamDiffSummary counts one team's changed results.
type TeamDiffSummary struct {
	Team         string `json:"team"`
	New          int    `json:"new"`
	Regressed    int    `json:"regressed"`
	Fixed        int    `json:"fixed"`
	StillFailing int    `json:"still_failing"`
	Waived       int    `json:"waived"`
	Unobserved   int    `json:"unobserved"`
}

// DiffResult is one result that changed (or stayed failing): its key, what
// it is about, and its status before and now.
type DiffResult struct {
	// ID is the result's stable id (ResultID). New in 3.0.
	ID          string   `json:"id"`
	ControlID   string   `json:"control_id"`
	Title       string   `json:"title"`
	Severity    Severity `json:"severity"`
	AccountID   string   `json:"account_id"`
	AccountName string   `json:"account_name"`
	Region      string   `json:"region"`
	Resource    string   `json:"resource"`
	Team        string   `json:"team,omitempty"`
	// PreviousStatus is absent when the result was not in the previous
	// report; Status is absent when it is not in the current one.
	PreviousStatus Status `json:"previous_status,omitempty"`
	Status         Status `json:"status,omitempty"`
	// Message is the current result's message, or the previous one's when
	// the result is no longer reported.
	Message string `json:"message"`
	// Finding is the finding the result is about, as now (or before, when
	// it is no longer reported); absent for other results. New in 3.0.
	Finding *Finding `json:"finding,omitempty"`
}

// Key is the diff result's identity, as Result.Key: its id computed from
// its fields.
func (d *DiffResult) Key() string {
	var finding string
	if d.Finding != nil {
		finding = d.Finding.ID
	}
	return ResultID(d.ControlID, d.AccountID, d.Region, d.Resource, finding)
}

// CoverageChange is one service whose coverage changed.
type CoverageChange struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	Team      string `json:"team,omitempty"`
	// PreviousState or State is absent when the entry is missing from
	// that report.
	PreviousState CoverageState `json:"previous_state,omitempty"`
	State         CoverageState `json:"state,omitempty"`
}

// Key is the result's identity across reports: its stable id (ResultID),
// computed from its fields whatever the id it was read with.
func (r *Result) Key() string { return r.StableID() }

// SchemaMismatchError is returned by Compare for reports of different
// schema versions, whose results cannot be compared field by field.
type SchemaMismatchError struct{ Previous, Current string }

func (e *SchemaMismatchError) Error() string {
	return fmt.Sprintf("reports of different schema versions cannot be compared: previous is %q, current is %q", e.Previous, e.Current)
}

// Compare computes what changed from prev to cur. Both reports must have
// the same schema_version. Lists are in the canonical result order (account,
// region, control, resource); the team of a result is the current report's,
// else the previous one's.
func Compare(prev, cur *Report) (*Diff, error) {
	if prev.SchemaVersion != cur.SchemaVersion {
		return nil, &SchemaMismatchError{Previous: prev.SchemaVersion, Current: cur.SchemaVersion}
	}
	d := &Diff{
		Previous:       DiffSource{GeneratedAt: prev.GeneratedAt.UTC(), Tool: prev.Tool},
		New:            []DiffResult{},
		Regressed:      []DiffResult{},
		Fixed:          []DiffResult{},
		StillFailing:   []DiffResult{},
		Waived:         []DiffResult{},
		Unobserved:     []DiffResult{},
		OutOfScope:     []DiffResult{},
		CoverageLost:   []CoverageChange{},
		CoverageGained: []CoverageChange{},
		ByTeam:         []TeamDiffSummary{},
	}

	shared := newSharedScope(prev, cur)
	if !shared.change.Empty() {
		d.ScopeChange = shared.change
	}
	before := make(map[string]*Result, len(prev.Results))
	for i := range prev.Results {
		before[prev.Results[i].Key()] = &prev.Results[i]
	}
	seen := make(map[string]bool, len(cur.Results))
	teamOf := map[string]string{} // account → team, for coverage
	for i := range cur.Results {
		now := &cur.Results[i]
		seen[now.Key()] = true
		if now.Team != "" {
			teamOf[now.AccountID] = now.Team
		}
		was := before[now.Key()]
		var wasStatus Status
		if was != nil {
			wasStatus = was.Status
		}
		var list *[]DiffResult
		switch {
		case now.Status == StatusFail && (was == nil || wasStatus == StatusError):
			list = &d.New
		case now.Status == StatusFail && (wasStatus == StatusPass || wasStatus == StatusWaived || wasStatus == StatusNotApplicable):
			list = &d.Regressed
		case now.Status == StatusFail && wasStatus == StatusFail:
			list = &d.StillFailing
		case wasStatus == StatusFail && (now.Status == StatusPass || now.Status == StatusNotApplicable):
			list = &d.Fixed
		case wasStatus == StatusFail && now.Status == StatusWaived:
			list = &d.Waived
		case wasStatus == StatusFail && now.Status == StatusError:
			list = &d.Unobserved
		default:
			continue
		}
		*list = append(*list, diffResult(now, was, now))
	}
	// A previous failure with no result now is fixed only if its cell was
	// observed: when the cell is ERROR now (the engine replaces a cell's
	// per-resource results by one ERROR without a resource) or its account is
	// out of scope, nothing says it was fixed.
	type cell struct{ control, account, region string }
	errored := map[cell]bool{}
	for _, r := range cur.Results {
		if r.Status == StatusError {
			errored[cell{r.ControlID, r.AccountID, r.Region}] = true
		}
	}
	inScope := map[string]bool{}
	for _, a := range cur.Scope.Accounts {
		inScope[a] = true
	}
	for i := range prev.Results {
		was := &prev.Results[i]
		if was.Team != "" && teamOf[was.AccountID] == "" {
			teamOf[was.AccountID] = was.Team
		}
		if was.Status != StatusFail || seen[was.Key()] {
			continue
		}
		if !shared.covers(was) {
			d.OutOfScope = append(d.OutOfScope, diffResult(was, was, nil))
			continue
		}
		if errored[cell{was.ControlID, was.AccountID, was.Region}] || errored[cell{was.ControlID, was.AccountID, Global}] {
			dr := diffResult(was, was, nil)
			dr.Status = StatusError
			d.Unobserved = append(d.Unobserved, dr)
			continue
		}
		if !inScope[was.AccountID] {
			d.Unobserved = append(d.Unobserved, diffResult(was, was, nil))
			continue
		}
		d.Fixed = append(d.Fixed, diffResult(was, was, nil))
	}
	for _, l := range []*[]DiffResult{&d.New, &d.Regressed, &d.Fixed, &d.StillFailing, &d.Waived, &d.Unobserved, &d.OutOfScope} {
		slices.SortStableFunc(*l, compareDiffResults)
	}

	type covKey struct{ account, region, service string }
	prevCov := map[covKey]CoverageState{}
	for _, c := range prev.Coverage {
		prevCov[covKey{c.AccountID, c.Region, c.Service}] = c.State
	}
	curCov := map[covKey]CoverageState{}
	for _, c := range cur.Coverage {
		curCov[covKey{c.AccountID, c.Region, c.Service}] = c.State
	}
	change := func(k covKey) CoverageChange {
		return CoverageChange{AccountID: k.account, Region: k.region, Service: k.service, Team: teamOf[k.account], PreviousState: prevCov[k], State: curCov[k]}
	}
	for k, was := range prevCov {
		if was == CoverageEnabled && curCov[k] != CoverageEnabled {
			d.CoverageLost = append(d.CoverageLost, change(k))
		}
	}
	for k, now := range curCov {
		if now == CoverageEnabled && prevCov[k] != CoverageEnabled {
			d.CoverageGained = append(d.CoverageGained, change(k))
		}
	}
	for _, l := range [][]CoverageChange{d.CoverageLost, d.CoverageGained} {
		slices.SortFunc(l, func(a, b CoverageChange) int {
			return cmp.Or(cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Service, b.Service))
		})
	}

	d.Summary = DiffSummary{
		New: len(d.New), Regressed: len(d.Regressed), Fixed: len(d.Fixed), StillFailing: len(d.StillFailing),
		Waived: len(d.Waived), Unobserved: len(d.Unobserved), OutOfScope: len(d.OutOfScope),
		CoverageLost: len(d.CoverageLost), CoverageGained: len(d.CoverageGained),
	}
	d.ByTeam = d.countByTeam()
	return d, nil
}

// diffResult describes a result from its current version (now, nil when it
// is gone) and previous one (was, nil when it is new); r supplies the rest.
func diffResult(r, was, now *Result) DiffResult {
	dr := DiffResult{
		ID: r.StableID(), Finding: r.Finding,
		ControlID: r.ControlID, Title: r.Title(), Severity: r.Severity,
		AccountID: r.AccountID, AccountName: r.AccountName, Region: r.Region, Resource: r.Resource,
		Team: r.Team, Message: r.Message,
	}
	if was != nil {
		dr.PreviousStatus = was.Status
		if dr.Team == "" {
			dr.Team = was.Team
		}
	}
	if now != nil {
		dr.Status = now.Status
	}
	return dr
}

func compareDiffResults(a, b DiffResult) int {
	return cmp.Or(
		cmp.Compare(a.AccountID, b.AccountID),
		cmp.Compare(a.Region, b.Region),
		cmp.Compare(a.ControlID, b.ControlID),
		cmp.Compare(a.Resource, b.Resource),
		cmp.Compare(a.ID, b.ID),
	)
}

func (d *Diff) countByTeam() []TeamDiffSummary {
	counts := map[string]*TeamDiffSummary{}
	add := func(l []DiffResult, field func(*TeamDiffSummary) *int) {
		for _, r := range l {
			c := counts[r.Team]
			if c == nil {
				c = &TeamDiffSummary{Team: r.Team}
				counts[r.Team] = c
			}
			*field(c)++
		}
	}
	add(d.New, func(c *TeamDiffSummary) *int { return &c.New })
	add(d.Regressed, func(c *TeamDiffSummary) *int { return &c.Regressed })
	add(d.Fixed, func(c *TeamDiffSummary) *int { return &c.Fixed })
	add(d.StillFailing, func(c *TeamDiffSummary) *int { return &c.StillFailing })
	add(d.Waived, func(c *TeamDiffSummary) *int { return &c.Waived })
	add(d.Unobserved, func(c *TeamDiffSummary) *int { return &c.Unobserved })
	out := make([]TeamDiffSummary, 0, len(counts))
	for _, c := range counts {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b TeamDiffSummary) int { return cmp.Compare(a.Team, b.Team) })
	return out
}

// TeamChanges is one team's part of a Diff, for writers that group by team.
type TeamChanges struct {
	Team                                                    string
	New, Regressed, Fixed, StillFailing, Waived, Unobserved []DiffResult
}

// Teams splits the result lists by team, in ByTeam order. Results without a
// team (reports written before teams existed) are grouped under "".
func (d *Diff) Teams() []TeamChanges {
	out := make([]TeamChanges, len(d.ByTeam))
	index := map[string]int{}
	for i, t := range d.ByTeam {
		out[i].Team = t.Team
		index[t.Team] = i
	}
	split := func(l []DiffResult, field func(*TeamChanges) *[]DiffResult) {
		for _, r := range l {
			i, ok := index[r.Team]
			if !ok {
				continue
			}
			p := field(&out[i])
			*p = append(*p, r)
		}
	}
	split(d.New, func(t *TeamChanges) *[]DiffResult { return &t.New })
	split(d.Regressed, func(t *TeamChanges) *[]DiffResult { return &t.Regressed })
	split(d.Fixed, func(t *TeamChanges) *[]DiffResult { return &t.Fixed })
	split(d.StillFailing, func(t *TeamChanges) *[]DiffResult { return &t.StillFailing })
	split(d.Waived, func(t *TeamChanges) *[]DiffResult { return &t.Waived })
	split(d.Unobserved, func(t *TeamChanges) *[]DiffResult { return &t.Unobserved })
	return out
}

// NewFailures are the new and regressed results with a severity at or above
// failOn: what `--fail-on-new` fails on.
func (d *Diff) NewFailures(failOn Severity) []DiffResult {
	var out []DiffResult
	for _, l := range [][]DiffResult{d.New, d.Regressed} {
		for _, r := range l {
			if r.Severity.Rank() >= failOn.Rank() {
				out = append(out, r)
			}
		}
	}
	return out
}
