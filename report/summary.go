package report

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Summarize counts results by status and by severity and computes the score.
// Every severity has a by_severity entry, zeros included, so dashboards never
// see a missing key. Results with a severity outside Severities count in the
// totals only.
func Summarize(results []Result) Summary {
	return summarize(len(results), func(i int) *Result { return &results[i] })
}

// summarizePointers is Summarize of the results pointed to.
func summarizePointers(results []*Result) Summary {
	return summarize(len(results), func(i int) *Result { return results[i] })
}

// summarize counts the n results at(0) … at(n-1).
func summarize(n int, at func(int) *Result) Summary {
	s := Summary{BySeverity: make(map[Severity]StatusCounts, len(Severities))}
	for _, sev := range Severities {
		s.BySeverity[sev] = StatusCounts{}
	}
	for i := range n {
		r := at(i)
		s.Total++
		sc, known := s.BySeverity[r.Severity]
		sc.Total++
		switch r.Status {
		case StatusPass:
			s.Pass++
			sc.Pass++
		case StatusFail:
			s.Fail++
			sc.Fail++
		case StatusError:
			s.Error++
			sc.Error++
		case StatusWaived:
			s.Waived++
			sc.Waived++
		case StatusNotApplicable:
			s.NotApplicable++
			sc.NotApplicable++
		}
		if known {
			s.BySeverity[r.Severity] = sc
		}
	}
	s.Score = score(s.Pass+s.Waived, s.Total-s.NotApplicable)
	return s
}

// score is 100 × ok / judged rounded to one decimal, and 100 when nothing was judged.
func score(ok, judged int) float64 {
	if judged == 0 {
		return 100
	}
	return math.Round(1000*float64(ok)/float64(judged)) / 10
}

// Sort puts results in the canonical order of the JSON report: account_id,
// region, control_id, resource. It is stable, so results equal on all four
// keep their relative order.
func Sort(results []Result) {
	slices.SortStableFunc(results, compareCanonical)
}

func compareCanonical(a, b Result) int {
	return cmp.Or(
		cmp.Compare(a.AccountID, b.AccountID),
		cmp.Compare(a.Region, b.Region),
		cmp.Compare(a.ControlID, b.ControlID),
		cmp.Compare(a.Resource, b.Resource),
		cmp.Compare(findingID(a), findingID(b)),
	)
}

func findingID(r Result) string {
	if r.Finding == nil {
		return ""
	}
	return r.Finding.ID
}

// Finalize makes r ready to write: every result's id set, results in
// canonical order, the summary
// recomputed from them, the schema version set when empty, and nil lists
// replaced by empty ones so the JSON has [] rather than null.
func (r *Report) Finalize() {
	if r.SchemaVersion == "" {
		r.SchemaVersion = SchemaVersion
	}
	r.Scope.Accounts = nonNil(r.Scope.Accounts)
	r.Scope.Regions = nonNil(r.Scope.Regions)
	r.Results = nonNil(r.Results)
	r.Coverage = nonNil(r.Coverage)
	r.Errors = nonNil(r.Errors)
	AssignIDs(r.Results)
	Sort(r.Results)
	r.Summary = Summarize(r.Results)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// DaysUntil is the number of calendar days from now's date (UTC) to date's:
// 0 on the same day, negative after it. It counts in Unix seconds, not in a
// time.Duration, which overflows past 292 years (a waiver "until 9999-12-31"
// showed 106,751 days left).
func DaysUntil(date, now time.Time) int {
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	y, m, d = date.UTC().Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return int((day.Unix() - today.Unix()) / 86400)
}
