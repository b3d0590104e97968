package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
)

// hello is the simulator process's first line: where it serves, the
// management account's keys, and the world's bound.
type hello struct {
	URL             string `json:"url"`
	AccessKeyID     string `json:"access_key_id"`
	SecretAccessKey string `json:"secret_access_key"`
	Bound           Bound  `json:"bound"`
	GenerateNanos   int64  `json:"generate_nanos"`
}

// stats answer a "stats" line from the parent.
type stats struct {
	Requests  int `json:"requests"`
	Throttled int `json:"throttled"`
	// ByOperation counts the requests per "service:Operation", retries
	// included, so that a change in calls can be traced to its API.
	ByOperation map[string]int `json:"by_operation"`
	// ManagementRequests are the requests made as the management account
	// (the caller: its identity, the Organizations calls, every
	// AssumeRole, and its own collection), by operation in
	// ManagementByOperation.
	ManagementRequests    int            `json:"management_requests"`
	ManagementByOperation map[string]int `json:"management_by_operation"`
	// PeakRSSMB is the simulator process's peak resident set so far.
	PeakRSSMB float64 `json:"peak_rss_mb"`
}

// runServer generates the world, serves it and answers the parent until
// its stdin closes.
func runServer(f flags, in io.Reader, out io.Writer) error {
	// The simulator holds the whole organization and only serves it: a
	// higher GC target trades its memory for CPU the scan can use.
	debug.SetGCPercent(400)
	regions := allRegions[:f.regions]
	start := time.Now()
	opts := awssim.GenerateOptions{Accounts: f.accounts, Regions: regions, Seed: f.seed}
	shardK, shardN := 0, 0
	switch f.serveWorld {
	case "":
	case "org":
		// The organization, and the management account's services: the
		// listing reads its trails (baseline accounts).
		opts.Only = func(i int, _ awssim.AccountID) bool { return i == 0 }
	default:
		k, n, err := parseShardRun(f.serveWorld)
		if err != nil {
			return fmt.Errorf("-serve-world: %w", err)
		}
		shardK, shardN, opts.Only = k, n, shardWorld(k, n)
	}
	world := awssim.Generate(opts)
	if f.delegatedAdmin {
		withDelegatedAdmin(world, regions[0], regions)
	}
	limits := awssim.AWSRateLimits()
	if f.noLimits {
		limits = nil
	}
	// The bound of what the parent scans here: the whole world, a shard's
	// (-serve-world K/N), or nothing (the organization, listed).
	var bound Bound
	switch {
	case shardN > 0:
		bound = ComputeShardBound(world, regions, f.latency, limits, f.regionsAll, f.teamTag != "", shardK, shardN, f.accountsFrom)
	case f.serveWorld == "":
		bound = ComputeBound(world, regions, f.latency, limits, f.regionsAll, f.teamTag != "")
	}
	var management string
	for _, a := range world.Accounts {
		if a.Management {
			management = string(a.ID)
		}
	}
	srv, err := startSimulator(world, f, limits)
	if err != nil {
		return err
	}
	defer srv.Close()
	akid, secret := srv.Credentials()
	enc := json.NewEncoder(out)
	if err := enc.Encode(hello{URL: srv.URL(), AccessKeyID: akid, SecretAccessKey: secret, Bound: bound, GenerateNanos: int64(time.Since(start))}); err != nil {
		return err
	}
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		switch lines.Text() {
		case "stats":
			calls := srv.Calls()
			st := stats{Requests: calls.Total, Throttled: srv.Throttled(), ByOperation: map[string]int{}, ManagementByOperation: map[string]int{}, PeakRSSMB: round(peakRSSMB(), 1)}
			for k, v := range calls.ByCall {
				st.ByOperation[k.Service+":"+k.Operation] += v
				if k.Account == management {
					st.ManagementRequests += v
					st.ManagementByOperation[k.Service+":"+k.Operation] += v
				}
			}
			if err := enc.Encode(st); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown request %q", lines.Text())
		}
	}
	return lines.Err()
}

// startSimulator serves world as f says, its relative times ("7d")
// resolved against f.worldNow (the parent's worldNow), else the clock.
func startSimulator(world *awssim.World, f flags, limits map[string]awssim.Rate) (*awssim.Server, error) {
	opts := awssim.Options{Latency: f.latency, Seed: f.seed, RateLimits: limits, ThrottleRate: f.throttle}
	if !f.worldNow.IsZero() {
		at := f.worldNow
		opts.Now = func() time.Time { return at }
	}
	return awssim.Start(world, opts)
}

// worldNow is the instant the simulator resolves the world's relative
// times ("7d") against, given when the bench started: that second, cut to
// the whole second, less one second. The generated ages are whole days,
// so some findings are exactly as old as an SLA (7 or 30 days); the scan
// judges ages against its collected_at, which is cut to the whole second
// and taken when collection begins, after the bench started. With the
// simulator's own start as its clock, a fraction of a second earlier,
// whether a second's boundary fell between the two decided whether such a
// finding was overdue (FAIL) or still within its SLA (UPCOMING), and every
// "open N days": runs of one seed gave different reports. From this
// instant every age the scan sees is the world's age plus at least one
// second (plus the time until collection began: well under the hour and
// day the controls count in), in every run and every shard, so a seed
// gives one verdict and one message per thing.
func worldNow(benchStart time.Time) time.Time {
	return benchStart.UTC().Truncate(time.Second).Add(-time.Second)
}

// withDelegatedAdmin makes the management account the Security Hub,
// GuardDuty and Systems Manager delegated administrator of every other
// account, with a finding aggregator in home linking every region and a
// fresh AWS-QuickSetup-ManagedNode sync there, so that --collection auto
// reads through the administrator. Designating the GuardDuty administrator
// in a region enables GuardDuty for it there (GD-62): the administrator
// gets an enabled detector in every region it has none in.
func withDelegatedAdmin(w *awssim.World, home string, regions []string) {
	for i := range w.Accounts {
		a := &w.Accounts[i]
		if a.Management {
			for _, r := range regions {
				st := a.Regions[r]
				if st == nil {
					continue // not enabled in the account
				}
				if st.GuardDuty == nil {
					st.GuardDuty = &awssim.GuardDutyState{}
				}
				if len(st.GuardDuty.Detectors) == 0 {
					st.GuardDuty.Detectors = []awssim.Detector{{Status: "ENABLED"}}
				}
			}
			w.DelegatedAdmin = &awssim.DelegatedAdmin{
				SecurityHub:       a.ID,
				GuardDuty:         a.ID,
				FindingAggregator: &awssim.FindingAggregator{Region: home},
				SSM:               a.ID,
				SSMSync:           &awssim.SSMSync{Region: home},
			}
			return
		}
	}
}

// shardWorld is which accounts a shard's simulator generates the services
// of (-shard-worlds): shard k of n's (checks.Shard) and the management
// account, which owns the organization trail every member sees.
func shardWorld(k, n int) func(int, awssim.AccountID) bool {
	return func(i int, id awssim.AccountID) bool {
		return i == 0 || checks.Shard(string(id), n) == k-1
	}
}

// simulator is a simulator process (this binary with -serve) and its hello.
type simulator struct {
	hi     hello
	cmd    *exec.Cmd
	to     io.WriteCloser
	client *simClient
}

// spawnSimulator starts a simulator process with the bench's flags, its
// clock at now, and extra flags (-serve-world), and reads its hello.
func spawnSimulator(now time.Time, extra []string) (*simulator, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// The simulator's clock and world come last, so that they are the
	// parent's.
	args := append(append([]string{"-serve"}, os.Args[1:]...), "-world-now", now.Format(time.RFC3339Nano))
	cmd := exec.Command(self, append(args, extra...)...)
	cmd.Stderr = os.Stderr
	to, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	from, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &simulator{cmd: cmd, to: to}
	lines := bufio.NewScanner(from)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	s.client = &simClient{to: to, lines: lines}
	if !lines.Scan() {
		_ = s.close()
		return nil, fmt.Errorf("simulator exited: %v", lines.Err())
	}
	if err := json.Unmarshal(lines.Bytes(), &s.hi); err != nil {
		_ = s.close()
		return nil, fmt.Errorf("simulator hello: %w", err)
	}
	return s, nil
}

// close stops the simulator (its stdin closes) and waits for it to exit.
func (s *simulator) close() error {
	_ = s.to.Close()
	return s.cmd.Wait()
}
