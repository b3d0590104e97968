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
	tagged := make(map[string]string, len(snap.Accounts))
	for _, a := range snap.Accounts {
		tagged[a.AccountID] = a.Team
	}
	owners := resourceTeamsOf(snap, rv.TeamTag)
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
	if rv.Previous != nil {
		if err := AttachDiff(rep, rv.Previous, rv.PreviousName); err != nil {
			return nil, err
		}
	}
	return rep, nil
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
