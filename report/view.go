package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the view model every human-readable writer shares (table,
// Markdown, HTML, and the diff's table and Markdown): the order results,
// teams, errors and changes are shown in, how a team, an account, a waiver
// or a date is named, and the counts. Writers only lay it out and escape it
// for their medium (escape.go); no writer calls another writer's helpers, and
// TestWritersShareOnlyTheViewModel keeps it so.

// Unassigned is the team shown for results whose account has no team, in
// every output. internal/teams assigns the same name.
const Unassigned = "unassigned"

// changeRow is one result of a Diff shown in a "Changes since the previous
// scan" section: new and regressed failures, and fixed ones.
type changeRow struct {
	Change string // "new", "regressed" or "fixed"
	DiffResult
}

// changeRows returns the new, regressed and fixed results of d in that
// order, each list most severe first.
func changeRows(d *Diff) []changeRow {
	if d == nil {
		return nil
	}
	var rows []changeRow
	for _, part := range []struct {
		change  string
		results []DiffResult
	}{{"new", d.New}, {"regressed", d.Regressed}, {"fixed", d.Fixed}} {
		list := slices.Clone(part.results)
		slices.SortStableFunc(list, func(a, b DiffResult) int {
			return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), compareDiffResults(a, b))
		})
		for _, res := range list {
			rows = append(rows, changeRow{part.change, res})
		}
	}
	return rows
}

// changeLabel is e.g. "new", "regressed (was PASS)", "fixed (now gone)".
func (c changeRow) changeLabel() string {
	switch {
	case c.Change == "regressed" && c.PreviousStatus != "":
		return "regressed (was " + string(c.PreviousStatus) + ")"
	case c.Change == "fixed" && c.Status == "":
		return "fixed (no longer reported)"
	}
	return c.Change
}

// diffCountsText is e.g. "3 new · 1 regressed · 5 fixed · 12 still failing ·
// 1 newly waived · 2 no longer observed".
func diffCountsText(s DiffSummary) string {
	return fmt.Sprintf("%d new · %d regressed · %d fixed · %d still failing · %d newly waived · %d no longer observed",
		s.New, s.Regressed, s.Fixed, s.StillFailing, s.Waived, s.Unobserved)
}

// teamResults is one team's results (pointers into the report's: the
// views never copy an organization's results).
type teamResults struct {
	name    string
	results []*Result
}

func (t teamResults) count(s Status) int {
	n := 0
	for _, r := range t.results {
		if r.Status == s {
			n++
		}
	}
	return n
}

func (t teamResults) expiringWaivers(now time.Time) int {
	n := 0
	for _, r := range t.results {
		if r.Status == StatusWaived {
			if days, ok := waiverDaysLeft(r.Waiver, now); ok && days <= ExpiringWithinDays {
				n++
			}
		}
	}
	return n
}

// teamName is the name a team is shown under; results without one are
// "unassigned" (Unassigned).
func teamName(team string) string {
	return cmp.Or(team, Unassigned)
}

// groupByTeam groups the results keep selects (all of them when keep is
// nil) by team, teams in name order with "unassigned" last.
func groupByTeam(results []Result, keep func(*Result) bool) []teamResults {
	index := map[string]int{}
	var teams []teamResults
	for i := range results {
		r := &results[i]
		if keep != nil && !keep(r) {
			continue
		}
		name := teamName(r.Team)
		i, ok := index[name]
		if !ok {
			i = len(teams)
			index[name] = i
			teams = append(teams, teamResults{name: name})
		}
		teams[i].results = append(teams[i].results, r)
	}
	sortTeams(teams)
	return teams
}

// sortTeams orders teams by name, "unassigned" last.
func sortTeams(teams []teamResults) {
	slices.SortFunc(teams, func(a, b teamResults) int { return compareTeams(a.name, b.name) })
}

// compareTeams orders team names as every output shows them: by name,
// "unassigned" last.
func compareTeams(a, b string) int {
	return cmp.Or(cmp.Compare(boolRank(a == Unassigned), boolRank(b == Unassigned)), cmp.Compare(a, b))
}

func mapKeys[V any](m map[string]V) map[string]bool {
	keys := make(map[string]bool, len(m))
	for k := range m {
		keys[k] = true
	}
	return keys
}

// waiverScope is what a waiver applies to, e.g. "111111111111, 222222222222
// / eu-west-1 / arn:…"; "any" parts are left out.
func waiverScope(w WaiverStatus) string {
	var parts []string
	if len(w.Accounts) > 0 {
		parts = append(parts, strings.Join(w.Accounts, ", "))
	}
	if len(w.Regions) > 0 {
		parts = append(parts, strings.Join(w.Regions, ", "))
	}
	if w.Resource != "" {
		parts = append(parts, w.Resource)
	}
	if len(parts) == 0 {
		return "everywhere"
	}
	return strings.Join(parts, " / ")
}

// waiverStateText says when a waiver ends or ended, e.g. "expires in 5 days".
func waiverStateText(w WaiverStatus) string {
	switch {
	case w.State == WaiverUnused:
		return "matched nothing"
	case w.DaysLeft < 0:
		return fmt.Sprintf("expired %s ago", plural(-w.DaysLeft, "day", "days"))
	}
	return daysLeftText(w.DaysLeft)
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pointers returns pointers to every result, in order.
func pointers(results []Result) []*Result {
	out := make([]*Result, len(results))
	for i := range results {
		out[i] = &results[i]
	}
	return out
}

// attentionOrder returns results (a new list of the same pointers) in the
// order they need attention:
// FAIL, ERROR, WAIVED, PASS, each most severe first, then control, account,
// region and resource.
func attentionOrder(results []*Result) []*Result {
	out := slices.Clone(results)
	slices.SortStableFunc(out, func(a, b *Result) int {
		return cmp.Or(
			cmp.Compare(statusRank(a.Status), statusRank(b.Status)),
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			cmp.Compare(a.ControlID, b.ControlID),
			cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(regionKey(a.Region), regionKey(b.Region)),
			cmp.Compare(a.Resource, b.Resource),
		)
	})
	return out
}

// daysLeftText is e.g. "expires in 5 days".
func daysLeftText(days int) string {
	switch days {
	case 0:
		return "expires today"
	case 1:
		return "expires tomorrow"
	}
	return fmt.Sprintf("expires in %d days", days)
}

// waiverDaysLeft is the number of whole days from now's date (UTC) to the
// waiver's expiry date; ok is false without a waiver or a valid date.
func waiverDaysLeft(w *Waiver, now time.Time) (days int, ok bool) {
	if w == nil {
		return 0, false
	}
	expires, err := time.Parse(time.DateOnly, w.Expires)
	if err != nil {
		return 0, false
	}
	return DaysUntil(expires, now), true
}

func waiverExpires(w *Waiver) string {
	if w == nil {
		return ""
	}
	return w.Expires
}

func formatScanTime(t time.Time) string {
	if t.IsZero() {
		return "at an unknown time"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
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

// tableOrder returns results (pointers into them, not copies: a report may
// hold millions) grouped by account and region
// (account-wide "global" results first in each account) and, within a group,
// ordered by what needs attention: FAIL by severity, then ERROR, WAIVED, PASS.
func tableOrder(results []Result) []*Result {
	out := pointers(results)
	slices.SortStableFunc(out, func(a, b *Result) int {
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

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// waiverNote is e.g. "waived by alice@example.com until 2025-06-30".
func waiverNote(w *Waiver) string {
	if w == nil {
		return "waived"
	}
	owner := cmp.Or(w.Owner, "an unnamed owner")
	if w.Expires == "" {
		return "waived by " + owner
	}
	return "waived by " + owner + " until " + w.Expires
}

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

// diffTeams is the diff's results by team, in the order every output shows
// teams: by name, "unassigned" (results without a team) last.
func diffTeams(d *Diff) []TeamChanges {
	teams := d.Teams()
	slices.SortStableFunc(teams, func(a, b TeamChanges) int { return compareTeams(teamName(a.Team), teamName(b.Team)) })
	return teams
}
