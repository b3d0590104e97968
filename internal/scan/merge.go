package scan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

// DocumentKind tells a report (it has results) from a snapshot (it has
// accounts and collected_at).
func DocumentKind(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("merge: %w", err)
	}
	var probe map[string]json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&probe); err != nil {
		return "", fmt.Errorf("merge: %s: not a JSON object: %w", path, err)
	}
	switch {
	case probe["results"] != nil && probe["summary"] != nil:
		return "report", nil
	case probe["accounts"] != nil && probe["collected_at"] != nil:
		return "snapshot", nil
	}
	return "", fmt.Errorf("merge: %s is neither a baseline JSON report nor a snapshot", path)
}

// docInfo is what merge checks of one input document.
type docInfo struct {
	path, kind, schema string
	tool               [2]string
	regions            []string
	regionsMode        string // checks.RegionsAll, RegionsList, or "" (not recorded: a list)
	shard              [2]int // index, count; zeros when the document is not a shard
}

func (d docInfo) shardName() string { return fmt.Sprintf("%d/%d", d.shard[0], d.shard[1]) }

// scopeMerge checks that the inputs are the shards of one scan and merges
// their scopes' regions.
type scopeMerge struct {
	first   *docInfo
	shards  map[int]string // shard index → path
	regions map[string]bool
}

// add checks what every input must share with the first.
func (m *scopeMerge) add(d docInfo) error {
	if m.first == nil {
		m.first, m.shards, m.regions = &d, map[int]string{}, map[string]bool{}
	}
	first := *m.first
	modeAll, firstAll := d.regionsMode == checks.RegionsAll, first.regionsMode == checks.RegionsAll
	switch {
	case d.schema != first.schema:
		return fmt.Errorf("merge: %s has %s schema_version %q, %s has %q: merge outputs of the same baseline version", d.path, d.kind, d.schema, first.path, first.schema)
	case d.tool != first.tool:
		return fmt.Errorf("merge: %s was written by %s %s, %s by %s %s: merge outputs of the same scan", d.path, d.tool[0], d.tool[1], first.path, first.tool[0], first.tool[1])
	case modeAll != firstAll:
		which := func(all bool) string {
			if all {
				return "--regions all"
			}
			return "a list of regions"
		}
		return fmt.Errorf("merge: %s was scanned with %s, %s with %s: shards of one scan choose regions the same way", d.path, which(modeAll), first.path, which(firstAll))
	// With --regions all each shard's regions are the union of its own
	// accounts' enabled regions, so they may differ; a list is the same for
	// every shard. An empty shard covers none.
	case !modeAll && len(d.regions) > 0 && len(first.regions) > 0 && !slices.Equal(d.regions, first.regions):
		return fmt.Errorf("merge: %s covers regions %s, %s covers %s: shards of one scan cover the same regions", d.path, strings.Join(d.regions, ","), first.path, strings.Join(first.regions, ","))
	case (d.shard[1] == 0) != (first.shard[1] == 0):
		sharded, whole := d, first
		if d.shard[1] == 0 {
			sharded, whole = first, d
		}
		return fmt.Errorf("merge: %s is shard %s but %s is not a shard: merge only the shards of one scan", sharded.path, sharded.shardName(), whole.path)
	case d.shard[1] != first.shard[1]:
		return fmt.Errorf("merge: %s is shard %s, %s is shard %s: shards of one scan have the same count", d.path, d.shardName(), first.path, first.shardName())
	}
	if d.shard[1] > 0 {
		if prev, ok := m.shards[d.shard[0]]; ok {
			return fmt.Errorf("merge: %s and %s are both shard %s: shards must not overlap", prev, d.path, d.shardName())
		}
		m.shards[d.shard[0]] = d.path
	}
	for _, r := range d.regions {
		m.regions[r] = true
	}
	return nil
}

// finish refuses an incomplete set of shards and returns the union of the
// regions, sorted.
func (m *scopeMerge) finish() ([]string, error) {
	if n := m.first.shard[1]; n > 0 {
		var missing []string
		for k := 1; k <= n; k++ {
			if _, ok := m.shards[k]; !ok {
				missing = append(missing, fmt.Sprintf("%d/%d", k, n))
			}
		}
		switch {
		case len(missing) == 1:
			return nil, fmt.Errorf("merge: shard %s is missing: merge every shard 1..%d of the scan", missing[0], n)
		case len(missing) > 1:
			return nil, fmt.Errorf("merge: shards %s are missing: merge every shard 1..%d of the scan", strings.Join(missing, ", "), n)
		}
	}
	regions := slices.Sorted(maps.Keys(m.regions))
	if regions == nil {
		regions = []string{}
	}
	return regions, nil
}

// claim records the accounts of path, refusing one already seen.
func claim(owner map[string]string, path string, accounts []string) error {
	for _, a := range accounts {
		if prev, ok := owner[a]; ok {
			return fmt.Errorf("merge: account %s is in both %s and %s: shards must not overlap", a, prev, path)
		}
		owner[a] = path
	}
	return nil
}

// MergeReports joins the JSON reports of the shards of one scan, as if one
// scan had covered every account; it refuses inputs that are not exactly
// the shards of one scan.
func MergeReports(paths []string) (*report.Report, error) {
	var merged *report.Report
	owner := map[string]string{}
	var scopes scopeMerge
	for _, path := range paths {
		r, err := report.ReadReport(path)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		d := docInfo{path: path, kind: "report", schema: r.SchemaVersion, tool: [2]string{r.Tool.Name, r.Tool.Version},
			regions: r.Scope.Regions, regionsMode: r.Scope.RegionsMode}
		if sh := r.Scope.Shard; sh != nil {
			d.shard = [2]int{sh.Index, sh.Count}
		}
		if err := scopes.add(d); err != nil {
			return nil, err
		}
		if merged == nil {
			merged = r
		} else {
			merged.Scope.Accounts = append(merged.Scope.Accounts, r.Scope.Accounts...)
			merged.Results = append(merged.Results, r.Results...)
			merged.Coverage = append(merged.Coverage, r.Coverage...)
			merged.Errors = append(merged.Errors, r.Errors...)
			merged.CoverageGaps = append(merged.CoverageGaps, r.CoverageGaps...)
			merged.Upcoming = append(merged.Upcoming, r.Upcoming...)
			merged.ScanSeconds = max(merged.ScanSeconds, r.ScanSeconds) // shards run side by side
			if r.GeneratedAt.After(merged.GeneratedAt) {
				merged.GeneratedAt = r.GeneratedAt
			}
		}
		if err := claim(owner, path, r.Scope.Accounts); err != nil {
			return nil, err
		}
	}
	regions, err := scopes.finish()
	if err != nil {
		return nil, err
	}
	merged.Scope.Regions, merged.Scope.Shard = regions, nil // the merge is whole
	if merged.Diff != nil || merged.Waivers != nil {
		// A diff or waiver list is about one shard; recompute them on the
		// merged report instead (baseline diff, --waivers).
		merged.Diff, merged.Waivers = nil, nil
	}
	slices.Sort(merged.Scope.Accounts)
	slices.SortStableFunc(merged.Coverage, func(a, b report.Coverage) int {
		return strings.Compare(a.AccountID+"\x00"+a.Region+"\x00"+a.Service, b.AccountID+"\x00"+b.Region+"\x00"+b.Service)
	})
	slices.SortStableFunc(merged.Errors, func(a, b report.Error) int {
		return strings.Compare(a.AccountID+"\x00"+a.Region+"\x00"+a.Service+"\x00"+a.Operation, b.AccountID+"\x00"+b.Region+"\x00"+b.Service+"\x00"+b.Operation)
	})
	slices.SortStableFunc(merged.CoverageGaps, func(a, b report.CoverageGap) int {
		return strings.Compare(a.AccountID+"\x00"+a.Region+"\x00"+a.Service, b.AccountID+"\x00"+b.Region+"\x00"+b.Service)
	})
	report.SortUpcoming(merged.Upcoming)
	merged.Finalize()
	return merged, nil
}

// MergeSnapshots joins the snapshots of the shards of one scan.
func MergeSnapshots(paths []string) (*checks.Snapshot, error) {
	var merged *checks.Snapshot
	owner := map[string]string{}
	var scopes scopeMerge
	for _, path := range paths {
		s, err := checks.ReadSnapshot(path)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		d := docInfo{path: path, kind: "snapshot", schema: s.SchemaVersion, tool: [2]string{s.Tool.Name, s.Tool.Version},
			regions: s.Scope.Regions, regionsMode: s.Scope.RegionsMode}
		if sh := s.Scope.Shard; sh != nil {
			d.shard = [2]int{sh.Index, sh.Count}
		}
		if err := scopes.add(d); err != nil {
			return nil, err
		}
		if merged == nil {
			merged = s
		} else {
			merged.Scope.Accounts = append(merged.Scope.Accounts, s.Scope.Accounts...)
			merged.Accounts = append(merged.Accounts, s.Accounts...)
			merged.CoverageGaps = append(merged.CoverageGaps, s.CoverageGaps...)
			if s.CollectedAt.Before(merged.CollectedAt) {
				merged.CollectedAt = s.CollectedAt // the scan started with its first shard
			}
		}
		if err := claim(owner, path, s.Scope.Accounts); err != nil {
			return nil, err
		}
	}
	regions, err := scopes.finish()
	if err != nil {
		return nil, err
	}
	merged.Scope.Regions, merged.Scope.Shard = regions, nil // the merge is whole
	slices.Sort(merged.Scope.Accounts)
	slices.SortStableFunc(merged.Accounts, func(a, b checks.AccountFacts) int { return strings.Compare(a.AccountID, b.AccountID) })
	slices.SortStableFunc(merged.CoverageGaps, func(a, b checks.CoverageGap) int {
		return strings.Compare(a.AccountID+"/"+a.Region, b.AccountID+"/"+b.Region)
	})
	return merged, nil
}
