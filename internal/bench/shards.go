package main

// -shards N runs the scan as N shards, as a CI matrix does (baseline scan
// --shard K/N, then baseline merge), on one machine: after the simulator
// starts, each shard runs in its own process (this binary with -shard-run
// K/N), one after another, so that each reports its own wall time, calls
// and peak memory; then the parent merges their reports with baseline
// merge's code. With -accounts-from the parent first lists the
// organization once (baseline accounts --org) and every shard scans from
// that list, making no Organizations call.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/cli"
	"github.com/baseline-scanner/baseline/internal/memlimit"
	"github.com/baseline-scanner/baseline/internal/scan"
	"github.com/baseline-scanner/baseline/report"
)

// The simulator's endpoint and keys, passed to a shard process in its
// environment (never on its command line, never printed).
const (
	envSimURL       = "BENCH_SIM_URL"
	envSimKeyID     = "BENCH_SIM_ACCESS_KEY_ID"
	envSimSecretKey = "BENCH_SIM_SECRET_ACCESS_KEY"
)

// ShardedResult is the last JSON line of -shards: the shards' figures side
// by side (index k-1 is shard k/N), the listing's and the merge's.
type ShardedResult struct {
	Accounts    int     `json:"accounts"`
	Regions     int     `json:"regions"`
	LatencyMS   float64 `json:"latency_ms"`
	Throttle    float64 `json:"throttle"`
	Concurrency int     `json:"concurrency"`
	Collection  string  `json:"collection"`
	TeamTag     string  `json:"team_tag"`
	Pipeline    string  `json:"pipeline"`
	Shards      int     `json:"shards"`
	// AccountsFrom: the organization was listed once (ListingSeconds,
	// ListingOrganizationsCalls; ListingAPICalls with the caller's trails
	// and identity) and the shards scanned from the list.
	AccountsFrom              bool    `json:"accounts_from"`
	ListingSeconds            float64 `json:"listing_seconds"`
	ListingOrganizationsCalls int     `json:"listing_organizations_calls"`
	ListingAPICalls           int     `json:"listing_api_calls"`
	// Per shard.
	ShardAccounts      []int     `json:"shard_accounts"`
	WallSeconds        []float64 `json:"wall_seconds"`
	APICalls           []int     `json:"api_calls"`
	OrganizationsCalls []int     `json:"organizations_calls"`
	Requests           []int     `json:"requests"` // served by the simulator during the shard, retries included
	PeakRSSMB          []float64 `json:"peak_rss_mb"`
	Errors             []int     `json:"errors"`
	// ManagementRequests were made as the management account (see
	// Result.ManagementRequests); SimulatorPeakRSSMB is the simulator's
	// peak by the shard's end (with -shard-worlds, the shard's simulator's);
	// LoadStart and LoadEnd the machine's load averages around the shard.
	ManagementRequests []int     `json:"management_requests"`
	SimulatorPeakRSSMB []float64 `json:"simulator_peak_rss_mb"`
	LoadStart          []string  `json:"load_start"`
	LoadEnd            []string  `json:"load_end"`
	// ShardWorlds: each shard had a simulator of its own (-shard-worlds),
	// and LowerBoundSeconds and MinimalAPICalls are each shard's bound.
	ShardWorlds       bool      `json:"shard_worlds"`
	LowerBoundSeconds []float64 `json:"lower_bound_seconds,omitempty"`
	MinimalAPICalls   []int     `json:"minimal_api_calls,omitempty"`
	// SumWallSeconds is the shards' wall times added up (they ran one after
	// another); MaxWallSeconds the longest, the scan's time when the shards
	// run side by side on machines of their own.
	SumWallSeconds float64 `json:"sum_wall_seconds"`
	MaxWallSeconds float64 `json:"max_wall_seconds"`
	TotalAPICalls  int     `json:"total_api_calls"`
	// TotalOrganizationsCalls are the shards' Organizations calls added up
	// (the listing's apart).
	TotalOrganizationsCalls int `json:"total_organizations_calls"`
	// The merged report: its accounts (each once, every account of the
	// organization), results, and the merge's wall time and peak RSS:
	// baseline merge's code (reading the shards' reports, merging them,
	// writing the merged JSON report) in a process of its own.
	MergedAccounts int     `json:"merged_accounts"`
	MergedResults  int     `json:"merged_results"`
	MergeSeconds   float64 `json:"merge_seconds"`
	MergePeakRSSMB float64 `json:"merge_peak_rss_mb"`
	MergedReportMB float64 `json:"merged_report_mb"` // the merged JSON report's size
	ShardReportsMB float64 `json:"shard_reports_mb"` // the shards' JSON reports' sizes added up
}

// checkShardFlags refuses -shards combinations the bench does not run.
func checkShardFlags(f flags) error {
	switch {
	case f.shards < 0:
		return fmt.Errorf("-shards: %d is negative", f.shards)
	case f.shardsDir != "" && f.shards == 0:
		return errors.New("-shards-dir: only with -shards N")
	case f.accountsFrom && f.shards == 0:
		return errors.New("-accounts-from: only with -shards N")
	case f.shards > 0 && f.pipeline == pipelineCollect:
		return errors.New("-shards: the shards' reports are merged: -pipeline streamed or whole, not collect")
	case f.shardWorlds && f.shards == 0:
		return errors.New("-shard-worlds: only with -shards N")
	case f.shardWorlds && f.delegatedAdmin:
		return errors.New("-shard-worlds: not with -delegated-admin (the administrator reads every member's findings, which a shard's world does not hold)")
	case f.shards > 0 && f.cpuProfile != "":
		return errors.New("-cpuprofile: not with -shards (each shard is a process of its own)")
	}
	return nil
}

// simClient asks the simulator process what it served so far.
type simClient struct {
	to    io.Writer
	lines *bufio.Scanner
}

func (c *simClient) stats() (stats, error) {
	if _, err := io.WriteString(c.to, "stats\n"); err != nil {
		return stats{}, err
	}
	var st stats
	if !c.lines.Scan() {
		return st, fmt.Errorf("simulator exited: %v", c.lines.Err())
	}
	if err := json.Unmarshal(c.lines.Bytes(), &st); err != nil {
		return st, fmt.Errorf("simulator stats: %w", err)
	}
	return st, nil
}

// minus is what the simulator served between before and s.
func (s stats) minus(before stats) stats {
	d := stats{Requests: s.Requests - before.Requests, Throttled: s.Throttled - before.Throttled, ByOperation: map[string]int{},
		ManagementRequests: s.ManagementRequests - before.ManagementRequests, ManagementByOperation: map[string]int{}, PeakRSSMB: s.PeakRSSMB}
	for op, n := range s.ByOperation {
		if n -= before.ByOperation[op]; n > 0 {
			d.ByOperation[op] = n
		}
	}
	for op, n := range s.ManagementByOperation {
		if n -= before.ManagementByOperation[op]; n > 0 {
			d.ManagementByOperation[op] = n
		}
	}
	return d
}

// simConfig is the SDK configuration of the simulator's management account.
func simConfig(url, keyID, secret, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(keyID, secret, "")),
		BaseEndpoint: aws.String(url),
	}
}

// organizationsCalls are calls' Organizations operations, in all and by action.
func organizationsCalls(calls *checks.CallCounter) (int, map[string]int) {
	total, by := 0, map[string]int{}
	for action, n := range calls.Counts() {
		if strings.HasPrefix(action, "organizations:") {
			total += n
			by[action] = n
		}
	}
	return total, by
}

// listAccounts lists the organization once, as baseline accounts --org
// --regions does (the caller's trails read for regions, or for every
// enabled region with all), and writes the list to path as that command
// does, on the clock now (time.Now when nil). It returns the list, the
// listing's Organizations calls and all its calls.
func listAccounts(ctx context.Context, cfg aws.Config, path string, regions []string, all bool, now func() time.Time) (*checks.AccountList, int, int, error) {
	calls := checks.NewCallCounter()
	o := scan.Options{Org: true, AWS: &cfg, Tool: checks.Tool{Name: "baseline", Version: "bench"}, Calls: calls, Regions: regions, AllRegions: all, Now: now}
	if all {
		o.Regions = nil
	}
	list, err := scan.ListAccounts(ctx, o)
	if err != nil {
		return nil, 0, 0, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(list); err != nil {
		return nil, 0, 0, err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return nil, 0, 0, err
	}
	n, _ := organizationsCalls(calls)
	return list, n, calls.Total(), nil
}

// shardSpec is one shard's scan.
type shardSpec struct {
	flags flags
	cfg   aws.Config // the simulator, as its management account
	// index and count are the shard, K of N (count 0: the whole
	// organization, no shard).
	index, count int
	// accountsFrom, when set, is the account list file the shard scans
	// from (scan.ReadAccountList, as --accounts-from reads it).
	accountsFrom string
	out          string           // the shard's JSON report
	now          func() time.Time // the scan's clock; time.Now when nil
}

// runShard runs one shard's scan in this process as baseline scan --shard
// K/N --format json -o out runs it, and returns its figures: its calls, its
// Organizations calls by action, wall and CPU time and errors (not memory:
// the process's, runShardProcess adds it). collected is called when
// collection ends.
func runShard(ctx context.Context, s shardSpec, collected func()) (Result, error) {
	f := s.flags
	regions := allRegions[:f.regions]
	calls := checks.NewCallCounter()
	obs := &benchObserver{}
	cfg := s.cfg.Copy()
	o := scanOptions(f, &cfg, regions, calls, obs)
	o.Now = s.now
	o.Shard = checks.ShardScope{Index: s.index, Count: s.count}
	if s.accountsFrom != "" {
		list, err := scan.ReadAccountList(ctx, s.accountsFrom)
		if err != nil {
			return Result{}, err
		}
		o.AccountList = list
		// The shards run one after another here, in parallel where they
		// are deployed: the list's trail facts stay usable through them.
		o.TrailFactsMaxAge = 24 * time.Hour
	}
	writer, err := report.NewWriter("json")
	if err != nil {
		return Result{}, err
	}
	write := func(rep *report.Report) error {
		out, err := os.Create(s.out)
		if err != nil {
			return err
		}
		if err := writer.Write(out, rep); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	}
	m := startMeasuring()
	run, err := runPipeline(ctx, f.pipeline, o, collected, write)
	if err != nil {
		return Result{}, err
	}
	res := m.result(f, len(regions), run, obs, calls)
	if s.count > 0 {
		res.Shard = fmt.Sprintf("%d/%d", s.index, s.count)
	}
	return res, nil
}

// parseShardRun reads -shard-run K/N.
func parseShardRun(v string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(v, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("-shard-run: %q is not K/N with 1 <= K <= N", v)
	}
	return k, n, nil
}

// runShardProcess is a shard's process: it scans its shard against the
// parent's simulator with the scanner's process settings, writes its
// report to -shard-out and prints its Result as one JSON line.
func runShardProcess(f flags) error {
	k, n, err := parseShardRun(f.shardRun)
	if err != nil {
		return err
	}
	url := os.Getenv(envSimURL)
	if url == "" || f.shardOut == "" {
		return fmt.Errorf("-shard-run: internal, run by the bench's -shards (it needs -shard-out and %s)", envSimURL)
	}
	cfg := simConfig(url, os.Getenv(envSimKeyID), os.Getenv(envSimSecretKey), allRegions[0])
	mem, err := memlimit.Decide(f.memoryLimit, os.LookupEnv, os.ReadFile)
	if err != nil {
		return err
	}
	defer memlimit.Apply(mem, os.LookupEnv)()
	var collectPeak float64
	res, err := runShard(context.Background(), shardSpec{flags: f, cfg: cfg, index: k, count: n, accountsFrom: f.shardAccountList, out: f.shardOut}, func() {
		collectPeak = peakRSSMB()
	})
	if err != nil {
		return err
	}
	res.PeakRSSMB, res.CollectPeakRSSMB = round(peakRSSMB(), 1), round(collectPeak, 1)
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	return nil
}

// spawnShard runs shard k/n in a process of its own and returns the Result
// it printed.
func spawnShard(ctx context.Context, hi hello, k, n int, out, accountsFrom string) (Result, error) {
	self, err := os.Executable()
	if err != nil {
		return Result{}, err
	}
	args := append(slices.Clone(os.Args[1:]), "-shard-run", fmt.Sprintf("%d/%d", k, n), "-shard-out", out)
	if accountsFrom != "" {
		args = append(args, "-shard-accounts-from", accountsFrom)
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), envSimURL+"="+hi.URL, envSimKeyID+"="+hi.AccessKeyID, envSimSecretKey+"="+hi.SecretAccessKey)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.Output()
	if err != nil {
		return Result{}, fmt.Errorf("shard %d/%d: %w", k, n, err)
	}
	lines := strings.Split(strings.TrimSpace(string(stdout)), "\n")
	var res Result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		return Result{}, fmt.Errorf("shard %d/%d: its result: %w", k, n, err)
	}
	return res, nil
}

// mergeRun is what the merge process took: wall seconds and peak RSS (MiB).
type mergeRun struct{ seconds, peakRSSMB float64 }

// spawnMerge runs baseline merge of the shards' reports into out in a
// process of its own (this binary with -merge-run), so that its peak RSS is
// the merge's alone.
func spawnMerge(ctx context.Context, out, memoryLimit string, paths []string) (mergeRun, error) {
	self, err := os.Executable()
	if err != nil {
		return mergeRun{}, err
	}
	cmd := exec.CommandContext(ctx, self, append([]string{"-memory-limit", memoryLimit, "-merge-run", out}, paths...)...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return mergeRun{}, fmt.Errorf("baseline merge: %w", err)
	}
	run := mergeRun{seconds: round(time.Since(start).Seconds(), 3)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		run.peakRSSMB = round(float64(ru.Maxrss)/1024, 1) // Maxrss is in KiB on Linux
	}
	return run, nil
}

// runMergeProcess is -merge-run: baseline merge of paths into out, as the
// command runs it, with --memory-limit memoryLimit. The merged verdict
// (exit 1 for failures, 3 for an incomplete scan) is the report's, not the
// merge's failure.
func runMergeProcess(out, memoryLimit string, paths []string) error {
	err := cli.Execute(context.Background(), append([]string{"merge", "-o", out, "--memory-limit", memoryLimit}, paths...), io.Discard, os.Stderr)
	switch code := cli.ExitCode(err); code {
	case 0, 1, 3:
		return nil
	default:
		return fmt.Errorf("baseline merge exited %d: %w", code, err)
	}
}

// checkMerged reads the merged report and checks that it covers every
// account once: want of them, and exactly wantIDs when given.
func checkMerged(path string, want int, wantIDs []string) (*report.Report, error) {
	merged, err := report.ReadReport(path)
	if err != nil {
		return nil, err
	}
	got := merged.Scope.Accounts
	if len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(got) {
		return nil, fmt.Errorf("merged report: an account is in two shards")
	}
	if len(got) != want {
		return nil, fmt.Errorf("merged report: %d accounts, the organization has %d", len(got), want)
	}
	if wantIDs != nil {
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(wantIDs))) {
			return nil, fmt.Errorf("merged report: the accounts are not the listed ones")
		}
	}
	return merged, nil
}

// fileMB is a file's size in MiB, to one decimal.
func fileMB(path string) (float64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return round(float64(fi.Size())/(1<<20), 1), nil
}

// runSharded is -shards: the listing (with -accounts-from), the shards one
// after another, each in its own process, then the merge.
//
// With -shard-worlds each shard's simulator is started before it and
// stopped after it (sim, the first, then serves the listing only), so
// that one shard's world is in memory at a time.
func runSharded(ctx context.Context, f flags, benchStart time.Time, hi hello, cfg aws.Config, sim *simClient) error {
	dir := f.shardsDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "baseline-bench-shards-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	total := ShardedResult{
		Accounts: f.accounts, Regions: f.regions, LatencyMS: float64(f.latency) / float64(time.Millisecond),
		Throttle: f.throttle, Concurrency: f.concurrency, Collection: f.collection, TeamTag: f.teamTag,
		Pipeline: f.pipeline, Shards: f.shards, AccountsFrom: f.accountsFrom, ShardWorlds: f.shardWorlds,
	}
	var listPath string
	var listed []string
	if f.accountsFrom {
		listPath = filepath.Join(dir, "accounts.json")
		start := time.Now()
		list, orgCalls, listCalls, err := listAccounts(ctx, cfg, listPath, allRegions[:f.regions], f.regionsAll, nil)
		if err != nil {
			return fmt.Errorf("list the organization: %w", err)
		}
		total.ListingSeconds = round(time.Since(start).Seconds(), 3)
		total.ListingOrganizationsCalls = orgCalls
		total.ListingAPICalls = listCalls
		for _, a := range list.Accounts {
			listed = append(listed, a.ID)
		}
		fmt.Printf("listing:      %d accounts in %.3fs, %d Organizations calls, %d API calls in all (baseline accounts --org: with the caller's trails)\n", len(listed), total.ListingSeconds, orgCalls, listCalls)
	}
	paths := make([]string, f.shards)
	for k := 1; k <= f.shards; k++ {
		paths[k-1] = filepath.Join(dir, fmt.Sprintf("report-%d.json", k))
		shardHi, shardSim, stop := hi, sim, func() error { return nil }
		if f.shardWorlds {
			s, err := spawnSimulator(worldNow(benchStart), []string{"-serve-world", fmt.Sprintf("%d/%d", k, f.shards)})
			if err != nil {
				return fmt.Errorf("shard %d/%d's simulator: %w", k, f.shards, err)
			}
			shardHi, shardSim, stop = s.hi, s.client, s.close
			fmt.Fprintf(os.Stderr, "simulator of shard %d/%d: generated in %s\n", k, f.shards, time.Duration(s.hi.GenerateNanos).Round(time.Millisecond))
		}
		before, err := shardSim.stats()
		if err != nil {
			return errors.Join(err, stop())
		}
		loadStart := loadAverage()
		res, err := spawnShard(ctx, shardHi, k, f.shards, paths[k-1], listPath)
		if err != nil {
			return errors.Join(err, stop())
		}
		res.LoadStart, res.LoadEnd = loadStart, loadAverage()
		after, err := shardSim.stats()
		if err := errors.Join(err, stop()); err != nil {
			return err
		}
		served := after.minus(before)
		res.DelegatedAdmin = f.delegatedAdmin
		res.Requests, res.Throttled, res.ByOperation = served.Requests, served.Throttled, byOperation(served.ByOperation)
		res.ManagementRequests, res.ManagementByOperation = served.ManagementRequests, byOperation(served.ManagementByOperation)
		res.SimulatorPeakRSSMB = served.PeakRSSMB
		if f.shardWorlds {
			// The shard's own world's bound (ComputeShardBound).
			res.LowerBoundSeconds, res.MinimalAPICalls = round(shardHi.Bound.Seconds, 3), shardHi.Bound.Calls
			if shardHi.Bound.Seconds > 0 {
				res.Ratio = round(res.WallSeconds/shardHi.Bound.Seconds, 3)
			}
		}
		fmt.Printf("shard %s:    %d accounts, %.3fs wall (%.3fs report), %d API calls (%d Organizations%s), %d requests served (%d as the management account%s), %d retries, %d errors, peak RSS %.1f MB (simulator %.1f MB), load %s then %s\n",
			res.Shard, res.Accounts, res.WallSeconds, res.ReportSeconds, res.APICalls, res.OrganizationsCalls, orgDetail(res.OrganizationsByOperation), res.Requests, res.ManagementRequests, managementDetail(res.ManagementByOperation), res.Retries, res.Errors, res.PeakRSSMB, res.SimulatorPeakRSSMB, res.LoadStart, res.LoadEnd)
		if f.shardWorlds {
			fmt.Printf("              lower bound %.3fs, ratio %.3f; minimum %d API calls (the shard's world)\n", res.LowerBoundSeconds, res.Ratio, res.MinimalAPICalls)
		}
		line, err := json.Marshal(res)
		if err != nil {
			return err
		}
		fmt.Println(string(line))
		total.ShardAccounts = append(total.ShardAccounts, res.Accounts)
		total.WallSeconds = append(total.WallSeconds, res.WallSeconds)
		total.APICalls = append(total.APICalls, res.APICalls)
		total.OrganizationsCalls = append(total.OrganizationsCalls, res.OrganizationsCalls)
		total.Requests = append(total.Requests, res.Requests)
		total.PeakRSSMB = append(total.PeakRSSMB, res.PeakRSSMB)
		total.Errors = append(total.Errors, res.Errors)
		total.ManagementRequests = append(total.ManagementRequests, res.ManagementRequests)
		total.SimulatorPeakRSSMB = append(total.SimulatorPeakRSSMB, res.SimulatorPeakRSSMB)
		total.LoadStart = append(total.LoadStart, res.LoadStart)
		total.LoadEnd = append(total.LoadEnd, res.LoadEnd)
		if f.shardWorlds {
			total.LowerBoundSeconds = append(total.LowerBoundSeconds, res.LowerBoundSeconds)
			total.MinimalAPICalls = append(total.MinimalAPICalls, res.MinimalAPICalls)
		}
		total.SumWallSeconds += res.WallSeconds
		total.MaxWallSeconds = max(total.MaxWallSeconds, res.WallSeconds)
		total.TotalAPICalls += res.APICalls
		total.TotalOrganizationsCalls += res.OrganizationsCalls
	}
	total.SumWallSeconds = round(total.SumWallSeconds, 3)
	mergedPath := filepath.Join(dir, "merged.json")
	merge, err := spawnMerge(ctx, mergedPath, f.memoryLimit, paths)
	if err != nil {
		return err
	}
	merged, err := checkMerged(mergedPath, f.accounts, listed)
	if err != nil {
		return err
	}
	total.MergeSeconds, total.MergePeakRSSMB = merge.seconds, merge.peakRSSMB
	total.MergedAccounts, total.MergedResults = len(merged.Scope.Accounts), len(merged.Results)
	if total.MergedReportMB, err = fileMB(mergedPath); err != nil {
		return err
	}
	for _, p := range paths {
		mb, err := fileMB(p)
		if err != nil {
			return err
		}
		total.ShardReportsMB += mb
	}
	total.ShardReportsMB = round(total.ShardReportsMB, 1)
	fmt.Printf("merged:       %d accounts, each once; %d results; baseline merge took %.3fs, peak RSS %.1f MB (shard reports %.1f MB, merged report %.1f MB)\n", total.MergedAccounts, total.MergedResults, total.MergeSeconds, total.MergePeakRSSMB, total.ShardReportsMB, total.MergedReportMB)
	fmt.Printf("shards:       %d, %.3fs wall added up, %.3fs the longest; %d API calls in all, %d of them Organizations\n", total.Shards, total.SumWallSeconds, total.MaxWallSeconds, total.TotalAPICalls, total.TotalOrganizationsCalls)
	line, err := json.Marshal(total)
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	return nil
}

// managementDetail is ": 12 cloudtrail, 3 organizations, 40 sts", the
// management account's requests by service, or "".
func managementDetail(ops []OperationCount) string {
	by := map[string]int{}
	for _, o := range ops {
		service, _, _ := strings.Cut(o.Operation, ":")
		by[service] += o.Requests
	}
	if len(by) == 0 {
		return ""
	}
	var parts []string
	for _, service := range slices.Sorted(maps.Keys(by)) {
		parts = append(parts, fmt.Sprintf("%d %s", by[service], service))
	}
	return ": " + strings.Join(parts, ", ")
}

// loadAverage is the machine's load averages over 1, 5 and 15 minutes, as
// uptime prints them ("0.83 0.85 1.18"), or "" where /proc/loadavg is not.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return ""
	}
	return strings.Join(fields[:3], " ")
}

// orgDetail is ": ListAccounts 3, ListTagsForResource 50", or "".
func orgDetail(by map[string]int) string {
	if len(by) == 0 {
		return ""
	}
	var parts []string
	for _, action := range slices.Sorted(maps.Keys(by)) {
		parts = append(parts, fmt.Sprintf("%s %d", strings.TrimPrefix(action, "organizations:"), by[action]))
	}
	return ": " + strings.Join(parts, ", ")
}
