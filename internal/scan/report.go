package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/teams"
	"github.com/baseline-scanner/baseline/internal/waivers"
	"github.com/baseline-scanner/baseline/policies"
	"github.com/baseline-scanner/baseline/report"
)

// EvalOptions bound the evaluation of a snapshot.
type EvalOptions struct {
	// Timeout bounds the evaluation of one account's facts; 0 for none.
	Timeout time.Duration
	// MaxMemory bounds the heap's growth while controls run; 0 for none.
	MaxMemory uint64
}

// Evaluate runs the engine's controls over the snapshot with cfg.
func Evaluate(ctx context.Context, engine *policies.Engine, cfg policies.Config, snap *checks.Snapshot, o EvalOptions) (policies.Evaluation, error) {
	ev, err := engine.Evaluate(ctx, snap, cfg, policies.EvalTimeout(o.Timeout), policies.EvalMaxMemory(o.MaxMemory))
	if err != nil {
		return policies.Evaluation{}, fmt.Errorf("evaluate: %w", err)
	}
	return ev, nil
}

// Review is what the weekly review adds to a report: the team mapping,
// the waivers and the previous report to compare with. The zero value adds
// nothing but the account tags' teams.
type Review struct {
	// Teams overrides the accounts' team tags.
	Teams teams.Mapping
	// Waivers, when WaiversGiven, are applied against the report's time;
	// the report then lists every waiver's status (an empty list included).
	Waivers      []waivers.Waiver
	WaiversGiven bool
	// Previous, when set, is diffed against the new report; PreviousName
	// names it in errors.
	Previous     *report.Report
	PreviousName string
	// History, when HistoryGiven, are earlier reports (any order; shard
	// reports and ones not older than this report are left out): they give
	// each failing result its failing_since and each team its trend over the
	// last HistoryDepth of them. Without Previous, the newest of them is the
	// report the diff compares with; either way, a result the compared
	// report did not observe is "new" only if no earlier report saw it fail.
	History      []*report.Report
	HistoryGiven bool
	HistoryDepth int
	// TeamTag is the tag key naming a resource's team on instances and
	// findings (teams.DefaultTag when empty): a resource's own tag owns its
	// results over the account's team.
	TeamTag string
	// ErrorOwner owns the results whose cause is a collection error
	// (DefaultErrorOwner when empty).
	ErrorOwner string
}

// BuildReport assembles the report from the snapshot and its evaluation at
// time now, written by tool: the team of every result, the waivers, the
// summary (computed once, after them) and the diff against the previous
// report.
func BuildReport(snap *checks.Snapshot, ev policies.Evaluation, tool report.Tool, now time.Time, rv Review) (*report.Report, error) {
	facts := newReportFacts(snap, rv.TeamTag)
	for i := range snap.Accounts {
		facts.add(&snap.Accounts[i])
	}
	return buildReport(facts, ev, tool, now, rv)
}

// reportFacts are what a report reads of a snapshot besides its
// evaluation: the scope and coverage gaps (of head), each account's team
// tag and the resources' own team tags.
type reportFacts struct {
	head   *checks.Snapshot
	tag    string
	tagged map[string]string
	owners resourceTeams
}

func newReportFacts(head *checks.Snapshot, tag string) *reportFacts {
	return &reportFacts{head: head, tag: tag, tagged: map[string]string{}, owners: newResourceTeams()}
}

// add reads account a's part.
func (f *reportFacts) add(a *checks.AccountFacts) {
	f.tagged[a.AccountID] = a.Team
	f.owners.add(a, f.tag)
}

func buildReport(facts *reportFacts, ev policies.Evaluation, tool report.Tool, now time.Time, rv Review) (*report.Report, error) {
	snap := facts.head
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          tool,
		GeneratedAt:   now.UTC().Truncate(time.Second),
		Scope:         report.Scope{Accounts: slices.Clone(snap.Scope.Accounts), Regions: slices.Clone(snap.Scope.Regions)},
		Results:       ev.Results,
		Coverage:      ev.Coverage,
		Errors:        ev.Errors,
	}
	rep.Scope.RegionsMode = snap.Scope.RegionsMode
	if sh := snap.Scope.Shard; sh != nil {
		rep.Scope.Shard = &report.Shard{Index: sh.Index, Count: sh.Count}
	}
	for _, g := range snap.CoverageGaps {
		rep.CoverageGaps = append(rep.CoverageGaps, report.CoverageGap{AccountID: g.AccountID, Region: g.Region, Service: g.Service, Reason: g.Reason})
	}
	tagged, owners := facts.tagged, facts.owners
	errorOwner := cmp.Or(rv.ErrorOwner, DefaultErrorOwner)
	owner := func(r *report.Result) {
		switch {
		case r.Cause == report.CauseCollectionError:
			r.Team = errorOwner
		default:
			r.Team = cmp.Or(owners.teamOf(r.AccountID, r.Resource, r.Finding), rv.Teams.Resolve(r.AccountID, tagged[r.AccountID]))
		}
	}
	for i := range rep.Results {
		owner(&rep.Results[i])
	}
	upcoming := slices.Clone(ev.Upcoming)
	for i := range upcoming {
		owner(&upcoming[i])
	}
	if len(upcoming) > 0 {
		rep.Upcoming = report.UpcomingOf(upcoming)
	}
	if rv.WaiversGiven {
		rep.Waivers = waivers.Apply(rep.Results, rv.Waivers, rep.GeneratedAt)
		if rep.Waivers == nil {
			rep.Waivers = []report.WaiverStatus{}
		}
	}
	rep.Finalize()
	if err := Compared(rep, rv); err != nil {
		return nil, err
	}
	return rep, nil
}

// Compared adds to rep what the earlier reports of rv say: failing_since
// and the team trend from rv.History (when HistoryGiven), and the diff
// against rv.Previous, or else the newest earlier report, corrected by the
// whole history.
func Compared(rep *report.Report, rv Review) error {
	prev, prevName := rv.Previous, rv.PreviousName
	var seen map[string]report.Observation
	if rv.HistoryGiven {
		earlier, _ := report.Earlier(rep, rv.History)
		report.ApplyHistory(rep, earlier, rv.HistoryDepth)
		seen = report.LastObserved(earlier)
		if prev == nil && len(earlier) > 0 {
			prev, prevName = earlier[len(earlier)-1], "--history (newest report)"
		}
	}
	if prev == nil {
		return nil
	}
	if err := AttachDiff(rep, prev, prevName); err != nil {
		return err
	}
	if seen != nil {
		rep.Diff.Reclassify(seen)
	}
	return nil
}

// AttachDiff sets rep.Diff to what changed since previous (named name in
// errors).
func AttachDiff(rep, previous *report.Report, name string) error {
	d, err := report.Compare(previous, rep)
	if err != nil {
		var mismatch *report.SchemaMismatchError
		if errors.As(err, &mismatch) {
			return fmt.Errorf("--previous: %s: schema_version %q differs from this report's %q; compare reports of one schema version", name, mismatch.Previous, mismatch.Current)
		}
		return fmt.Errorf("--previous: %s: %w", name, err)
	}
	rep.Diff = d
	return nil
}
