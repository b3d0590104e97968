package main

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/baseline-scanner/baseline/internal/awssim"
)

// Bound is what any scanner needs at least to collect a world: the lower
// bound on wall time and the minimal number of API calls.
//
// Model (every call takes the latency L; calls that depend on an earlier
// answer — the next page's token, the ids to read — wait for it; calls of
// one action in one account and region draw on one token bucket of the
// simulator's rate limits):
//
//	bound = discovery + max over accounts k (in the best order) of
//	        sts_delay(k) + L (AssumeRole) + [L (ListRegions) with --regions all]
//	        + max( max over regions of Security Hub, GuardDuty, SSM chains,
//	               CloudTrail chain )
//	discovery   = L (GetCallerIdentity) + ceil(accounts/20) sequential
//	              ListAccounts pages (paced by the Organizations bucket)
//	Security Hub = max(L (DescribeHub) + max(standards pages, findings pages),
//	              L (DescribeSecurityHubV2) + GetFindingsV2 pages when enabled),
//	              findings pages = ceil(matching findings/100), paced 3/s burst 6
//	GuardDuty   = L (ListDetectors) + max(L GetDetector, L statistics,
//	              ListFindings pages of 50, each followed by a GetFindings batch)
//	SSM         = max(DescribeInstances pages of 1000,
//	              DescribeInstanceInformation pages of 50, each followed by a
//	              patch-states batch)
//	CloudTrail  = L (DescribeTrails, all regions at once)
//	              + L (GetTrailStatus and GetEventSelectors, all trails at once,
//	              paced per region)
//
// sts_delay(k) is the wait of the k-th AssumeRole on the scanning account's
// STS bucket; the longest accounts get the earliest tokens. Chains of
// dependent calls are timed by simulating the token bucket exactly
// (chainTimes). The simulator accepts a call up to 50 ms before its token
// (network jitter); the bound ignores that tolerance, which the scanner
// never uses as it paces to the exact rates.
type Bound struct {
	Seconds     float64
	Calls       int
	Discovery   time.Duration
	LongestPath time.Duration // the slowest account, from its AssumeRole
}

// ComputeBound computes the bound of w scanned in regions with latency.
func ComputeBound(w *awssim.World, regions []string, latency time.Duration, limits map[string]awssim.Rate, regionsAll bool) Bound {
	L := latency
	rate := func(action string) awssim.Rate {
		if r, ok := limits[action]; ok {
			return r
		}
		for i := range action {
			if action[i] == ':' {
				if r, ok := limits[action[:i]+":*"]; ok {
					return r
				}
			}
		}
		return awssim.Rate{}
	}
	var b Bound

	// Discovery: GetCallerIdentity, then the ListAccounts pages.
	var mgmt *awssim.Account
	for i := range w.Accounts {
		if w.Accounts[i].Management {
			mgmt = &w.Accounts[i]
		}
	}
	listPages := max(1, ceilDiv(len(w.Accounts), 20))
	b.Discovery = L + chainEnd(sequential(listPages, L, rate("organizations:ListAccounts")), L)
	b.Calls += 1 + listPages

	var orgTrails int
	if mgmt != nil {
		orgTrails = countTrails(mgmt, regions, true)
	}

	var paths []time.Duration
	for i := range w.Accounts {
		a := &w.Accounts[i]
		if a.Status != "" && a.Status != "ACTIVE" {
			continue
		}
		var path time.Duration
		calls := 0
		if !a.Management {
			path += L // AssumeRole
			calls++
		}
		if regionsAll {
			path += L // ListRegions
			calls++
		}
		var longest time.Duration
		for _, r := range regions {
			st := a.Regions[r]
			if st == nil {
				st = &awssim.RegionState{}
			}
			d, n := securityHub(st, L, rate)
			longest, calls = max(longest, d), calls+n
			d, n = guardDuty(st, L, rate)
			longest, calls = max(longest, d), calls+n
			d, n = systemsManager(st, L, rate)
			longest, calls = max(longest, d), calls+n
		}
		// CloudTrail: DescribeTrails in every region at once, then status
		// and selectors of every trail at once, paced per home region.
		trails := countTrails(a, regions, false)
		if !a.Management {
			trails += orgTrails
		}
		ct := L
		calls += len(regions)
		if trails > 0 {
			// The most trails homed in one region share its bucket; the
			// organization trails' home may differ, so max, not sum, keeps
			// this a lower bound.
			worst := orgTrails
			for _, r := range regions {
				if st := a.Regions[r]; st != nil && st.CloudTrail != nil {
					worst = max(worst, len(st.CloudTrail.Trails))
				}
			}
			ct += chainEnd(parallel(max(worst, 1), L, rate("cloudtrail:GetTrailStatus")), L)
			calls += 2 * trails
		}
		longest = max(longest, ct)
		paths = append(paths, path+longest)
		b.Calls += calls
	}

	// AssumeRole tokens: the longest paths first.
	slices.SortFunc(paths, func(x, y time.Duration) int { return cmp.Compare(y, x) })
	sts := parallel(len(paths), 0, rate("sts:AssumeRole"))
	var worst time.Duration
	for k, p := range paths {
		worst = max(worst, sts[k]+p)
		b.LongestPath = max(b.LongestPath, p)
	}
	b.Seconds = (b.Discovery + worst).Seconds()
	return b
}

// securityHub is the longer of Security Hub CSPM's chain and the new
// Security Hub's, which run side by side.
func securityHub(st *awssim.RegionState, L time.Duration, rate func(string) awssim.Rate) (time.Duration, int) {
	cspm, n := securityHubCSPM(st, L, rate)
	v2, m := securityHubV2(st, L, rate)
	return max(cspm, v2), n + m
}

// securityHubV2 is L (DescribeSecurityHubV2) + the GetFindingsV2 pages of
// its findings of severity High and above, when enabled.
func securityHubV2(st *awssim.RegionState, L time.Duration, rate func(string) awssim.Rate) (time.Duration, int) {
	sh := st.SecurityHub
	if sh == nil || sh.V2 == nil || !sh.V2.Enabled {
		return L, 1 // ResourceNotFoundException
	}
	matched := 0
	for _, f := range sh.V2.Findings {
		if f.Severity == "High" || f.Severity == "Critical" || f.Severity == "Fatal" {
			matched++
		}
	}
	pages := max(1, ceilDiv(matched, 100))
	return L + chainEnd(sequential(pages, L, rate("securityhub:GetFindingsV2")), L), 1 + pages
}

func securityHubCSPM(st *awssim.RegionState, L time.Duration, rate func(string) awssim.Rate) (time.Duration, int) {
	sh := st.SecurityHub
	if sh == nil || !sh.Enabled {
		return L, 1 // DescribeHub answers InvalidAccessException
	}
	matched := 0
	for i := range sh.Findings {
		f := &sh.Findings[i]
		if (f.RecordState == "" || f.RecordState == "ACTIVE") &&
			(f.Workflow == "" || f.Workflow == "NEW" || f.Workflow == "NOTIFIED") &&
			(f.Severity == "CRITICAL" || f.Severity == "HIGH") && f.Compliance != "PASSED" {
			matched++
		}
	}
	stdPages := max(1, ceilDiv(len(sh.Standards), 100))
	findingPages := max(1, ceilDiv(matched, 100))
	std := chainEnd(sequential(stdPages, L, rate("securityhub:GetEnabledStandards")), L)
	fnd := chainEnd(sequential(findingPages, L, rate("securityhub:GetFindings")), L)
	return L + max(std, fnd), 1 + stdPages + findingPages
}

func guardDuty(st *awssim.RegionState, L time.Duration, rate func(string) awssim.Rate) (time.Duration, int) {
	gd := st.GuardDuty
	if gd == nil || len(gd.Detectors) == 0 {
		return L, 1
	}
	var longest time.Duration
	calls := 1
	for _, d := range gd.Detectors {
		high := 0
		for _, f := range d.Findings {
			if !f.Archived && f.Severity >= 7 {
				high++
			}
		}
		pages := max(1, ceilDiv(high, 50))
		batches := ceilDiv(high, 50)
		list := sequential(pages, L, rate("guardduty:ListFindings"))
		end := chainEnd(list, L)
		if batches > 0 {
			end = max(end, chainEnd(after(list, L, rate("guardduty:GetFindings")), L))
		}
		longest = max(longest, L, end)
		calls += 2 + pages + batches
	}
	return L + longest, calls
}

func systemsManager(st *awssim.RegionState, L time.Duration, rate func(string) awssim.Rate) (time.Duration, int) {
	instances, nodes := 0, 0
	if st.EC2 != nil {
		for _, in := range st.EC2.Instances {
			if in.State == "" || in.State == "running" || in.State == "stopped" {
				instances++
			}
		}
	}
	if st.SSM != nil {
		nodes = len(st.SSM.ManagedNodes)
	}
	ec2Pages := max(1, ceilDiv(instances, 1000))
	nodePages := max(1, ceilDiv(nodes, 50))
	batches := ceilDiv(nodes, 50)
	ec2 := chainEnd(sequential(ec2Pages, L, rate("ec2:DescribeInstances")), L)
	list := sequential(nodePages, L, rate("ssm:DescribeInstanceInformation"))
	ssm := chainEnd(list, L)
	if batches > 0 {
		ssm = max(ssm, chainEnd(after(list, L, rate("ssm:DescribeInstancePatchStates")), L))
	}
	return max(ec2, ssm), ec2Pages + nodePages + batches
}

// countTrails counts the distinct trails of a visible in regions: its own
// (multi-region ones once), or only its organization trails.
func countTrails(a *awssim.Account, regions []string, orgOnly bool) int {
	n := 0
	for home, st := range a.Regions {
		if st == nil || st.CloudTrail == nil {
			continue
		}
		for _, t := range st.CloudTrail.Trails {
			if orgOnly && !t.Organization {
				continue
			}
			if t.MultiRegion || slices.Contains(regions, home) {
				n++
			}
		}
	}
	return n
}

// bucket simulates one token bucket of the simulator.
type bucket struct {
	rate, burst, tokens float64
	last                time.Duration
	started             bool
}

// grant returns when a call that may start at t gets its token.
func (b *bucket) grant(t time.Duration) time.Duration {
	if b.rate <= 0 {
		return t
	}
	if !b.started {
		b.started, b.tokens, b.last = true, b.burst, t
	}
	if t > b.last {
		b.tokens = math.Min(b.burst, b.tokens+(t-b.last).Seconds()*b.rate)
		b.last = t
	}
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
		t += wait
		b.tokens, b.last = 1, t
	}
	b.tokens--
	return t
}

func newBucket(r awssim.Rate) *bucket {
	return &bucket{rate: r.PerSecond, burst: float64(max(r.Burst, 1))}
}

// sequential returns the start times of n calls where each waits for the
// previous answer (pages), on one bucket.
func sequential(n int, L time.Duration, r awssim.Rate) []time.Duration {
	b := newBucket(r)
	out := make([]time.Duration, n)
	var t time.Duration
	for k := range out {
		t = b.grant(t)
		out[k] = t
		t += L
	}
	return out
}

// parallel returns the start times of n independent calls on one bucket.
func parallel(n int, _ time.Duration, r awssim.Rate) []time.Duration {
	b := newBucket(r)
	out := make([]time.Duration, n)
	for k := range out {
		out[k] = b.grant(0)
	}
	return out
}

// after returns the start times of calls that each depend on one answer of
// prev (a batch read per listed page), on their own bucket.
func after(prev []time.Duration, L time.Duration, r awssim.Rate) []time.Duration {
	b := newBucket(r)
	out := make([]time.Duration, len(prev))
	for k, p := range prev {
		out[k] = b.grant(p + L)
	}
	return out
}

// chainEnd is when the last of calls started at starts answers.
func chainEnd(starts []time.Duration, L time.Duration) time.Duration {
	var end time.Duration
	for _, s := range starts {
		end = max(end, s+L)
	}
	return end
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
