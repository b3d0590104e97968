package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/report"
)

func newMergeCmd(stdout io.Writer) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "merge FILE FILE... [-o merged.json]",
		Short: "Combine the JSON reports (or snapshots) of sharded scans into one",
		Long: `merge combines the outputs of 'scan --shard K/N --format json' (reports) or
'collect --shard K/N' (snapshots) into one document, as if one scan had covered
every account. The kind is detected from the first file's schema; every file
must be of the same kind and schema version, written by the same tool version,
over the same regions, and no account may appear in two files.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, paths []string) error {
			kind, err := documentKind(paths[0])
			if err != nil {
				return err
			}
			var write func(io.Writer) error
			switch kind {
			case "report":
				merged, err := mergeReports(paths)
				if err != nil {
					return err
				}
				write = func(w io.Writer) error { return report.JSONWriter{}.Write(w, merged) }
			default:
				merged, err := mergeSnapshots(paths)
				if err != nil {
					return err
				}
				write = func(w io.Writer) error { return checks.WriteSnapshot(w, merged) }
			}
			if output == "" || output == "-" {
				return write(stdout)
			}
			return writeFileAtomic(output, write)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the merged document to FILE instead of stdout")
	return cmd
}

// documentKind tells a report (it has results) from a snapshot (it has
// accounts and collected_at).
func documentKind(path string) (string, error) {
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

// compatible checks what every shard must share with the first.
func compatible(first, path, kind, schema, firstSchema string, tool, firstTool [2]string, regions, firstRegions []string) error {
	switch {
	case schema != firstSchema:
		return fmt.Errorf("merge: %s has %s schema_version %q, %s has %q: merge outputs of the same baseline version", path, kind, schema, first, firstSchema)
	case tool != firstTool:
		return fmt.Errorf("merge: %s was written by %s %s, %s by %s %s: merge outputs of the same scan", path, tool[0], tool[1], first, firstTool[0], firstTool[1])
	case len(regions) > 0 && len(firstRegions) > 0 && !slices.Equal(regions, firstRegions): // an empty shard covers none
		return fmt.Errorf("merge: %s covers regions %s, %s covers %s: shards of one scan cover the same regions", path, strings.Join(regions, ","), first, strings.Join(firstRegions, ","))
	}
	return nil
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

func mergeReports(paths []string) (*report.Report, error) {
	var merged *report.Report
	owner := map[string]string{}
	for _, path := range paths {
		r, err := report.ReadReport(path)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if merged == nil {
			merged = r
		} else {
			if err := compatible(paths[0], path, "report", r.SchemaVersion, merged.SchemaVersion,
				[2]string{r.Tool.Name, r.Tool.Version}, [2]string{merged.Tool.Name, merged.Tool.Version},
				r.Scope.Regions, merged.Scope.Regions); err != nil {
				return nil, err
			}
			merged.Scope.Accounts = append(merged.Scope.Accounts, r.Scope.Accounts...)
			if len(merged.Scope.Regions) == 0 {
				merged.Scope.Regions = r.Scope.Regions
			}
			merged.Results = append(merged.Results, r.Results...)
			merged.Coverage = append(merged.Coverage, r.Coverage...)
			merged.Errors = append(merged.Errors, r.Errors...)
			if r.GeneratedAt.After(merged.GeneratedAt) {
				merged.GeneratedAt = r.GeneratedAt
			}
		}
		if err := claim(owner, path, r.Scope.Accounts); err != nil {
			return nil, err
		}
	}
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
	merged.Finalize()
	return merged, nil
}

func mergeSnapshots(paths []string) (*checks.Snapshot, error) {
	var merged *checks.Snapshot
	owner := map[string]string{}
	for _, path := range paths {
		s, err := checks.ReadSnapshot(path)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		if merged == nil {
			merged = s
		} else {
			if err := compatible(paths[0], path, "snapshot", s.SchemaVersion, merged.SchemaVersion,
				[2]string{s.Tool.Name, s.Tool.Version}, [2]string{merged.Tool.Name, merged.Tool.Version},
				s.Scope.Regions, merged.Scope.Regions); err != nil {
				return nil, err
			}
			merged.Scope.Accounts = append(merged.Scope.Accounts, s.Scope.Accounts...)
			if len(merged.Scope.Regions) == 0 {
				merged.Scope.Regions = s.Scope.Regions
			}
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
	slices.Sort(merged.Scope.Accounts)
	slices.SortStableFunc(merged.Accounts, func(a, b checks.AccountFacts) int { return strings.Compare(a.AccountID, b.AccountID) })
	slices.SortStableFunc(merged.CoverageGaps, func(a, b checks.CoverageGap) int {
		return strings.Compare(a.AccountID+"/"+a.Region, b.AccountID+"/"+b.Region)
	})
	return merged, nil
}
