package report

import (
	"cmp"
	"slices"
	"time"
)

// DefaultTrendDepth is how many earlier reports a trend shows by default.
const DefaultTrendDepth = 8

// History is what the earlier reports of --history say about this one:
// how many were read and each team's trend over the last of them. Absent
// without --history. Additive in 3.0.
type History struct {
	// Reports is the number of earlier whole-scan reports read (shard
	// reports and reports not older than this one are left out).
	Reports int `json:"reports"`
	// Oldest is the generated_at of the oldest report read; absent when
	// none was.
	Oldest *time.Time `json:"oldest,omitempty"`
	// Trend is one entry per team of this report, sorted by team: its
	// failing count and score in each of the last reports (at most the
	// trend depth), oldest first, ending with this report.
	Trend []TeamTrend `json:"trend"`
}

// TeamTrend is one team's failing count and score over the last scans.
type TeamTrend struct {
	Team   string       `json:"team"`
	Points []TrendPoint `json:"points"`
}

// TrendPoint is one team in one report. A report in which the team had no
// result has no point.
type TrendPoint struct {
	GeneratedAt time.Time `json:"generated_at"`
	// Failing counts the team's FAIL results.
	Failing int `json:"failing"`
	// Score is the team's score in that report, as Summary.Score.
	Score float64 `json:"score"`
}

// Observation is the last state in which the history saw a result: its
// status and, while it keeps failing, since when.
type Observation struct {
	Status Status
	At     time.Time
	// Since is when the current failing streak began (zero when the result
	// was not failing at its last observation).
	Since time.Time
}

// Earlier returns the reports of history that can inform cur, oldest
// first: whole-scan reports (not one shard of a scan) generated strictly
// before cur. The second result counts the ones left out.
func Earlier(cur *Report, history []*Report) (kept []*Report, skipped int) {
	for _, h := range history {
		if h == nil || h.Scope.Shard != nil || !h.GeneratedAt.Before(cur.GeneratedAt) {
			skipped++
			continue
		}
		kept = append(kept, h)
	}
	slices.SortStableFunc(kept, func(a, b *Report) int { return a.GeneratedAt.Compare(b.GeneratedAt) })
	return kept, skipped
}

// failingStatus says whether a status continues a failing streak: a FAIL,
// or a WAIVED failure (accepted, not fixed).
func failingStatus(s Status) bool { return s == StatusFail || s == StatusWaived }

// LastObserved walks the reports (oldest first, as Earlier returns them)
// and returns each result's last observation. A result that is absent from
// a report, or ERROR in it, was not observed there: its streak neither
// breaks nor starts. PASS and NOT_APPLICABLE end a streak; FAIL and WAIVED
// continue it, starting at the report's time, or at the failing_since the
// report itself carries when that is earlier (a report written with its own
// --history knows more than the folder may still hold).
func LastObserved(reports []*Report) map[string]Observation {
	seen := map[string]Observation{}
	for _, rep := range reports {
		at := rep.GeneratedAt.UTC()
		for i := range rep.Results {
			r := &rep.Results[i]
			if r.Status == StatusError {
				continue
			}
			k := r.Key()
			o := seen[k]
			o.Status, o.At = r.Status, at
			if failingStatus(r.Status) {
				if o.Since.IsZero() {
					o.Since = at
				}
				if r.FailingSince != nil && r.FailingSince.Before(o.Since) {
					o.Since = r.FailingSince.UTC()
				}
			} else {
				o.Since = time.Time{}
			}
			seen[k] = o
		}
	}
	return seen
}

// ApplyHistory sets failing_since on cur's FAIL and WAIVED results from the
// earlier reports (oldest first, as Earlier returns them) and records the
// teams' trend over the last depth of them. A result failing for the first
// time fails since cur's own time.
func ApplyHistory(cur *Report, earlier []*Report, depth int) {
	seen := LastObserved(earlier)
	now := cur.GeneratedAt.UTC()
	for i := range cur.Results {
		r := &cur.Results[i]
		r.FailingSince = nil
		if !failingStatus(r.Status) {
			continue
		}
		since := now
		if o, ok := seen[r.Key()]; ok && !o.Since.IsZero() {
			since = o.Since
		}
		r.FailingSince = &since
	}
	h := &History{Reports: len(earlier), Trend: []TeamTrend{}}
	if len(earlier) > 0 {
		oldest := earlier[0].GeneratedAt.UTC()
		h.Oldest = &oldest
	}
	if depth < 0 {
		depth = 0
	}
	window := earlier[max(0, len(earlier)-depth):]
	teams := map[string]bool{}
	for _, r := range cur.Results {
		teams[r.Team] = true
	}
	for team := range teams {
		t := TeamTrend{Team: team}
		for _, rep := range append(slices.Clone(window), cur) {
			if p, ok := teamPoint(rep, team); ok {
				t.Points = append(t.Points, p)
			}
		}
		h.Trend = append(h.Trend, t)
	}
	slices.SortFunc(h.Trend, func(a, b TeamTrend) int { return cmp.Compare(a.Team, b.Team) })
	cur.History = h
}

// teamPoint is team's failing count and score in rep; false when the team
// has no result there.
func teamPoint(rep *Report, team string) (TrendPoint, bool) {
	var mine []Result
	failing := 0
	for _, r := range rep.Results {
		if r.Team != team {
			continue
		}
		mine = append(mine, r)
		if r.Status == StatusFail {
			failing++
		}
	}
	if len(mine) == 0 {
		return TrendPoint{}, false
	}
	return TrendPoint{GeneratedAt: rep.GeneratedAt.UTC(), Failing: failing, Score: Summarize(mine).Score}, true
}

// Reclassify corrects a diff against the latest earlier report with what
// the whole history saw: a result the previous report did not observe
// (absent or ERROR there) but an earlier one saw failing is not new; it is
// still failing (or regressed, when its last observation passed). Its
// previous_status is then that last observation's status.
func (d *Diff) Reclassify(seen map[string]Observation) {
	var stillNew []DiffResult
	for _, r := range d.New {
		o, ok := seen[r.Key()]
		switch {
		case !ok:
			stillNew = append(stillNew, r)
		case failingStatus(o.Status):
			r.PreviousStatus = o.Status
			d.StillFailing = append(d.StillFailing, r)
		default:
			r.PreviousStatus = o.Status
			d.Regressed = append(d.Regressed, r)
		}
	}
	if stillNew == nil {
		stillNew = []DiffResult{}
	}
	d.New = stillNew
	slices.SortStableFunc(d.StillFailing, compareDiffResults)
	slices.SortStableFunc(d.Regressed, compareDiffResults)
	d.Summary.New, d.Summary.Regressed, d.Summary.StillFailing = len(d.New), len(d.Regressed), len(d.StillFailing)
	d.ByTeam = d.countByTeam()
}
