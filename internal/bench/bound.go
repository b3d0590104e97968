package main

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/baseline-scanner/baseline/checks"
	"github.com/baseline-scanner/baseline/internal/awssim"
)

// Bound is what any scanner needs at least to collect a world: the lower
// bound on wall time and the minimal number of API calls.
//
// Model (every call takes the latency L; calls that depend on an earlier
// answer — the next page's token, the ids to read — wait for it; calls of
// one action in one account and region draw on one token bucket of the
// simulator's rate limits, which are AWS's where AWS documents them and
// assumed elsewhere: see the README's rate table):
//
//	bound = max( max over accounts k of
//	               arrive(k) + sts_wait(k) + L (AssumeRole) + [L (ListRegions) with --regions all]
//	               + max( max over regions of Security Hub, GuardDuty, SSM chains,
//	                      CloudTrail chain ),
//	             end of the team-tag reads (with a team tag) )
//	arrive(k)   = L (GetCallerIdentity) + the end of the ListAccounts page
//	              that lists k (pages of 20, sequential, paced by the
//	              organizations:ListAccounts bucket): discovery streamed,
//	              an account is collected as soon as its page arrives
//	team tags   = one ListTagsForResource per account, each after its
//	              account's page, paced by the caller's
//	              organizations:ListTagsForResource bucket; the report
//	              needs every account's team
//	Security Hub = max(L (DescribeHub) + max(standards pages, findings pages),
//	              L (DescribeSecurityHubV2) + GetFindingsV2 pages when enabled),
//	              findings pages = ceil(matching findings/100), paced 3/s burst 6
//	GuardDuty   = L (ListDetectors) + per detector the longest of L
//	              (GetDetector), ListCoverage pages of 50, four
//	              GetFindingsStatistics (one per severity band, in turn), and
//	              ListFindings pages of 50 each followed by a GetFindings
//	              batch; beside it ListMalwareProtectionPlans pages of 100
//	              then one GetMalwareProtectionPlan per plan, in turn
//	SSM         = max(DescribeInstances pages of 1000,
//	              DescribeInstanceInformation pages of 50, each followed by a
//	              patch-states batch)
//	CloudTrail  = L (DescribeTrails, all regions at once)
//	              + L (each own trail's GetTrailStatus in every scanned
//	              region that shows it and its GetEventSelectors, all at
//	              once, paced per region); an organization trail seen by a
//	              member is read once, from its owner
//
// sts_wait(k) is the wait of the k-th AssumeRole on the scanning account's
// STS bucket, accounts taken as they arrive (longest first within a page).
// Chains of dependent calls are timed by simulating the token bucket
// exactly (chainTimes). The simulator accepts a call up to 50 ms before its
// token (network jitter); the bound ignores that tolerance, which the
// scanner never uses as it paces to the exact rates. The model is direct
// collection's: with a delegated administrator (-collection auto) the
// calls differ and the bound is that of reading every account directly.
type Bound struct {
	Seconds float64
	Calls   int
	// Discovery is when the last ListAccounts page is answered.
	Discovery   time.Duration
	LongestPath time.Duration // the slowest account, from its AssumeRole
	// TeamTags is when the last team-tag read is answered (0 without).
	TeamTags time.Duration
}

// ComputeBound computes the bound of w scanned in regions with latency;
// teamTags says whether every account's tags are read.
func ComputeBound(w *awssim.World, regions []string, latency time.Duration, limits map[string]awssim.Rate, regionsAll, teamTags bool) Bound {
	return computeBound(w, regions, latency, limits, regionsAll, teamTags, boundScope{})
}

// boundScope is the part of a world one scan collects: a shard.
type boundScope struct {
	// collect says whether the scan collects account i (its shard); nil:
	// every account.
	collect func(i int, a *awssim.Account) bool
	// listed: the accounts come from an account list (--accounts-from):
	// no ListAccounts pages and no team-tag reads; every account is known
	// once the caller's identity is.
	listed bool
}

// ComputeShardBound is the bound of shard k of n (checks.Shard(id, n) ==
// k-1) of w, listed by the shard itself or read from an account list
// (listed). It is the bound of ComputeBound restricted to the shard's
// accounts, plus what a shard adds: with the organization trail's owner
// outside the shard, the owner's CloudTrail facts are collected after the
// shard's accounts (scan.collectOwners), read from the owner as the
// cloudTrail chain below, after one more GetCallerIdentity. Discovery still lists every account when the
// shard lists the organization, and team tags are read for the shard's
// accounts only.
func ComputeShardBound(w *awssim.World, regions []string, latency time.Duration, limits map[string]awssim.Rate, regionsAll, teamTags bool, k, n int, listed bool) Bound {
	in := func(_ int, a *awssim.Account) bool { return checks.Shard(string(a.ID), n) == k-1 }
	return computeBound(w, regions, latency, limits, regionsAll, teamTags, boundScope{collect: in, listed: listed})
}

func computeBound(w *awssim.World, regions []string, latency time.Duration, limits map[string]awssim.Rate, regionsAll, teamTags bool, scope boundScope) Bound {
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

	// Discovery: GetCallerIdentity, then the ListAccounts pages, in the
	// order ListAccounts lists the accounts (every account, whatever its
	// state: the scanner keeps the ACTIVE ones).
	listPages := max(1, ceilDiv(len(w.Accounts), 20))
	pages := sequential(listPages, L, rate("organizations:ListAccounts"))
	arrive := func(k int) time.Duration { return L + pages[k/20] + L }
	b.Discovery = arrive(len(w.Accounts) - 1)
	if len(w.Accounts) == 0 {
		b.Discovery = L + pages[0] + L
	}
	b.Calls += 1 + listPages
	if scope.listed {
		// GetCallerIdentity only: the list names every account.
		arrive = func(int) time.Duration { return L }
		b.Discovery = L
		b.Calls -= listPages
		teamTags = false
	}

	type account struct{ arrive, path time.Duration }
	var accounts []account
	var tagStarts []time.Duration
	collected := 0
	tags := newBucket(rate("organizations:ListTagsForResource"))
	for i := range w.Accounts {
		a := &w.Accounts[i]
		if a.Status != "" && a.Status != "ACTIVE" {
			continue
		}
		if scope.collect != nil && !scope.collect(i, a) {
			continue
		}
		collected++
		if teamTags {
			tagStarts = append(tagStarts, tags.grant(arrive(i)))
			b.Calls++
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
		d, n := cloudTrail(a, regions, L, rate)
		longest, calls = max(longest, d), calls+n
		accounts = append(accounts, account{arrive(i), path + longest})
		b.LongestPath = max(b.LongestPath, path+longest)
		b.Calls += calls
	}
	b.TeamTags = chainEnd(tagStarts, L)

	// AssumeRole tokens: accounts as they arrive, the longest first.
	slices.SortStableFunc(accounts, func(x, y account) int {
		if c := cmp.Compare(x.arrive, y.arrive); c != 0 {
			return c
		}
		return cmp.Compare(y.path, x.path)
	})
	sts := newBucket(rate("sts:AssumeRole"))
	end := b.TeamTags
	for _, a := range accounts {
		end = max(end, sts.grant(a.arrive)+a.path)
	}
	// A shard that sees an organization trail but does not hold its owner
	// reads the owner's CloudTrail facts once its accounts are collected,
	// unless the account list holds them (read by the listing caller, the
	// management account).
	if scope.collect != nil && collected > 0 {
		// checks.AccountTargets asks the caller's identity again, then the
		// owners are read side by side.
		var owners time.Duration
		missing := false
		for i := range w.Accounts {
			a := &w.Accounts[i]
			if scope.collect(i, a) || !ownsOrganizationTrail(a) || (scope.listed && a.Management) {
				continue
			}
			d, n := cloudTrail(a, regions, L, rate)
			if !a.Management {
				d, n = d+L, n+1 // AssumeRole
			}
			owners, missing = max(owners, d), true
			b.Calls += n
		}
		if missing {
			end += L + owners // GetCallerIdentity
			b.Calls++
		}
	}
	b.Seconds = end.Seconds()
	return b
}

// ownsOrganizationTrail says whether a has an organization trail, which
// every member sees.
func ownsOrganizationTrail(a *awssim.Account) bool {
	for _, st := range a.Regions {
		if st == nil || st.CloudTrail == nil {
			continue
		}
		for _, t := range st.CloudTrail.Trails {
			if t.Organization {
				return true
			}
		}
	}
	return false
}

// cloudTrail is the account's CloudTrail chain and calls: DescribeTrails in
// every region at once, then each own trail's status in every scanned
// region that shows it (a multi-region trail shows in all of them; a
// single-region one only at home) and its selectors once, all at once,
// paced per region. A trail homed outside the scanned regions is seen only
// when it is multi-region.
func cloudTrail(a *awssim.Account, regions []string, L time.Duration, rate func(string) awssim.Rate) (time.Duration, int) {
	calls := len(regions)
	perRegion := map[string]int{} // GetTrailStatus calls per region
	for home, st := range a.Regions {
		if st == nil || st.CloudTrail == nil {
			continue
		}
		for _, t := range st.CloudTrail.Trails {
			switch {
			case t.MultiRegion:
				for _, r := range regions {
					perRegion[r]++
				}
				calls += len(regions) + 1
			case slices.Contains(regions, home):
				perRegion[home]++
				calls += 2
			}
		}
	}
	if len(perRegion) == 0 {
		return L, calls
	}
	worst := 0
	for _, n := range perRegion {
		worst = max(worst, n)
	}
	return L + chainEnd(parallel(worst, L, rate("cloudtrail:GetTrailStatus")), L), calls
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
		// The collector's filter: active, workflow NEW, NOTIFIED or
		// RESOLVED, severity CRITICAL or HIGH (no compliance filter).
		if (f.RecordState == "" || f.RecordState == "ACTIVE") &&
			(f.Workflow == "" || f.Workflow == "NEW" || f.Workflow == "NOTIFIED" || f.Workflow == "RESOLVED") &&
			(f.Severity == "CRITICAL" || f.Severity == "HIGH") {
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
	if gd == nil {
		gd = &awssim.GuardDutyState{}
	}
	// Malware Protection plans, beside the detectors: the list's pages,
	// then each plan in turn.
	planPages := max(1, ceilDiv(len(gd.MalwareProtectionPlans), 100))
	plans := chainEnd(sequential(planPages, L, rate("guardduty:ListMalwareProtectionPlans")), L)
	if n := len(gd.MalwareProtectionPlans); n > 0 {
		plans += chainEnd(sequential(n, L, rate("guardduty:GetMalwareProtectionPlan")), L)
	}
	calls := 1 + planPages + len(gd.MalwareProtectionPlans)
	var longest time.Duration
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
		coveragePages := max(1, ceilDiv(len(d.Coverage), 50))
		coverage := chainEnd(sequential(coveragePages, L, rate("guardduty:ListCoverage")), L)
		stats := chainEnd(sequential(4, L, rate("guardduty:GetFindingsStatistics")), L)
		longest = max(longest, L, end, coverage, stats)
		calls += 1 + coveragePages + 4 + pages + batches
	}
	return max(L+longest, plans), calls
}

func systemsManager(st *awssim.RegionState, L time.Duration, rate func(string) awssim.Rate) (time.Duration, int) {
	instances, nodes := 0, 0
	gone := map[string]bool{} // DescribeInstanceInformation leaves out stopped and terminated instances
	if st.EC2 != nil {
		for _, in := range st.EC2.Instances {
			if in.State == "" || in.State == "running" || in.State == "stopped" {
				instances++
			}
			gone[in.ID] = in.State == "stopped" || in.State == "terminated"
		}
	}
	if st.SSM != nil {
		for _, n := range st.SSM.ManagedNodes {
			if !gone[n.ID] {
				nodes++
			}
		}
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
		// The next token comes after the last grant, even for a call
		// that could have started earlier.
		t = max(t, b.last)
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
