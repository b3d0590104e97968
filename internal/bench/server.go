package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
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
}

// runServer generates the world, serves it and answers the parent until
// its stdin closes.
func runServer(f flags, in io.Reader, out io.Writer) error {
	// The simulator holds the whole organization and only serves it: a
	// higher GC target trades its memory for CPU the scan can use.
	debug.SetGCPercent(400)
	regions := allRegions[:f.regions]
	start := time.Now()
	world := awssim.Generate(awssim.GenerateOptions{Accounts: f.accounts, Regions: regions, Seed: f.seed})
	if f.delegatedAdmin {
		withDelegatedAdmin(world, regions[0], regions)
	}
	limits := awssim.AWSRateLimits()
	if f.noLimits {
		limits = nil
	}
	bound := ComputeBound(world, regions, f.latency, limits, f.regionsAll, f.teamTag != "")
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
			byOp := map[string]int{}
			for k, v := range calls.ByCall {
				byOp[k.Service+":"+k.Operation] += v
			}
			if err := enc.Encode(stats{Requests: calls.Total, Throttled: srv.Throttled(), ByOperation: byOp}); err != nil {
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
