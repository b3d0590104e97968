package main

import (
	"slices"
	"testing"
	"time"

	"github.com/baseline-scanner/baseline/internal/awssim"
)

func TestSequentialChainsArePacedByTheBucket(t *testing.T) {
	ms := time.Millisecond
	// Security Hub GetFindings, 3/s burst 6, 40 ms per page: six pages
	// back to back, then one every 333 ms of refill.
	got := sequential(8, 40*ms, awssim.Rate{PerSecond: 3, Burst: 6})
	want := []time.Duration{0, 40 * ms, 80 * ms, 120 * ms, 160 * ms, 200 * ms, 0, 0}
	// The 7th token: 6 used by 200 ms, refilled at 3/s from the start
	// (0.6 by 200 ms, 0.72 at 240 ms): ready at 333.3 ms.
	want[6] = time.Second / 3
	want[7] = want[6] + time.Second/3
	for i := range want {
		if d := got[i] - want[i]; d < -ms || d > ms {
			t.Errorf("page %d starts at %v, want %v", i, got[i], want[i])
		}
	}
	if got := sequential(3, 40*ms, awssim.Rate{}); !slices.Equal(got, []time.Duration{0, 40 * ms, 80 * ms}) {
		t.Errorf("unlimited chain = %v", got)
	}
}

func TestBoundOfAGeneratedWorld(t *testing.T) {
	w := awssim.Generate(awssim.GenerateOptions{Accounts: 3, Regions: []string{"us-east-1"}, Seed: 1, LargeAccountShare: -1})
	b := ComputeBound(w, []string{"us-east-1"}, 40*time.Millisecond, awssim.AWSRateLimits(), false)
	// Discovery is GetCallerIdentity and one ListAccounts page.
	if b.Discovery != 80*time.Millisecond {
		t.Errorf("discovery = %v, want 80ms", b.Discovery)
	}
	// A member's path is at least AssumeRole then DescribeHub then a page.
	if b.LongestPath < 120*time.Millisecond || b.Seconds < 0.2 {
		t.Errorf("longest path %v, bound %.3fs", b.LongestPath, b.Seconds)
	}
	if b.Calls < 2+2+3*7 {
		t.Errorf("minimal calls = %d", b.Calls)
	}
}
