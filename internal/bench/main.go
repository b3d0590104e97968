// Command bench measures an organization scan against its lower bound: it
// generates a world (awssim.Generate), serves it with per-call latency and
// AWS-like rate limits (plus optional random throttling), runs the real scan
// path (internal/scan: discovery, then the real collectors, rate limiter
// and retryer, then by default the evaluation and report as baseline scan
// runs them, -pipeline) and prints wall time, the world's lower bound (see
// Bound), their ratio, API calls made and the minimum needed, retries,
// errors and peak memory. The last line is one JSON object.
//
//	go run ./internal/bench -accounts 200 -regions 4 -latency 40ms
//	go run ./internal/bench -accounts 200 -regions 4 -latency 40ms -throttle 0.05
//	go run ./internal/bench -accounts 1000 -regions 4 -latency 40ms
//	go run ./internal/bench -accounts 200 -regions 4 -shards 4 -accounts-from
//	go run ./internal/bench -accounts 5000 -regions 17 -shards 8 -accounts-from -shard-worlds
//
// With -shards N the scan runs as N shards, one process after another
// against the one simulator, and their reports are merged (shards.go);
// with -shard-worlds too, each shard has a simulator of its own that
// generates only the services of its accounts and the management account.
//
// The simulator runs in a child process (the same binary with -serve), as
// AWS runs elsewhere: the scan's process holds only what a real scan holds,
// so its peak memory and garbage collection are the scanner's, not the
// simulated organization's. Both share the machine's CPUs.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/memlimit"
	"github.com/baseline-scanner/baseline/internal/scan"
)

// Result is the bench's JSON line.
type Result struct {
	Accounts       int    `json:"accounts"`
	Collection     string `json:"collection"`
	DelegatedAdmin bool   `json:"delegated_admin"`
	TeamTag        string `json:"team_tag"`
	// DiscoverySeconds is the time before collection began: caller
	// identity, account listing and team-tag reads.
	DiscoverySeconds float64 `json:"discovery_seconds"`
	Regions          int     `json:"regions"`
	LatencyMS        float64 `json:"latency_ms"`
	Throttle         float64 `json:"throttle"`
	Concurrency      int     `json:"concurrency"`
	// Pipeline is what the scan process ran (-pipeline): collect, whole
	// or streamed.
	Pipeline string `json:"pipeline"`
	// WallSeconds is collection's time (discovery included);
	// ReportSeconds the evaluation and report after it.
	WallSeconds       float64 `json:"wall_seconds"`
	ReportSeconds     float64 `json:"report_seconds"`
	Results           int     `json:"results"` // the report's; 0 with -pipeline collect
	LowerBoundSeconds float64 `json:"lower_bound_seconds"`
	Ratio             float64 `json:"ratio"`
	APICalls          int     `json:"api_calls"`
	MinimalAPICalls   int     `json:"minimal_api_calls"`
	Requests          int     `json:"requests"` // received by the simulator, retries included
	Retries           int     `json:"retries"`
	Throttled         int     `json:"throttled"`
	Errors            int     `json:"errors"`
	PeakRSSMB         float64 `json:"peak_rss_mb"`
	// CollectPeakRSSMB is the peak when collection ended, before the
	// evaluation and report.
	CollectPeakRSSMB float64               `json:"collect_peak_rss_mb"`
	CPUSeconds       float64               `json:"cpu_seconds"` // the scan process's user+system CPU
	ScanCost         ScanCost              `json:"scan_cost"`   // per API call, over the whole run
	ByService        []checks.ServiceStats `json:"by_service"`
	// ByOperation is what the simulator served per API, retries included.
	ByOperation []OperationCount `json:"by_operation"`
	// OrganizationsCalls are the scan's Organizations operations (the
	// account listing and team tags; none from an account list), by
	// action in OrganizationsByOperation.
	OrganizationsCalls       int            `json:"organizations_calls"`
	OrganizationsByOperation map[string]int `json:"organizations_by_operation,omitempty"`
	// Shard is "K/N" on the line of one shard of -shards, absent otherwise.
	Shard string `json:"shard,omitempty"`
	// A shard's line also has the requests the simulator served as the
	// management account during the shard (any service: the caller's
	// identity, Organizations, every AssumeRole, and the management
	// account's own collection, or its trail facts read again by a shard
	// without it), by operation; the simulator's peak resident set by the
	// shard's end; and the load averages (as uptime prints them) when the
	// shard started and ended. With -shard-worlds, LowerBoundSeconds,
	// MinimalAPICalls and Ratio are the shard's (ComputeShardBound);
	// without, they are 0 on a shard's line (its simulator's world is the
	// whole organization's).
	ManagementRequests    int              `json:"management_requests,omitempty"`
	ManagementByOperation []OperationCount `json:"management_by_operation,omitempty"`
	SimulatorPeakRSSMB    float64          `json:"simulator_peak_rss_mb,omitempty"`
	LoadStart             string           `json:"load_start,omitempty"`
	LoadEnd               string           `json:"load_end,omitempty"`
}

// OperationCount is the requests one API received.
type OperationCount struct {
	Operation string `json:"operation"` // "guardduty:ListFindings"
	Requests  int    `json:"requests"`
}

// byOperation sorts the simulator's counts, most requests first.
func byOperation(m map[string]int) []OperationCount {
	out := make([]OperationCount, 0, len(m))
	for op, n := range m {
		out = append(out, OperationCount{Operation: op, Requests: n})
	}
	slices.SortFunc(out, func(a, b OperationCount) int {
		if a.Requests != b.Requests {
			return b.Requests - a.Requests
		}
		return strings.Compare(a.Operation, b.Operation)
	})
	return out
}

type flags struct {
	accounts, regions, concurrency int
	latency                        time.Duration
	throttle                       float64
	seed                           uint64
	noLimits, regionsAll           bool
	cpuProfile                     string
	collection                     string
	delegatedAdmin                 bool
	teamTag                        string
	pipeline                       string
	// -shards and -accounts-from, and a shard process's own flags.
	shards                               int
	accountsFrom                         bool
	shardRun, shardOut, shardAccountList string
	mergeRun, shardsDir                  string
	// shardWorlds gives each shard a simulator of its own (-shard-worlds);
	// serveWorld is what a simulator generates: "" the whole world, "org"
	// the organization and the management account's services (for the
	// listing), "K/N" shard K's accounts and the management account.
	shardWorlds bool
	serveWorld  string
	// worldNow is the simulator's clock (-world-now), set by the parent.
	worldNow time.Time
	// memoryLimit is the scan process's soft memory limit (-memory-limit).
	memoryLimit string
}

// Values of -pipeline.
const (
	pipelineCollect  = "collect"  // scan.Collect only
	pipelineWhole    = "whole"    // scan.Collect, Evaluate, BuildReport: every account held
	pipelineStreamed = "streamed" // scan.CollectStreamed and its Report: baseline scan
)

// allRegions are the 17 regions every AWS account has enabled without
// opting in; -regions N takes the first N (the first 8 in the order the
// bench's figures were measured with).
var allRegions = []string{"us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2", "eu-central-1", "ap-southeast-2", "sa-east-1", "ca-central-1",
	"us-east-2", "us-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-south-1"}

func main() {
	var f flags
	flag.IntVar(&f.accounts, "accounts", 200, "accounts in the generated organization")
	flag.IntVar(&f.regions, "regions", 4, fmt.Sprintf("regions enabled and scanned in every account (1-%d)", len(allRegions)))
	flag.DurationVar(&f.latency, "latency", 40*time.Millisecond, "simulated latency of every call")
	flag.Float64Var(&f.throttle, "throttle", 0, "fraction of calls throttled at random, on top of the rate limits")
	flag.IntVar(&f.concurrency, "concurrency", checks.DefaultConcurrency, "(account, region, service) collections in flight")
	flag.Uint64Var(&f.seed, "seed", 1, "world and fault seed")
	flag.BoolVar(&f.noLimits, "no-rate-limits", false, "serve without AWS-like rate limits")
	flag.BoolVar(&f.regionsAll, "regions-all", false, "resolve regions per account (account:ListRegions), like --regions all")
	flag.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the scan to this file")
	flag.StringVar(&f.collection, "collection", scan.ModeDirect, "how findings are read, as baseline's --collection: direct, auto or admin (auto and admin need -delegated-admin to use the administrator)")
	flag.BoolVar(&f.delegatedAdmin, "delegated-admin", false, "make the management account the Security Hub, GuardDuty and Systems Manager delegated administrator of every account, with a finding aggregator and an AWS-QuickSetup-ManagedNode sync in the first region")
	flag.StringVar(&f.teamTag, "team-tag", "team", `account tag read for each account's team (organizations:ListTagsForResource, as baseline's --team-tag default); "" reads none`)
	flag.StringVar(&f.pipeline, "pipeline", pipelineStreamed, "what the scan process runs: streamed (baseline scan: finished accounts spooled to disk, then evaluated and reported one group at a time), whole (collect every account in memory, then evaluate and report), or collect (collection only)")
	flag.IntVar(&f.shards, "shards", 0, "scan as N shards (baseline scan --shard K/N), one process after another against the one simulator, then merge their reports (baseline merge); 0 scans in one process")
	flag.BoolVar(&f.accountsFrom, "accounts-from", false, "with -shards: list the organization once first (baseline accounts --org) and give every shard the list (--accounts-from), so that shards make no Organizations call")
	flag.BoolVar(&f.shardWorlds, "shard-worlds", false, "with -shards: give each shard a simulator process of its own, started before the shard and stopped after it, that generates every account's Organizations view but the services (Security Hub, GuardDuty, CloudTrail, SSM, EC2) only of the shard's accounts and the management account (which owns the organization trail), so that the simulator's memory follows the shard, not the organization; the accounts equal the same accounts of the whole world. The listing of -accounts-from runs against a simulator that holds the organization and the management account's services only (the listing reads its trails). Each shard's line then carries the shard's lower bound and minimal calls")
	flag.StringVar(&f.serveWorld, "serve-world", "", "internal: what the simulator generates: org (the organization and the management account's services) or K/N (shard K's accounts and the management account); the whole world when empty")
	flag.StringVar(&f.shardRun, "shard-run", "", "internal: run shard K/N against the parent's simulator")
	flag.StringVar(&f.shardOut, "shard-out", "", "internal: the shard's JSON report")
	flag.StringVar(&f.shardAccountList, "shard-accounts-from", "", "internal: the account list the shard scans from")
	flag.StringVar(&f.shardsDir, "shards-dir", "", "with -shards: keep the shards' reports (report-K.json) and the merged report (merged.json) in this directory; by default they go to a temporary one, removed at the end")
	flag.StringVar(&f.mergeRun, "merge-run", "", "internal: run baseline merge of the reports given as arguments into this file")
	flag.TextVar(&f.worldNow, "world-now", time.Time{}, "internal: the instant (RFC 3339) the simulator resolves the world's relative times against; the parent sets it")
	flag.StringVar(&f.memoryLimit, "memory-limit", "auto", "the scan process's soft memory limit, as baseline's --memory-limit: auto (75% of the cgroup's or machine's memory), a size such as 900MiB, or off")
	serve := flag.Bool("serve", false, "internal: serve the world on stdout/stdin for the parent bench")
	flag.Parse()
	if f.pipeline != pipelineCollect && f.pipeline != pipelineWhole && f.pipeline != pipelineStreamed {
		fmt.Fprintf(os.Stderr, "bench: -pipeline: %q is not collect, whole or streamed\n", f.pipeline)
		os.Exit(2)
	}
	if f.regions < 1 || f.regions > len(allRegions) {
		fmt.Fprintf(os.Stderr, "bench: -regions: 1 to %d\n", len(allRegions))
		os.Exit(2)
	}
	if err := checkShardFlags(f); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	var err error
	switch {
	case *serve:
		err = runServer(f, os.Stdin, os.Stdout)
	case f.shardRun != "":
		err = runShardProcess(f)
	case f.mergeRun != "":
		err = runMergeProcess(f.mergeRun, f.memoryLimit, flag.Args())
	default:
		err = run(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
}

func run(f flags) error {
	benchStart := time.Now()
	regions := allRegions[:f.regions]

	// Start the simulator process and read its hello. With -shard-worlds
	// it holds the organization and the management account's services
	// (for the listing); each shard gets a simulator of its own.
	var world []string
	if f.shardWorlds {
		world = []string{"-serve-world", "org"}
	}
	sim, err := spawnSimulator(worldNow(benchStart), world)
	if err != nil {
		return err
	}
	defer sim.close()
	hi := sim.hi
	fmt.Fprintf(os.Stderr, "simulator: %d accounts × %d regions generated in %s, serving on %s\n", f.accounts, len(regions), time.Duration(hi.GenerateNanos).Round(time.Millisecond), hi.URL)

	cfg := aws.Config{
		Region:       regions[0],
		Credentials:  aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(hi.AccessKeyID, hi.SecretAccessKey, "")),
		BaseEndpoint: aws.String(hi.URL),
	}
	if f.shards > 0 {
		return runSharded(context.Background(), f, benchStart, hi, cfg, sim.client)
	}
	calls := checks.NewCallCounter()

	ctx := context.Background()
	if f.cpuProfile != "" {
		pf, err := os.Create(f.cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The scanner's process settings, as the CLI sets them (-memory-limit
	// as --memory-limit), for the collection, the evaluation and the report.
	mem, err := memlimit.Decide(f.memoryLimit, os.LookupEnv, os.ReadFile)
	if err != nil {
		return err
	}
	defer memlimit.Apply(mem, os.LookupEnv)()
	var collectPeak float64
	collected := func() {
		collectPeak = peakRSSMB()
		// What collection still holds when it ends: with the streamed
		// pipeline, what grows with the organization.
		if p := os.Getenv("BENCH_HEAPPROFILE"); p != "" {
			if hf, err := os.Create(p); err == nil {
				runtime.GC()
				_ = pprof.WriteHeapProfile(hf)
				hf.Close()
			}
		}
	}
	m := startMeasuring()
	// The scan goes through the pipeline the CLI calls (internal/scan).
	obs := &benchObserver{}
	o := scanOptions(f, &cfg, regions, calls, obs)
	run, err := runPipeline(ctx, f.pipeline, o, collected, nil)
	if err != nil {
		return err
	}
	res := m.result(f, len(regions), run, obs, calls)
	if p := os.Getenv("BENCH_MEMPROFILE"); p != "" {
		mf, _ := os.Create(p)
		_ = pprof.Lookup("allocs").WriteTo(mf, 0)
		mf.Close()
	}

	// Ask the simulator what it served.
	st, err := sim.client.stats()
	if err != nil {
		return err
	}

	res.LowerBoundSeconds = round(hi.Bound.Seconds, 3)
	res.MinimalAPICalls = hi.Bound.Calls
	res.Requests, res.Throttled = st.Requests, st.Throttled
	res.PeakRSSMB, res.CollectPeakRSSMB = round(peakRSSMB(), 1), round(collectPeak, 1)
	res.ByOperation = byOperation(st.ByOperation)
	if hi.Bound.Seconds > 0 {
		res.Ratio = round(res.WallSeconds/hi.Bound.Seconds, 3)
	}

	fmt.Printf("world:        %d accounts × %d regions, %s per call, throttle %.0f%%, concurrency %d\n", res.Accounts, res.Regions, f.latency, f.throttle*100, f.concurrency)
	fmt.Printf("wall time:    %.3fs collection, then %.3fs evaluation and report (-pipeline %s; scan process CPU %.2fs)\n", res.WallSeconds, res.ReportSeconds, f.pipeline, res.CPUSeconds)
	fmt.Printf("per call:     %.0f ms CPU per 1,000 calls, %.1f KB and %.0f objects allocated, %.2f goroutines started, %.1f page faults; %d GC cycles\n", res.ScanCost.CPUMSPer1000Calls, res.ScanCost.AllocKBPerCall, res.ScanCost.AllocsPerCall, res.ScanCost.GoroutinesPerCall, res.ScanCost.PageFaultsPerCall, res.ScanCost.GCCycles)
	fmt.Printf("lower bound:  %.3fs (streamed discovery ends %s, team tags end %s, slowest account %s from its AssumeRole)\n", res.LowerBoundSeconds, time.Duration(hi.Bound.Discovery).Round(time.Millisecond), time.Duration(hi.Bound.TeamTags).Round(time.Millisecond), time.Duration(hi.Bound.LongestPath).Round(time.Millisecond))
	fmt.Printf("ratio:        %.3f\n", res.Ratio)
	fmt.Printf("discovery:    %.3fs before collection began (accounts listed; team tags %q read per account, beside collection)\n", res.DiscoverySeconds, f.teamTag)
	fmt.Printf("API calls:    %d (minimum %d); %d requests served, %d retries, %d throttled\n", res.APICalls, res.MinimalAPICalls, res.Requests, res.Retries, res.Throttled)
	for _, s := range res.ByService {
		fmt.Printf("  %-14s %6d calls %5d retries %5d throttled %3d failed\n", s.Service, s.Calls, s.Retries, s.Throttled, s.Failed)
	}
	fmt.Printf("requests per API (simulator):\n")
	for _, o := range res.ByOperation {
		fmt.Printf("  %-52s %6d\n", o.Operation, o.Requests)
	}
	fmt.Printf("errors:       %d; %d results in the report\n", res.Errors, res.Results)
	fmt.Printf("peak RSS:     %.1f MB (scan process; %.1f MB when collection ended)\n", res.PeakRSSMB, res.CollectPeakRSSMB)
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	return nil
}

// benchObserver prints the scan's status lines (which collection mode was
// chosen, coverage gaps) on stderr and keeps the progress, whose phase
// start says how long discovery and team tags took; no live line.
type benchObserver struct{ progress *checks.Progress }

func (*benchObserver) Status(line string) { fmt.Fprintln(os.Stderr, "scan:", line) }

func (o *benchObserver) Collecting(p *checks.Progress) func() {
	o.progress = p
	return func() {}
}

func (*benchObserver) Collected([]checks.ServiceStats, time.Duration, int) {}

// cpuSeconds is the process's user+system CPU time so far.
func cpuSeconds() float64 {
	// Fields after the command name (which is in parentheses): utime is
	// the 12th, stime the 13th, in clock ticks (100 per second on Linux).
	fields := procStat()
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(fields[11], 64)
	st, _ := strconv.ParseFloat(fields[12], 64)
	return (ut + st) / 100
}

// procStat is /proc/self/stat's fields after the command name, or nil.
func procStat() []string {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return nil
	}
	s := string(data)
	return strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
}

// peakRSSMB reads the process's peak resident set (VmHWM) on Linux, else
// the Go runtime's total memory obtained from the OS.
func peakRSSMB() float64 {
	if data, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				if err == nil {
					return kb / 1024
				}
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.Sys) / (1 << 20)
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(v*p+0.5)) / p
}

// scanOptions are the scan of the bench's organization, as the CLI runs it
// (internal/scan), against cfg's simulator.
func scanOptions(f flags, cfg *aws.Config, regions []string, calls *checks.CallCounter, obs *benchObserver) scan.Options {
	o := scan.Options{
		Org:         true,
		AWS:         cfg,
		Concurrency: f.concurrency,
		Collection:  f.collection,
		Tool:        checks.Tool{Name: "baseline", Version: "bench"},
		Calls:       calls,
		TeamTag:     f.teamTag,
		Observer:    obs,
	}
	if f.regionsAll {
		o.AllRegions = true
	} else {
		o.Regions = regions
	}
	return o
}

// measuring is a scan process's own measurement of a run, from its start.
type measuring struct {
	start          time.Time
	cpu            float64
	countersBefore runtimeCounters
}

func startMeasuring() measuring {
	return measuring{cpu: cpuSeconds(), countersBefore: readRuntimeCounters(), start: time.Now()}
}

// result is what the scan process measured of run (the simulator's side,
// the bound and peak memory are the caller's); it prints the first
// collection errors on stderr.
func (m measuring) result(f flags, regions int, run pipelineRun, obs *benchObserver, calls *checks.CallCounter) Result {
	wall := run.collected.Sub(m.start)
	reportTime := time.Since(run.collected)
	var discoverySeconds float64 // discovery and team tags, until collection began
	if obs.progress != nil {
		if st := obs.progress.State(); !st.PhaseStart.IsZero() {
			discoverySeconds = st.PhaseStart.Sub(m.start).Seconds()
		}
	}
	cpu, countersAfter := cpuSeconds()-m.cpu, readRuntimeCounters()
	for _, e := range run.firstErrors {
		fmt.Fprintf(os.Stderr, "error: %s %s %s:%s %s: %s\n", e.AccountID, e.Region, e.Service, e.Operation, e.Code, e.Message)
	}
	res := Result{
		Accounts:         run.accounts,
		Collection:       f.collection,
		DelegatedAdmin:   f.delegatedAdmin,
		TeamTag:          f.teamTag,
		DiscoverySeconds: round(discoverySeconds, 3),
		Regions:          regions,
		LatencyMS:        float64(f.latency) / float64(time.Millisecond),
		Throttle:         f.throttle,
		Concurrency:      f.concurrency,
		Pipeline:         f.pipeline,
		WallSeconds:      round(wall.Seconds(), 3),
		ReportSeconds:    round(reportTime.Seconds(), 3),
		Results:          run.results,
		APICalls:         calls.Total(),
		Retries:          calls.Retries(),
		Errors:           run.errors,
		CPUSeconds:       round(cpu, 2),
		ScanCost:         scanCost(m.countersBefore, countersAfter, cpu, calls.Total()),
		ByService:        calls.ByService(),
	}
	res.OrganizationsCalls, res.OrganizationsByOperation = organizationsCalls(calls)
	return res
}
